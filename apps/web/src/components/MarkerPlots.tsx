"use client";
/**
 * The run's marker plots: each cluster's top filtered markers (scanpy's filter defaults) pooled,
 * then every cluster × every gene from `Run.geneStats`, as a dot plot or a heat-map.
 */
import { useMemo, useState } from "react";
import { useQuery } from "../graphql/hooks";
import { GENE_STATS, type GeneStatsData } from "../graphql/operations";
import { pickDotplotGenes } from "../plots/dotplot";
import { filterMarkers, SCANPY_FILTER, type MarkerRow } from "../plots/markers";
import { DotPlot, ExpressionHeatmap, type GeneStatsView } from "./DotPlot";
import { ErrorText } from "./Field";

export function MarkerPlots({ runId, groups, markers }: { runId: string; groups: { index: number; name: string; color: string }[]; markers: MarkerRow[] }) {
  const [perGroup, setPerGroup] = useState(3);
  const [view, setView] = useState<"dot" | "heat">("dot");
  const picked = useMemo(() => {
    const kept = filterMarkers(markers, SCANPY_FILTER);
    return pickDotplotGenes(
      groups.map((g) => ({ name: g.name, genes: kept.filter((m) => m.group === g.name).sort((a, b) => a.rank - b.rank).map((m) => m.gene) })),
      // The API answers for at most 200 genes at once.
      Math.max(1, Math.min(perGroup, Math.floor(200 / Math.max(1, groups.length)))),
    );
  }, [markers, groups, perGroup]);
  const q = useQuery<GeneStatsData>(GENE_STATS, { id: runId, genes: picked.genes }, { skip: picked.genes.length === 0 });
  const stats = q.data?.run?.geneStats;
  const data: GeneStatsView | null = useMemo(() => {
    if (!stats) return null;
    // Rows in the cluster list's order, whatever order the API answers in.
    const rowOf = new Map(stats.groups.map((g, i) => [g, i]));
    const rows = groups.filter((g) => rowOf.has(g.index));
    return {
      genes: stats.genes,
      brackets: picked.brackets,
      groups: rows.map((g) => ({ name: g.name, color: g.color })),
      mean: rows.map((g) => stats.meanExpression[rowOf.get(g.index)!]!),
      fraction: rows.map((g) => stats.fractionExpressing[rowOf.get(g.index)!]!),
    };
  }, [stats, groups, picked.brackets]);

  return (
    <div>
      <div className="inline">
        <div className="tabs" role="tablist" aria-label="Marker plot">
          <button type="button" role="tab" aria-selected={view === "dot"} onClick={() => setView("dot")}>
            Dot plot
          </button>
          <button type="button" role="tab" aria-selected={view === "heat"} onClick={() => setView("heat")} data-testid="heatmap-tab">
            Heat-map
          </button>
        </div>
        <div className="field narrow">
          <label htmlFor="genes-per-group">Genes per cluster</label>
          <input id="genes-per-group" type="number" min="1" max="10" value={perGroup} onChange={(e) => setPerGroup(Math.min(10, Math.max(1, Number(e.target.value) || 1)))} />
        </div>
      </div>
      <p className="muted">
        Each cluster&apos;s top markers after scanpy&apos;s filter (in-group fraction ≥ 0.25, out-group fraction ≤ 0.5, fold change ≥ 2), shown in every cluster. Hover a dot for its numbers.
      </p>
      {q.error ? <ErrorText error={`The marker plot: ${q.error.message}`} /> : null}
      {!picked.genes.length ? <p className="muted">No marker gene passes the filter.</p> : !data ? !q.error ? <p aria-live="polite">Loading the marker plot…</p> : null : view === "dot" ? <DotPlot data={data} /> : <ExpressionHeatmap data={data} />}
    </div>
  );
}
