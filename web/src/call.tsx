// The CSR's call screen (47 CFR 64.2010): find the customer, open the
// verification session of the call, walk the steps, and see at every moment
// what may be discussed and why. The browser decides nothing: every "may" is
// the answer of POST .../verifications/{v}/decisions, shown with its citation.
import { useState } from "preact/hooks";
import { api, ApiError } from "./api";

interface Match { id: number; account_number: string; customer_type: string; name: string }
interface Decision {
  allowed: boolean;
  reason: string;
  basis: string[] | string;
  requires?: { kind: string; scope?: string }[];
  decision_id?: number;
}

const CALL_DETAIL_ASK = (customer: number) => ({
  customer,
  action: "disclose",
  purpose: "customer_account_access",
  recipient: { kind: "customer" },
  cpni: ["call_detail"],
  service_category: "local",
});

function cites(b: string[] | string | undefined): string {
  return Array.isArray(b) ? b.join("; ") : b || "";
}

function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    return e.status === 404 ? "Not found: no such customer or carrier for you." : e.message;
  }
  return "The server could not be reached.";
}

export function CallScreen({ carrier }: { carrier: number }) {
  const base = `/v1/carriers/${carrier}`;
  const [by, setBy] = useState<"telephone_number" | "account_number">("telephone_number");
  const [number, setNumber] = useState("");
  const [matches, setMatches] = useState<Match[]>([]);
  const [customer, setCustomer] = useState<Match | null>(null);
  const [session, setSession] = useState<any>(null);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [lastStep, setLastStep] = useState<any>(null);
  const [error, setError] = useState("");
  const [password, setPassword] = useState("");
  const [answer, setAnswer] = useState("");
  const [stated, setStated] = useState("");

  const search = async (e: Event) => {
    e.preventDefault();
    setError("");
    setMatches([]);
    try {
      // POST: the number goes in the body, never in the URL.
      const r = await api("POST", `${base}/customers/search`, { [by]: number });
      setMatches(r.customers);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const decide = async (v: number, c: number) => {
    const d = await api("POST", `${base}/verifications/${v}/decisions`, CALL_DETAIL_ASK(c));
    setDecision(d);
  };

  const openCall = async (m: Match) => {
    setError("");
    try {
      // The call's id ties a one-time consent to this call (64.2008(f)).
      const callId = `console-${Date.now().toString(36)}`;
      const s = await api("POST", `${base}/verifications`,
                          { customer: m.id, channel: "phone", call_id: callId });
      setCustomer(m);
      setSession(s);
      setLastStep(null);
      await decide(s.id, m.id);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const step = async (body: Record<string, unknown>) => {
    setError("");
    try {
      const r = await api("POST", `${base}/verifications/${session.id}/steps`, body);
      setLastStep(r);
      setSession(r.session);
      await decide(session.id, customer!.id);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const endCall = async () => {
    try {
      await api("POST", `${base}/verifications/${session.id}/close`);
    } catch (_) { /* already closed */ }
    setSession(null);
    setCustomer(null);
    setDecision(null);
    setMatches([]);
    setNumber("");
  };

  return (
    <section aria-labelledby="call-title">
      <h2 id="call-title">Call screen</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {!session && (
        <>
          <form class="stack" onSubmit={search} aria-label="Find the customer">
            <div>
              <label for="search-by">Find by</label>
              <select id="search-by" value={by}
                      onChange={(e) => setBy((e.target as HTMLSelectElement).value as any)}>
                <option value="telephone_number">Telephone number</option>
                <option value="account_number">Account number</option>
              </select>
            </div>
            <div>
              <label for="search-value">{by === "telephone_number" ? "Telephone number" : "Account number"}</label>
              <input id="search-value" value={number} autocomplete="off" required
                     onInput={(e) => setNumber((e.target as HTMLInputElement).value)} />
            </div>
            <button type="submit">Search</button>
          </form>
          {matches.length > 0 && (
            <>
              <h3>Customers found</h3>
              <ul>
                {matches.map((m) => (
                  <li>
                    {m.name} (account {m.account_number}, {m.customer_type}){" "}
                    <button onClick={() => openCall(m)}>Open call with {m.name}</button>
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      {session && customer && (
        <div class="grid">
          <div>
            <div class="panel">
              <h3>Caller</h3>
              <p>{customer.name}, account {customer.account_number}</p>
              <p>Verification session {session.id}: {session.authenticated ? "authenticated" : "not authenticated"}
                {session.flags?.length ? ` (${session.flags.join(", ")})` : ""}</p>
              <button class="secondary" onClick={endCall}>End call</button>
            </div>
            <Discuss decision={decision} session={session} />
          </div>
          <div>
            <div class="panel">
              <h3>Verify the caller (47 CFR 64.2010(b))</h3>
              <form class="stack" aria-label="Password" onSubmit={(e) => { e.preventDefault(); const p = password; setPassword(""); step({ kind: "password", password: p }); }}>
                <div>
                  <label for="cpni-password">Customer's password</label>
                  <input id="cpni-password" type="password" autocomplete="off" value={password}
                         onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
                </div>
                <button type="submit">Check password</button>
              </form>
              {session.backup_question && (
                <form class="stack" aria-label="Back-up question" onSubmit={(e) => { e.preventDefault(); const a = answer; setAnswer(""); step({ kind: "backup_answer", answer: a }); }}>
                  <div>
                    <label for="backup-answer">Back-up question: {session.backup_question}</label>
                    <input id="backup-answer" type="password" autocomplete="off" value={answer}
                           onInput={(e) => setAnswer((e.target as HTMLInputElement).value)} required />
                  </div>
                  <button type="submit">Check answer</button>
                </form>
              )}
              {lastStep && (
                <p role="status" class={lastStep.passed ? "" : "error"}>
                  Step {lastStep.outcome}: {lastStep.reason} <span class="cite">{cites(lastStep.basis)}</span>
                </p>
              )}
            </div>
            <Alternatives step={step} stated={stated} setStated={setStated} />
            <OneTimeConsent base={base} customer={customer.id} callId={session.call_id} />
          </div>
        </div>
      )}
    </section>
  );
}

function Discuss({ decision, session }: { decision: Decision | null; session: any }) {
  if (!decision) return <div class="panel"><p>Asking what may be discussed…</p></div>;
  return (
    <div class={"panel " + (decision.allowed ? "allowed" : "refused")} aria-live="polite" id="discuss">
      <h3>What may be discussed</h3>
      {decision.allowed ? (
        <p id="call-detail-status"><strong>Call detail may be discussed</strong> with this caller.</p>
      ) : (
        <p id="call-detail-status"><strong>Call detail may not be discussed</strong> on this call.</p>
      )}
      <p>Why: {decision.reason}</p>
      <p class="cite">Citation: {cites(decision.basis)}{decision.decision_id ? ` (decision ${decision.decision_id})` : ""}</p>
      {!decision.allowed && decision.requires && decision.requires.length > 0 && (
        <p>Would be allowed with: {decision.requires
          .map((r) => r.kind.replace(/_/g, " ") + (r.scope ? ` (${r.scope.replace(/_/g, " ")})` : ""))
          .join("; ")}</p>
      )}
      {session.stated_call_detail && (
        <p>The caller stated, without help: “{session.stated_call_detail}”. Only that detail may be discussed.</p>
      )}
    </div>
  );
}

function Alternatives({ step, stated, setStated }: {
  step: (b: Record<string, unknown>) => void; stated: string; setStated: (s: string) => void;
}) {
  return (
    <div class="panel" id="alternatives">
      <h3>Without the password (47 CFR 64.2010(b))</h3>
      <p class="note">Call detail may still be given by calling back the telephone number of
        record or by sending it to the address of record; or the caller may describe the call
        without help and only that detail is discussed.</p>
      <div class="row">
        <button onClick={() => step({ kind: "call_back", reached: true })}>Call back the number of record</button>
        <button onClick={() => step({ kind: "send_to_address_of_record", address: "postal" })}>Send to postal address of record</button>
        <button onClick={() => step({ kind: "send_to_address_of_record", address: "email" })}>Send to e-mail of record</button>
      </div>
      <form class="stack" aria-label="Call detail the caller stated" onSubmit={(e) => { e.preventDefault(); step({ kind: "caller_call_detail", description: stated }); setStated(""); }}>
        <div>
          <label for="stated-detail">Call detail the caller stated without help</label>
          <input id="stated-detail" value={stated} autocomplete="off"
                 onInput={(e) => setStated((e.target as HTMLInputElement).value)} required />
        </div>
        <button type="submit">Record what the caller stated</button>
      </form>
    </div>
  );
}

// 47 CFR 64.2008(f): one-time oral consent for the duration of this call,
// recorded as an approval event; the server refuses it (with the rule) when
// the notice was not given.
function OneTimeConsent({ base, customer, callId }: { base: string; customer: number; callId: string }) {
  const [scope, setScope] = useState("own_marketing_comm_related");
  const [recording, setRecording] = useState("");
  const [noticeGiven, setNoticeGiven] = useState(false);
  const [result, setResult] = useState("");
  const [error, setError] = useState("");
  const record = async (e: Event) => {
    e.preventDefault();
    setError("");
    setResult("");
    try {
      const evidence: Record<string, unknown> = { channel: "oral", notice_in_contact: noticeGiven };
      if (recording) evidence.recording_id = recording;
      const r = await api("POST", `${base}/customers/${customer}/consent-events`, {
        kind: "one_time_consent", at: new Date().toISOString(), scopes: [scope], evidence,
        call_id: callId,
      });
      setResult(`One-time consent recorded for this call (ledger entry ${r.ledger_seq ?? "?"}).`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="panel">
      <h3>One-time consent on this call (47 CFR 64.2008(f))</h3>
      <form class="stack" onSubmit={record} aria-label="One-time consent">
        <div>
          <label for="consent-scope">Use the consent covers</label>
          <select id="consent-scope" value={scope} onChange={(e) => setScope((e.target as HTMLSelectElement).value)}>
            <option value="own_marketing_comm_related">Our own marketing of communications-related services</option>
            <option value="affiliates">Affiliates</option>
            <option value="agents">Agents</option>
          </select>
        </div>
        <div>
          <label for="consent-recording">Call recording id (optional)</label>
          <input id="consent-recording" value={recording} autocomplete="off"
                 onInput={(e) => setRecording((e.target as HTMLInputElement).value)} />
        </div>
        <div class="check">
          <input id="consent-notice" type="checkbox" checked={noticeGiven}
                 onChange={(e) => setNoticeGiven((e.target as HTMLInputElement).checked)} />
          <label for="consent-notice">The CPNI notice was given on this call</label>
        </div>
        <button type="submit">Record one-time consent</button>
      </form>
      {result && <p role="status">{result}</p>}
      {error && <p class="error" role="alert">{error}</p>}
    </div>
  );
}
