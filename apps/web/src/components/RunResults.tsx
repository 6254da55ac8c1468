"use client";
/**
 * A finished run's results and their review: the UMAP (coloured by cluster, a label column or the
 * team's annotation), the clusters with their status, the selected cluster's review, the confusion
 * against the dataset's labels, the marker dot plot and the exports. Teammates' annotation changes
 * arrive over socket.io and refresh the clusters in place.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { fetchRunCells, type RunCells } from "../graphql/cells";
import { useQuery } from "../graphql/hooks";
import { RUN_RESULTS, type ClusterState, type Role, type RunResultsData } from "../graphql/operations";
import { useSocketEvent, type AnnotationEvent } from "../graphql/socket";
import { ClusterReview } from "./ClusterReview";
import { CopyLabels } from "./CopyLabels";
import { DotPlot } from "./DotPlot";
import { ErrorText } from "./Field";
import { Heatmap } from "./Heatmap";
import { MarkerCells, MarkerHeaders } from "./MarkerCells";
import { categoryColor } from "./palette";
import { Scatter } from "./Scatter";

type ColorBy = "cluster" | "label" | "annotation";

export function RunResults({ runId, role, viewer, datasetId }: { runId: string; role: Role; viewer: { id: string; name: string }; datasetId: string }) {
  const q = useQuery<RunResultsData>(RUN_RESULTS, { id: runId });
  const [clusters, setClusters] = useState<ClusterState[]>([]);
  const [cells, setCells] = useState<RunCells | null>(null);
  const [cellsError, setCellsError] = useState<string | null>(null);
  const [colorBy, setColorBy] = useState<ColorBy>("cluster");
  const [selected, setSelected] = useState<number>(0);
  const [selection, setSelection] = useState<number[]>([]);
  const [liveNote, setLiveNote] = useState<string>("");
  const run = q.data?.run;

  useEffect(() => {
    if (run) setClusters(run.clusters);
  }, [run]);

  useSocketEvent<AnnotationEvent>("annotation.changed", (e) => {
    if (e.runId !== runId) return;
    setLiveNote(`Cluster ${e.clusterIndex} was just updated by a teammate.`);
    void q.refetch();
  });

  const cellsUrl = run?.cellsUrl;
  useEffect(() => {
    if (!cellsUrl) return;
    let live = true;
    fetchRunCells(cellsUrl)
      .then((c) => live && setCells(c))
      .catch((err: unknown) => live && setCellsError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [cellsUrl]);

  // A mutation's answer replaces its cluster at once, before the socket's refresh arrives.
  const onChanged = useCallback((c: ClusterState) => setClusters((old) => old.map((o) => (o.index === c.index ? c : o))), []);

  const clusterName = useCallback(
    (i: number) => {
      const c = clusters.find((x) => x.index === i);
      return c?.label ? `Cluster ${i} (${c.label})` : `Cluster ${i}`;
    },
    [clusters],
  );

  // Colour categories for the scatter: clusters, the dataset's labels, or accepted/leading labels.
  const coloring = useMemo(() => {
    if (!cells) return null;
    if (colorBy === "label" && cells.label) return { category: cells.label, names: cells.labelNames };
    if (colorBy === "annotation") {
      const names: string[] = [];
      const byCluster = new Map<number, number>();
      for (const c of clusters) {
        const top = c.label ?? null;
        if (!top) continue;
        let idx = names.indexOf(top);
        if (idx < 0) idx = names.push(top) - 1;
        byCluster.set(c.index, idx);
      }
      const category = new Int32Array(cells.n);
      for (let i = 0; i < cells.n; i++) category[i] = byCluster.get(cells.cluster[i]!) ?? -1;
      return { category, names: names.length ? names : [] };
    }
    const k = Math.max(cells.k, ...clusters.map((c) => c.index + 1));
    return { category: cells.cluster, names: Array.from({ length: k }, (_, i) => clusterName(i)) };
  }, [cells, colorBy, clusters, clusterName]);

  const describe = useCallback(
    (i: number) => {
      if (!cells) return "";
      const c = cells.cluster[i]!;
      const lab = cells.label ? cells.labelNames[cells.label[i]!] : undefined;
      return `cell ${cells.cell[i]} · ${clusterName(c)}${lab ? ` · ${cells.labelKey}: ${lab}` : ""}`;
    },
    [cells, clusterName],
  );

  const selectionSummary = useMemo(() => {
    if (!cells || !selection.length) return null;
    const counts = new Map<number, number>();
    for (const i of selection) counts.set(cells.cluster[i]!, (counts.get(cells.cluster[i]!) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1]);
  }, [cells, selection]);

  if (q.error) return <ErrorText error={q.error.message} />;
  if (!run) return q.loading ? <p aria-live="polite">Loading results…</p> : null;
  const current = clusters.find((c) => c.index === selected) ?? clusters[0];

  return (
    <>
      <section className="panel" aria-labelledby="results-title">
        <h2 id="results-title">Embedding and annotation review</h2>
        <p className="sr-only" aria-live="polite" data-testid="live-note">
          {liveNote}
        </p>
        <div className="grid2">
          <div>
            <div className="inline">
              <div className="field">
                <label htmlFor="color-by">Colour by</label>
                <select id="color-by" value={colorBy} onChange={(e) => setColorBy(e.target.value as ColorBy)}>
                  <option value="cluster">Cluster</option>
                  {cells?.label ? <option value="label">Dataset label ({cells.labelKey})</option> : null}
                  <option value="annotation">Accepted annotation</option>
                </select>
              </div>
            </div>
            {cellsError ? <ErrorText error={cellsError} /> : null}
            {cells && coloring ? (
              <Scatter coords={cells.umap} category={coloring.category} names={coloring.names} label={`UMAP of the run's cells coloured by ${colorBy}`} describe={describe} onSelect={setSelection} />
            ) : !cellsError ? (
              <p aria-live="polite">Loading the UMAP…</p>
            ) : null}
            {selectionSummary ? (
              <p role="status" data-testid="selection-summary">
                {selection.length.toLocaleString()} cells selected: {selectionSummary.map(([c, n]) => `${clusterName(c)} ${n}`).join(", ")}
              </p>
            ) : null}
            {colorBy === "annotation" && coloring && coloring.names.length === 0 ? <p className="muted">No cluster has an accepted label yet; all cells are grey.</p> : null}
          </div>
          <div>
            <h3 id="clusters-title">Clusters</h3>
            <ul className="clusters-list" aria-labelledby="clusters-title">
              {clusters.map((c) => (
                <li key={c.id}>
                  <button type="button" aria-pressed={c.index === current?.index} onClick={() => setSelected(c.index)} data-testid={`cluster-button-${c.index}`}>
                    <span className="swatch" style={{ background: categoryColor(c.index) }} aria-hidden="true" />
                    <span className="grow">
                      Cluster {c.index}
                      {c.label ? ` — ${c.label}` : c.proposals[0] ? ` — ${c.proposals[0].label}?` : ""}
                    </span>
                    <span className="muted">{c.size}</span>
                    <span className={`badge status-${c.status.toLowerCase()}`}>{c.status.toLowerCase()}</span>
                  </button>
                </li>
              ))}
            </ul>
            {current ? <ClusterReview runId={runId} cluster={current} clusterName={clusterName(current.index)} viewer={viewer} role={role} onChanged={onChanged} /> : <p className="muted">This run has no clusters.</p>}
          </div>
        </div>
      </section>

      {role !== "VIEWER" ? <CopyLabels runId={runId} datasetId={datasetId} onCopied={() => void q.refetch()} /> : null}

      {run.labelConfusion ? (
        <section className="panel" aria-labelledby="confusion-title">
          <h2 id="confusion-title">Clusters against “{run.labelConfusion.labelKey}”</h2>
          <Heatmap
            caption="Cells per cluster (rows) and dataset label (columns); shading is the share of the row"
            rowHeader="cluster"
            colHeader={run.labelConfusion.labelKey}
            rowNames={run.labelConfusion.counts.map((_, i) => clusterName(i))}
            colNames={run.labelConfusion.labels}
            counts={run.labelConfusion.counts}
          />
        </section>
      ) : null}

      <section className="panel" aria-labelledby="markers-title">
        <h2 id="markers-title">Marker genes</h2>
        <DotPlot clusters={clusters.map((c) => ({ name: clusterName(c.index), markers: c.markers }))} />
        <details>
          <summary>All clusters&apos; top markers as a table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Cluster</th>
                <th scope="col">Rank</th>
                <th scope="col">Gene</th>
                <th scope="col" className="num">Score</th>
                <MarkerHeaders />
              </tr>
            </thead>
            <tbody>
              {clusters.flatMap((c) =>
                c.markers.map((m) => (
                  <tr key={`${c.index}-${m.gene}`}>
                    <td>{clusterName(c.index)}</td>
                    <td>{m.rank}</td>
                    <td>{m.gene}</td>
                    <td className="num">{m.score.toFixed(2)}</td>
                    <MarkerCells marker={m} />
                  </tr>
                )),
              )}
            </tbody>
          </table>
        </details>
      </section>

      <section className="panel" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p>The result with the team&apos;s accepted labels (obs “cell_type”, “cell_ontology_id”), the clusters and the UMAP.</p>
        <p className="inline">
          {run.exportH5ad ? (
            <a className="button" href={run.exportH5ad} download data-testid="export-h5ad">
              Download h5ad
            </a>
          ) : null}
          {run.exportCsv ? (
            <a className="button secondary" href={run.exportCsv} download data-testid="export-csv">
              Download CSV
            </a>
          ) : null}
        </p>
      </section>
    </>
  );
}
