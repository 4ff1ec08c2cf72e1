import { useState } from "preact/hooks";
import { api, ApiError, Me, setCsrf } from "./api";

export function SignIn({ onSignedIn }: { onSignedIn: (m: Me) => void }) {
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      // cookie: the token goes into an HttpOnly cookie, never into script.
      const s = await api("POST", "/v1/sessions", { login, password, cookie: true });
      setPassword("");
      setCsrf(s.csrf_token);
      onSignedIn(s.principal);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "cannot reach the server");
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main">
      <h1>Proprio console</h1>
      <h2>Sign in</h2>
      <form class="stack" onSubmit={submit}>
        <div>
          <label for="login">Login</label>
          <input id="login" name="login" autocomplete="username" value={login}
                 onInput={(e) => setLogin((e.target as HTMLInputElement).value)} required />
        </div>
        <div>
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password"
                 value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
                 required />
        </div>
        <button type="submit" disabled={busy}>Sign in</button>
        {error && <p class="error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
