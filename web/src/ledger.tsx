// The auditor's screen: the ledger's head, a verification run and its report,
// and an inclusion proof of one entry to download (checked offline by
// `proprio audit check-proof FILE --root ROOT`).
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "./api";

export function LedgerScreen({ carrier }: { carrier: number }) {
  const base = `/v1/carriers/${carrier}/ledger`;
  const [head, setHead] = useState<any>(null);
  const [report, setReport] = useState<any>(null);
  const [seq, setSeq] = useState("1");
  const [proof, setProof] = useState<{ url: string; name: string } | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const fail = (e: unknown) =>
    setError(e instanceof ApiError ? (e.status === 404 ? "Not found for you." : e.message) : "The server could not be reached.");

  useEffect(() => {
    api("GET", base).then(setHead, fail);
  }, [carrier]);

  const verify = async () => {
    setBusy(true);
    setError("");
    try {
      setReport(await api("GET", `${base}/verification`));
      setHead(await api("GET", base));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const getProof = async (e: Event) => {
    e.preventDefault();
    setError("");
    try {
      const p = await api("GET", `${base}/entries/${Number(seq)}/proof`);
      if (proof) URL.revokeObjectURL(proof.url);
      const blob = new Blob([JSON.stringify(p, null, 2)], { type: "application/json" });
      setProof({ url: URL.createObjectURL(blob), name: `carrier-${carrier}-entry-${Number(seq)}-proof.json` });
    } catch (err) {
      fail(err);
    }
  };

  return (
    <section aria-labelledby="ledger-title">
      <h2 id="ledger-title">Ledger of carrier {carrier}</h2>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="panel">
        <h3>Head</h3>
        {head ? (
          <table>
            <tbody>
              <tr><th scope="row">Entries</th><td id="ledger-entries">{head.entries}</td></tr>
              <tr><th scope="row">Merkle root</th><td><code id="ledger-root">{head.root}</code></td></tr>
              {head.last_hash && <tr><th scope="row">Last chain hash</th><td><code>{head.last_hash}</code></td></tr>}
            </tbody>
          </table>
        ) : <p>Loading…</p>}
      </div>
      <div class="panel">
        <h3>Verification</h3>
        <button onClick={verify} disabled={busy}>Run verification</button>
        {report && (
          <div role="status" id="verify-report">
            <p><strong>{report.valid ? "Valid" : "NOT valid"}</strong>: {report.entries} entries checked,
              {" "}{report.payloads_checked ?? 0} payloads checked, {report.payloads_erased ?? 0} erased.</p>
            {report.problems.length > 0 && (
              <ul>{report.problems.map((p: any) => <li>{p.kind} at entry {p.entry}: {p.detail}</li>)}</ul>
            )}
          </div>
        )}
      </div>
      <div class="panel">
        <h3>Inclusion proof</h3>
        <form class="row" onSubmit={getProof}>
          <div>
            <label for="proof-seq">Entry number</label>
            <input id="proof-seq" type="number" min="1" value={seq}
                   onInput={(e) => setSeq((e.target as HTMLInputElement).value)} required />
          </div>
          <button type="submit">Prepare proof</button>
        </form>
        {proof && (
          <p><a id="proof-download" href={proof.url} download={proof.name}>Download {proof.name}</a>
            {" "}— check it with <code>proprio audit check-proof FILE --root ROOT</code>.</p>
        )}
      </div>
    </section>
  );
}
