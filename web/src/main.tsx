// The Proprio console (issue 13): one page, its screens chosen by the hash
// (#/signin, #/carriers/{c}/call, #/carriers/{c}/ledger). It holds no rule:
// every answer it shows (what may be discussed, and why) comes from the /v1
// API. No CPNI in URLs or browser storage: the session is an HttpOnly cookie,
// the CSRF token lives in memory only, numbers are searched by POST.
import { render } from "preact";
import "./console.css";
import { App } from "./app";

render(<App />, document.getElementById("app")!);
