import { useEffect, useState } from "preact/hooks";
import { SignIn } from "./signin";
import { api, Me, setCsrf } from "./api";

export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const hash = useHash();
  if (!me) return <SignIn onSignedIn={(m) => setMe(m)} />;
  const signOut = async () => {
    await api("DELETE", "/v1/sessions/current");
    setCsrf("");
    setMe(null);
    location.hash = "#/signin";
  };
  return (
    <>
      <header class="bar">
        <h1>Proprio</h1>
        <span class="spacer" />
        <span>{me.name}</span>
        <button class="secondary" onClick={signOut}>Sign out</button>
      </header>
      <main id="main"><p>Signed in ({hash}).</p></main>
    </>
  );
}
