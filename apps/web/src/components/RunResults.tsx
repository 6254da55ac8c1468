"use client";
/**
 * A finished run's results and their review: the UMAP (coloured by cluster, a label column, the
 * team's annotation, any gene or a QC measure), the clusters with their status, the selected
 * cluster's review, the confusion against the dataset's labels, the marker plots and table, and the
 * exports. One selection is shared by the cluster list, the legend, the review panel and the UMAP.
 * Teammates' annotation changes arrive over socket.io and refresh the clusters in place.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { fetchCellNames, fetchRunCells, type RunCells } from "../graphql/cells";
import { useQuery } from "../graphql/hooks";
import { CELL_SETS, RUN_MARKERS, RUN_RESULTS, type CellSetsData, type ClusterState, type Role, type RunMarkersData, type RunResultsData } from "../graphql/operations";
import { fetchExpression, fetchObs, QC_KEYS, type QcKey } from "../graphql/percell";
import { useSocketEvent, type AnnotationEvent } from "../graphql/socket";
import { normalise } from "../plots/continuous";
import type { MarkerRow } from "../plots/markers";
import { cellsOfCategory, clusterComposition, selectedCells, type Selection } from "../plots/selection";
import { groupDistributions } from "../plots/violin";
import { CellSets } from "./CellSets";
import { ClusterReview, SubjectReview } from "./ClusterReview";
import { CopyLabels } from "./CopyLabels";
import { ErrorText } from "./Field";
import { GeneSearch } from "./GeneSearch";
import { Heatmap } from "./Heatmap";
import { MarkerPlots } from "./MarkerPlots";
import { MarkerTable } from "./MarkerTable";
import { palette } from "./palette";
import { Scatter, type ScatterColoring } from "./Scatter";
import { Violin } from "./Violin";

type ColorBy = "cluster" | "label" | "annotation" | "gene" | QcKey;
/** A continuous column on screen: a gene's expression or a QC measure. */
interface Column {
  title: string;
  values: Float32Array;
}

export function RunResults({ runId, role, viewer, datasetId }: { runId: string; role: Role; viewer: { id: string; name: string }; datasetId: string }) {
  const q = useQuery<RunResultsData>(RUN_RESULTS, { id: runId });
  const setsQ = useQuery<CellSetsData>(CELL_SETS, { id: runId });
  const markersQ = useQuery<RunMarkersData>(RUN_MARKERS, { id: runId, top: 200 });
  const [clusters, setClusters] = useState<ClusterState[]>([]);
  const [cells, setCells] = useState<RunCells | null>(null);
  const [cellsError, setCellsError] = useState<string | null>(null);
  const [cellNames, setCellNames] = useState<string[] | null>(null);
  const [colorBy, setColorBy] = useState<ColorBy>("cluster");
  const [column, setColumn] = useState<Column | null>(null);
  const [columnError, setColumnError] = useState<string | null>(null);
  const [columnBusy, setColumnBusy] = useState(false);
  const [colorMs, setColorMs] = useState<number | null>(null);
  const [selection, setSelection] = useState<Selection>(null);
  const [reviewIndex, setReviewIndex] = useState(0);
  const [liveNote, setLiveNote] = useState<string>("");
  const run = q.data?.run;
  const askSeq = useRef(0);
  // When the user asked for the column on screen (performance.now()), until the plot has drawn it.
  const askedAt = useRef<{ at: number; t: Float32Array | null }>({ at: 0, t: null });

  useEffect(() => {
    if (run) setClusters(run.clusters);
  }, [run]);

  useSocketEvent<AnnotationEvent>("annotation.changed", (e) => {
    if (e.runId !== runId) return;
    if (e.cellSetId) {
      const set = setsQ.data?.run?.cellSets.find((s) => s.id === e.cellSetId);
      setLiveNote(`The cell set ${set ? `“${set.name}”` : ""} was just updated by a teammate.`);
      void setsQ.refetch();
      return;
    }
    setLiveNote(`Cluster ${e.clusterIndex} was just updated by a teammate.`);
    void q.refetch();
  });

  const cellsUrl = run?.cellsUrl;
  useEffect(() => {
    if (!cellsUrl) return;
    let live = true;
    fetchRunCells(cellsUrl)
      .then((c) => {
        if (!live) return;
        setCells(c);
        // Names for the hover arrive after the plot is drawn; until then it shows the cell's index.
        return fetchCellNames(cellsUrl).then((names) => live && names?.length === c.n && setCellNames(names));
      })
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
  // One palette for the run's clusters, sized by their count, used by every view.
  const k = Math.max(cells?.k ?? 0, ...clusters.map((c) => c.index + 1));
  const clusterColors = useMemo(() => palette(k), [k]);

  const selectCluster = useCallback((index: number) => {
    setSelection({ kind: "cluster", index });
    setReviewIndex(index);
  }, []);

  // Categorical colourings: clusters, the dataset's labels, or accepted labels.
  const categorical = useMemo(() => {
    if (!cells) return null;
    if (colorBy === "label" && cells.label) return { category: cells.label, names: cells.labelNames, colors: palette(cells.labelNames.length) };
    if (colorBy === "annotation") {
      const names: string[] = [];
      const byCluster = new Map<number, number>();
      for (const c of clusters) {
        if (!c.label) continue;
        let idx = names.indexOf(c.label);
        if (idx < 0) idx = names.push(c.label) - 1;
        byCluster.set(c.index, idx);
      }
      const category = new Int32Array(cells.n);
      for (let i = 0; i < cells.n; i++) category[i] = byCluster.get(cells.cluster[i]!) ?? -1;
      return { category, names, colors: palette(names.length) };
    }
    return { category: cells.cluster, names: Array.from({ length: k }, (_, i) => clusterName(i)), colors: clusterColors };
  }, [cells, colorBy, clusters, clusterName, k, clusterColors]);

  const continuous = colorBy === "gene" || QC_KEYS.some((x) => x.key === colorBy);
  // Until a gene's values arrive the clusters stay drawn: the plot is never torn down meanwhile.
  const coloring: ScatterColoring | null = useMemo(() => {
    if (continuous && column) {
      const { t, min, max } = normalise(column.values);
      askedAt.current.t = t;
      return { kind: "continuous", t, min, max, title: column.title };
    }
    return categorical ? { kind: "categorical", ...categorical } : null;
  }, [continuous, column, categorical]);

  const loadColumn = useCallback(
    (title: string, load: () => Promise<Float32Array>) => {
      const mine = ++askSeq.current;
      askedAt.current = { at: performance.now(), t: null };
      setColumnBusy(true);
      setColumnError(null);
      setColorMs(null);
      load()
        .then((values) => mine === askSeq.current && setColumn({ title, values }))
        .catch((err: unknown) => mine === askSeq.current && setColumnError(err instanceof Error ? err.message : String(err)))
        .finally(() => mine === askSeq.current && setColumnBusy(false));
    },
    [],
  );

  function changeColorBy(v: ColorBy) {
    setColorBy(v);
    setColumn(null);
    setColumnError(null);
    setColorMs(null);
    const qc = QC_KEYS.find((x) => x.key === v);
    if (qc && cells) loadColumn(qc.title, () => fetchObs(runId, qc.key, cells.n));
  }

  const onDrawn = useCallback((drawnZ: Float32Array) => {
    const a = askedAt.current;
    if (a.at > 0 && a.t === drawnZ) {
      setColorMs(performance.now() - a.at);
      askedAt.current = { at: 0, t: null };
    }
  }, []);

  const highlight = useMemo(() => selectedCells(selection, cells?.cluster ?? null), [selection, cells]);

  function onLegendSelect(i: number) {
    if (!cells || !categorical) return;
    if (colorBy === "cluster" || continuous) return selectCluster(i);
    setSelection({ kind: "cells", cells: cellsOfCategory(categorical.category, i), name: categorical.names[i] ?? "" });
  }

  const describe = useCallback(
    (i: number) => {
      if (!cells) return "";
      const c = cells.cluster[i]!;
      const lab = cells.label ? cells.labelNames[cells.label[i]!] : undefined;
      const value = column ? ` · ${column.title} ${column.values[i]!.toFixed(2)}` : "";
      return `${cellNames?.[i] ?? `cell ${cells.cell[i]}`} · ${clusterName(c)}${lab ? ` · ${cells.labelKey}: ${lab}` : ""}${value}`;
    },
    [cells, cellNames, clusterName, column],
  );

  const distributions = useMemo(() => (column && cells ? groupDistributions(column.values, cells.cluster) : null), [column, cells]);

  const markerRows: MarkerRow[] = useMemo(
    () =>
      (markersQ.data?.run?.clusters ?? []).flatMap((c) =>
        c.markers.map((m) => ({ group: clusterName(c.index), gene: m.gene, geneId: m.geneId, rank: m.rank, score: m.score, logFoldChange: m.logFoldChange, pval: m.pval, pvalAdj: m.pvalAdj, log10Pval: m.log10Pval, log10PvalAdj: m.log10PvalAdj, pts: m.pctIn, ptsRest: m.pctOut })),
      ),
    [markersQ.data, clusterName],
  );

  if (q.error) return <ErrorText error={q.error.message} />;
  if (!run) return q.loading ? <p aria-live="polite">Loading results…</p> : null;
  const current = clusters.find((c) => c.index === reviewIndex) ?? clusters[0];
  const selectedIndex = selection?.kind === "cluster" ? selection.index : null;

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
                <select id="color-by" value={colorBy} onChange={(e) => changeColorBy(e.target.value as ColorBy)}>
                  <option value="cluster">Cluster</option>
                  {cells?.label ? <option value="label">Dataset label ({cells.labelKey})</option> : null}
                  <option value="annotation">Accepted annotation</option>
                  <option value="gene">A gene’s expression</option>
                  {QC_KEYS.map((x) => (
                    <option key={x.key} value={x.key}>
                      QC: {x.title}
                    </option>
                  ))}
                </select>
              </div>
              {colorBy === "gene" && cells ? <GeneSearch datasetId={datasetId} idPrefix="umap" busy={columnBusy} onPick={(g) => loadColumn(g, () => fetchExpression(runId, g, cells.n))} /> : null}
            </div>
            {columnBusy ? <p aria-live="polite">Loading the values…</p> : null}
            <ErrorText error={cellsError ?? columnError} />
            {cells && coloring ? (
              <Scatter
                coords={cells.umap}
                coloring={coloring}
                label={`UMAP of the run's cells coloured by ${coloring.kind === "continuous" ? coloring.title : colorBy}`}
                describe={describe}
                selected={highlight}
                onSelect={(sel) => setSelection(sel.length ? { kind: "cells", cells: sel, name: "Lasso selection" } : null)}
                onLegendSelect={onLegendSelect}
                activeCategory={colorBy === "cluster" || continuous ? selectedIndex : null}
                onDrawn={onDrawn}
              />
            ) : !cellsError ? (
              <p aria-live="polite">Loading the UMAP…</p>
            ) : null}
            {colorBy === "gene" && !column && !columnBusy ? <p className="muted">Choose a gene to colour the cells by its expression (log1p of counts per 10,000).</p> : null}
            {colorMs !== null ? (
              <p className="muted" data-testid="color-time">
                Coloured in {colorMs.toFixed(0)} ms (request and draw).
              </p>
            ) : null}
            {selection && selection.kind !== "cluster" && cells ? (
              <p role="status" data-testid="selection-summary">
                {selection.name}: {selection.cells.length.toLocaleString()} cells —{" "}
                {clusterComposition(selection.cells, cells.cluster)
                  .map(([c, n]) => `${clusterName(c)} ${n}`)
                  .join(", ")}
              </p>
            ) : null}
            {colorBy === "annotation" && categorical && categorical.names.length === 0 ? <p className="muted">No cluster has an accepted label yet; all cells are grey.</p> : null}
            {distributions && column && cells ? (
              <>
                <h3>{column.title} per cluster</h3>
                <Violin dist={distributions} names={Array.from({ length: k }, (_, i) => clusterName(i))} colors={clusterColors} title={column.title} />
              </>
            ) : null}
          </div>
          <div>
            <h3 id="clusters-title">Clusters</h3>
            <ul className="clusters-list" aria-labelledby="clusters-title">
              {clusters.map((c) => (
                <li key={c.id}>
                  <button type="button" aria-pressed={c.index === selectedIndex} onClick={() => selectCluster(c.index)} data-testid={`cluster-button-${c.index}`} data-color={clusterColors[c.index]}>
                    <span className="swatch" style={{ background: clusterColors[c.index] }} aria-hidden="true" />
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
            {current ? (
              <div data-testid="review-panel" data-cluster={current.index}>
                <p className="inline" style={{ alignItems: "center", margin: "0.5rem 0 0" }}>
                  <span className="swatch" style={{ background: clusterColors[current.index] }} aria-hidden="true" />
                  <button type="button" className="secondary" onClick={() => selectCluster(current.index)} aria-pressed={selectedIndex === current.index}>
                    Show {clusterName(current.index)} on the UMAP
                  </button>
                </p>
                <ClusterReview runId={runId} cluster={current} clusterName={clusterName(current.index)} viewer={viewer} role={role} onChanged={onChanged} />
              </div>
            ) : (
              <p className="muted">This run has no clusters.</p>
            )}
          </div>
        </div>
      </section>

      {cells ? (
        <>
          {setsQ.error ? <ErrorText error={setsQ.error.message} /> : null}
          <CellSets
            runId={runId}
            n={cells.n}
            sets={setsQ.data?.run?.cellSets ?? []}
            selection={selection}
            onSelect={setSelection}
            onChanged={() => void setsQ.refetch()}
            role={role}
            viewer={viewer}
            review={(set) => <SubjectReview runId={runId} subject={{ kind: "cellSet", state: set }} title={`the cell set “${set.name}”`} viewer={viewer} role={role} onChanged={() => void setsQ.refetch()} />}
          />
        </>
      ) : null}

      {role !== "VIEWER" ? <CopyLabels runId={runId} datasetId={datasetId} onCopied={() => void q.refetch()} /> : null}

      <section className="panel" aria-labelledby="markers-title">
        <h2 id="markers-title">Marker genes</h2>
        {markersQ.error ? <ErrorText error={markersQ.error.message} /> : null}
        <MarkerPlots runId={runId} groups={clusters.map((c) => ({ index: c.index, name: clusterName(c.index), color: clusterColors[c.index]! }))} markers={markerRows} />
        <h3>Marker table</h3>
        <MarkerTable rows={markerRows} caption="Marker genes of every cluster" fileName={`markers-${runId}.csv`} idPrefix="run" fullCsvUrl={markersQ.data?.run?.markersCsvUrl} />
      </section>

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

      <section className="panel" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <p>The result with the team&apos;s accepted labels (obs “cell_type”, “cell_ontology_id”, and a column “cell_set_…” per cell set with an accepted label), the clusters and the UMAP.</p>
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
