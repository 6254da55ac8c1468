"use client";
/**
 * A gene name field that completes from the dataset's genes (prefix matches first, then
 * substrings, on the display name and the id), as a native input + datalist so the browser's own
 * keyboard and screen-reader handling apply. Submitting picks the gene.
 */
import { useEffect, useState, type FormEvent } from "react";
import { gql } from "../graphql/client";
import { GENES, type Gene, type GenesData } from "../graphql/operations";

export function GeneSearch({ datasetId, onPick, idPrefix, label = "Colour by gene", busy = false }: { datasetId: string; onPick(gene: string): void; idPrefix: string; label?: string; busy?: boolean }) {
  const [text, setText] = useState("");
  const [options, setOptions] = useState<Gene[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = text.trim();
    if (!q) return setOptions([]);
    let live = true;
    // A short pause so typing a name is one request, not one per key.
    const t = setTimeout(() => {
      gql<GenesData>(GENES, { id: datasetId, search: q, first: 20 })
        .then((d) => live && (setOptions(d.dataset?.geneList ?? []), setError(null)))
        .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [text, datasetId]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const q = text.trim();
    if (!q) return;
    // A typed name that differs only in case from a completion is that gene.
    const exact = options.find((o) => o.name.toLowerCase() === q.toLowerCase() || o.id.toLowerCase() === q.toLowerCase());
    onPick(exact?.name ?? q);
  }

  return (
    <form className="inline" onSubmit={submit} role="search" aria-label="Gene">
      <div className="field">
        <label htmlFor={`${idPrefix}-gene`}>{label}</label>
        <input id={`${idPrefix}-gene`} list={`${idPrefix}-genes`} value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. NKG7" autoComplete="off" spellCheck={false} data-testid="gene-search" />
        <datalist id={`${idPrefix}-genes`}>
          {options.map((g) => (
            <option key={g.index} value={g.name}>
              {g.name !== g.id ? g.id : ""}
            </option>
          ))}
        </datalist>
      </div>
      <button type="submit" disabled={busy || !text.trim()}>
        Show
      </button>
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </form>
  );
}
