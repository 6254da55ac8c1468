"use client";
/**
 * The run's review in the Cell Annotation Schema: download it as a CAS JSON document (also embedded
 * in the h5ad export's uns['cas']), or import a CAS document of the same cells as proposals with
 * their reviews; each annotation's fate is listed.
 */
import { useState } from "react";
import { errorMessage, gql, unwrap } from "../graphql/client";
import { IMPORT_CAS, RUN_CAS, type ImportCasData } from "../graphql/operations";

export function CasExchange({ runId, canImport, onImported }: { runId: string; canImport: boolean; onImported(): void }) {
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [entries, setEntries] = useState<ImportCasData["importCas"]["entries"]>([]);
  const [busy, setBusy] = useState(false);

  async function download() {
    setError(null);
    setBusy(true);
    try {
      const d = await gql<{ run: { cas: unknown } | null }>(RUN_CAS, { id: runId });
      const blob = new Blob([JSON.stringify(d.run?.cas, null, 2)], { type: "application/json" });
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `run-${runId}.cas.json`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
      setMessage("Downloaded the Cell Annotation Schema document.");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function importFile(file: File) {
    setError(null);
    setMessage(null);
    setEntries([]);
    setBusy(true);
    try {
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON`);
      }
      const d = await gql<ImportCasData>(IMPORT_CAS, { input: { runId, document } });
      unwrap(d.importCas);
      setEntries(d.importCas.entries);
      setMessage(`Imported ${d.importCas.entries.filter((e) => e.imported).length} of ${d.importCas.entries.length} annotations from ${file.name}.`);
      onImported();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="cas-title" data-testid="cas-exchange">
      <h2 id="cas-title">Cell Annotation Schema</h2>
      <p className="inline">
        <button type="button" disabled={busy} onClick={() => void download()} data-testid="cas-export">
          Export review as CAS JSON
        </button>
        {canImport ? (
          <label className="secondary" style={{ cursor: "pointer" }}>
            Import CAS JSON…{" "}
            <input
              type="file"
              accept="application/json,.json"
              data-testid="cas-import"
              disabled={busy}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importFile(f);
                e.target.value = "";
              }}
            />
          </label>
        ) : null}
      </p>
      {message ? (
        <p role="status" data-testid="cas-message">
          {message}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="alert">
          {error}
        </p>
      ) : null}
      {entries.length ? (
        <ul className="history">
          {entries.map((e) => (
            <li key={e.index}>
              {e.label}: {e.imported ? `proposed on cluster ${e.clusterIndex}` : "not imported"}
              {e.reason ? ` — ${e.reason}` : ""}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
