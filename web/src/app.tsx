import { useEffect, useState } from "preact/hooks";
import { SignIn } from "./signin";
import { api, Me, setCsrf } from "./api";
import { CallScreen } from "./call";
import { LedgerScreen } from "./ledger";

export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

// The screen a role lands on: auditors the ledger, everyone else the call screen.
export function home(me: Me, carrier: number): string {
  const auditorOnly = me.roles.length > 0 && me.roles.every((r) => r === "auditor");
  return `#/carriers/${carrier}/${auditorOnly ? "ledger" : "call"}`;
}

// "#/carriers/12/call" -> {carrier: 12, screen: "call"}; only ids, never CPNI.
export function parseRoute(hash: string): { carrier: number; screen: string } | null {
  const m = /^#\/carriers\/(\d+)\/(call|ledger)$/.exec(hash);
  return m ? { carrier: Number(m[1]), screen: m[2] } : null;
}

export function App() {
  const [me, setMe] = useState<Me | null>(null);
  const hash = useHash();
  useEffect(() => {
    if (me && !parseRoute(location.hash)) location.hash = home(me, me.carriers[0] ?? 0);
  }, [me, hash]);
  if (!me) {
    return (
      <SignIn
        onSignedIn={(m) => {
          setMe(m);
          location.hash = home(m, m.carriers[0] ?? 0);
        }}
      />
    );
  }
  const route = parseRoute(hash);
  const signOut = async () => {
    try {
      await api("DELETE", "/v1/sessions/current");
    } finally {
      setCsrf("");
      setMe(null);
      location.hash = "";
    }
  };
  const switchCarrier = (c: number) => {
    location.hash = route ? `#/carriers/${c}/${route.screen}` : home(me, c);
  };
  const canLedger = me.roles.some((r) =>
    ["admin", "compliance_officer", "general_counsel", "security", "auditor"].includes(r));
  const canCall = me.roles.some((r) => ["csr", "supervisor", "security"].includes(r));
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        Skip to content
      </a>
      <header class="bar">
        <h1>Proprio</h1>
        <nav aria-label="Screens" class="row">
          {route && canCall && <a href={`#/carriers/${route.carrier}/call`}>Call screen</a>}
          {route && canLedger && <a href={`#/carriers/${route.carrier}/ledger`}>Ledger</a>}
        </nav>
        <span class="spacer" />
        {me.carriers.length > 1 && route && (
          <span class="row">
            <label for="carrier-switch">Acting for carrier</label>
            <select id="carrier-switch" value={String(route.carrier)}
                    onChange={(e) => switchCarrier(Number((e.target as HTMLSelectElement).value))}>
              {me.carriers.map((c) => <option value={String(c)}>Carrier {c}</option>)}
            </select>
          </span>
        )}
        {me.carriers.length === 1 && <span>Carrier {me.carriers[0]}</span>}
        <span>{me.name} ({me.roles.join(", ")})</span>
        <button class="secondary" onClick={signOut}>Sign out</button>
      </header>
      <main id="main" tabIndex={-1}>
        {!route && <p>Choose a screen.</p>}
        {route && route.screen === "call" && <CallScreen key={route.carrier} carrier={route.carrier} />}
        {route && route.screen === "ledger" && <LedgerScreen key={route.carrier} carrier={route.carrier} />}
      </main>
    </>
  );
}
