"use client";
/**
 * Cell sets: a lasso selection saved under a name (team-visible, audited by the API), listed with
 * who made it; each can be shown on the UMAP (the page's one selection), compared with the rest of
 * the cells or another set (the clusters' marker test, table and dot plot) and reviewed like a
 * cluster (`review` renders that panel).
 */
import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from "react";
import { errorMessage, gql, unwrap, type UserError } from "../graphql/client";
import { useQuery } from "../graphql/hooks";
import { CELL_SET_MARKERS, CREATE_CELL_SET, DELETE_CELL_SET, type CellSetMarkersData, type CellSetRow, type Role } from "../graphql/operations";
import { fetchExpression } from "../graphql/percell";
import { filterMarkers, SCANPY_FILTER, type MarkerRow } from "../plots/markers";
import { complement, groupStats, type Selection } from "../plots/selection";
import { DotPlot, type GeneStatsView } from "./DotPlot";
import { ErrorText } from "./Field";
import { fmtDate } from "./format";
import { MarkerTable } from "./MarkerTable";

interface Props {
  runId: string;
  n: number;
  sets: CellSetRow[];
  selection: Selection;
  onSelect(s: Selection): void;
  onChanged(): void;
  role: Role;
  viewer: { id: string };
  /** The review panel of a set (proposals, votes, comments, accept, history). */
  review?(set: CellSetRow): ReactNode;
}

export function CellSets({ runId, n, sets, selection, onSelect, onChanged, role, viewer, review }: Props) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [comparing, setComparing] = useState<string | null>(null);
  const canWrite = role !== "VIEWER";
  const picked = selection?.kind === "cells" ? selection.cells : null;
  const active = selection?.kind === "set" ? selection.id : null;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ createCellSet: { cellSet: CellSetRow | null; errors: UserError[] } }>(CREATE_CELL_SET, { input: { runId, name: name.trim(), cells: [...picked] } });
      const set = unwrap(d.createCellSet).cellSet!;
      setName("");
      onChanged();
      onSelect({ kind: "set", id: set.id, name: set.name, cells: set.cells });
      setComparing(set.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  async function remove(set: CellSetRow) {
    if (!window.confirm(`Delete the cell set “${set.name}” (${set.cells.length} cells) and its review?`)) return;
    setError(null);
    try {
      unwrap((await gql<{ deleteCellSet: { errors: UserError[] } }>(DELETE_CELL_SET, { id: set.id })).deleteCellSet);
      if (active === set.id) onSelect(null);
      if (comparing === set.id) setComparing(null);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const current = sets.find((s) => s.id === comparing) ?? null;
  return (
    <section className="panel" aria-labelledby="cellsets-title" data-testid="cell-sets">
      <h2 id="cellsets-title">Cell sets</h2>
      <p className="muted">Select cells on the UMAP with the lasso, name them, then compare them with the rest or another set and propose a cell type, as for a cluster.</p>
      {canWrite && picked ? (
        <form className="inline" onSubmit={(e) => void save(e)} aria-label="Save the selection as a cell set">
          <div className="field">
            <label htmlFor="cellset-name">Name for the {picked.length.toLocaleString()} selected cells</label>
            <input id="cellset-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder="e.g. CD8 effector-like" />
          </div>
          <button type="submit" disabled={busy || !name.trim()}>
            Save as cell set
          </button>
        </form>
      ) : canWrite ? (
        <p className="muted">Lasso cells on the UMAP to save them as a set.</p>
      ) : null}
      <ErrorText error={error} />
      {sets.length ? (
        <table>
          <caption className="sr-only">Cell sets of this run</caption>
          <thead>
            <tr>
              <th scope="col">Set</th>
              <th scope="col" className="num">Cells</th>
              <th scope="col">Label</th>
              <th scope="col">By</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {sets.map((s) => (
              <tr key={s.id} data-testid="cell-set-row">
                <td>{s.name}</td>
                <td className="num">{s.cells.length.toLocaleString()}</td>
                <td data-testid="cell-set-label">
                  {s.label ?? (s.proposals[0] ? `${s.proposals[0].label}?` : "—")} <span className={`badge status-${s.status.toLowerCase()}`}>{s.status.toLowerCase()}</span>
                </td>
                <td>
                  {s.createdBy.name}, {fmtDate(s.createdAt)}
                </td>
                <td className="inline">
                  <button type="button" className="secondary" aria-pressed={active === s.id} onClick={() => onSelect({ kind: "set", id: s.id, name: s.name, cells: s.cells })}>
                    Show
                  </button>
                  <button type="button" className="secondary" aria-pressed={comparing === s.id} onClick={() => setComparing(s.id)}>
                    Markers and review
                  </button>
                  {role === "OWNER" || s.createdBy.id === viewer.id ? (
                    <button type="button" className="secondary" onClick={() => void remove(s)} aria-label={`Delete ${s.name}`}>
                      Delete
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No cell sets yet.</p>
      )}
      {current ? <SetComparison key={current.id} runId={runId} n={n} set={current} sets={sets} /> : null}
      {current && review ? review(current) : null}
    </section>
  );
}

function SetComparison({ runId, n, set, sets }: { runId: string; n: number; set: CellSetRow; sets: CellSetRow[] }) {
  const [reference, setReference] = useState<string>("");
  const ref = sets.find((s) => s.id === reference) ?? null;
  const q = useQuery<CellSetMarkersData>(CELL_SET_MARKERS, { id: set.id, reference: reference || null, top: 200 });
  const refName = ref ? ref.name : "rest of the cells";
  const rows: MarkerRow[] = useMemo(
    () =>
      (q.data?.cellSet?.markers ?? []).map((m) => ({ group: set.name, gene: m.gene, geneId: m.geneId, rank: m.rank, score: m.score, logFoldChange: m.logFoldChange, pval: m.pval, pvalAdj: m.pvalAdj, log10Pval: m.log10Pval, log10PvalAdj: m.log10PvalAdj, pts: m.pctIn, ptsRest: m.pctOut })),
    [q.data, set.name],
  );
  const genes = useMemo(() => filterMarkers(rows, SCANPY_FILTER).slice(0, 12).map((m) => m.gene), [rows]);
  const [plot, setPlot] = useState<GeneStatsView | null>(null);
  const [plotError, setPlotError] = useState<string | null>(null);

  // The dot plot's numbers come from the same per-cell columns as the UMAP's gene colouring.
  useEffect(() => {
    setPlot(null);
    if (!genes.length) return;
    let live = true;
    const refCells = ref ? ref.cells : complement(set.cells, n);
    Promise.all(genes.map((g) => fetchExpression(runId, g, n)))
      .then((columns) => {
        if (!live) return;
        const { mean, fraction } = groupStats(columns, [set.cells, refCells]);
        setPlot({ genes, brackets: [{ group: set.name, start: 0, end: genes.length - 1 }], groups: [{ name: set.name, color: "#1f77b4" }, { name: refName, color: "#c8c8c8" }], mean, fraction });
      })
      .catch((err: unknown) => live && setPlotError(errorMessage(err)));
    return () => {
      live = false;
    };
  }, [genes, ref, set, n, runId, refName]);

  return (
    <div data-testid="cell-set-comparison">
      <h3>
        “{set.name}” against the {refName}
      </h3>
      <div className="field" style={{ maxWidth: "24rem" }}>
        <label htmlFor="cellset-reference">Compare with</label>
        <select id="cellset-reference" value={reference} onChange={(e) => setReference(e.target.value)}>
          <option value="">the rest of the cells</option>
          {sets
            .filter((s) => s.id !== set.id)
            .map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
        </select>
      </div>
      <ErrorText error={q.error?.message ?? plotError} />
      {q.loading && !q.data ? <p aria-live="polite">Computing the markers…</p> : null}
      {plot ? <DotPlot data={plot} testId="cellset-dotplot" scale="none" /> : null}
      <MarkerTable rows={rows} caption={`Markers of ${set.name} against the ${refName}`} fileName={`markers-${set.name.replace(/\W+/g, "_")}.csv`} idPrefix="cellset" />
    </div>
  );
}
