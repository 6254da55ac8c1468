"use client";
/**
 * Which of the dataset's gene columns names the genes everywhere (markers, gene search, exports),
 * and, for a dataset with ids only, a two-column id → symbol file to attach.
 */
import { useState, type FormEvent } from "react";
import { errorMessage, gql, unwrap, type UserError } from "../graphql/client";
import { SET_GENE_NAME_COLUMN } from "../graphql/operations";
import { ErrorText } from "./Field";

/** `current` null = the genes are named by their ids. */
export function GeneNames({ datasetId, columns, current, canEdit, onChanged }: { datasetId: string; columns: string[]; current: string | null; canEdit: boolean; onChanged(): void }) {
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function choose(column: string | null) {
    setError(null);
    setNote(null);
    try {
      unwrap((await gql<{ setGeneNameColumn: { errors: UserError[] } }>(SET_GENE_NAME_COLUMN, { datasetId, column })).setGeneNameColumn);
      setNote(`Genes are now named by ${column ? `“${column}”` : "their ids"}.`);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function attach(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const file = (e.currentTarget.elements.namedItem("geneSymbolsFile") as HTMLInputElement).files?.[0];
    if (!file) return setError("Choose a file first.");
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const res = await fetch(`/api/datasets/${encodeURIComponent(datasetId)}/gene-symbols`, { method: "POST", credentials: "same-origin", headers: { "content-type": "application/octet-stream" }, body: file });
      const body = (await res.json().catch(() => ({}))) as { errors?: { message: string }[]; matched?: number };
      if (!res.ok) throw new Error(body.errors?.[0]?.message ?? `The file was refused (HTTP ${res.status}).`);
      setNote(`Symbols attached${body.matched !== undefined ? ` for ${body.matched.toLocaleString()} genes` : ""}.`);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="genenames-title">
      <h2 id="genenames-title">Gene names</h2>
      <div className="inline">
        <div className="field">
          <label htmlFor="gene-name-column">Name genes by</label>
          <select id="gene-name-column" value={current ?? ""} disabled={!canEdit || columns.length === 0} onChange={(e) => void choose(e.target.value || null)}>
            <option value="">the gene ids</option>
            {columns.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        {canEdit ? (
          <form className="inline" onSubmit={(e) => void attach(e)} aria-label="Attach gene symbols">
            <div className="field">
              <label htmlFor="geneSymbolsFile">Attach an id → symbol file (CSV/TSV, two columns)</label>
              <input id="geneSymbolsFile" name="geneSymbolsFile" type="file" accept=".csv,.tsv,.txt,.gz" />
            </div>
            <button type="submit" className="secondary" disabled={busy}>
              Attach
            </button>
          </form>
        ) : null}
      </div>
      {note ? (
        <p role="status" className="notice">
          {note}
        </p>
      ) : null}
      <ErrorText error={error} />
    </section>
  );
}
