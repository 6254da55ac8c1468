import type { MarkerGene } from "@scfnccl/db";
import { io, pp, tl } from "@scfnccl/engine";
import { MARKERS_PER_CLUSTER } from "@scfnccl/platform";
import { encodeCellsFile } from "@scfnccl/platform/cells";

type Dataset = Awaited<ReturnType<typeof io.readDataset>>;

export interface ClusterSummary {
  index: number;
  size: number;
  majorityLabel: string | null;
}

/** Size of every cluster 0..k-1 and, when the data has labels, the most common label in it. */
export function summariseClusters(data: Dataset, r: { cells: Int32Array; clusters: Int32Array; k: number }): ClusterSummary[] {
  const out: ClusterSummary[] = Array.from({ length: r.k }, (_, index) => ({ index, size: 0, majorityLabel: null }));
  const counts: Map<string, number>[] = Array.from({ length: r.k }, () => new Map());
  r.cells.forEach((cell, i) => {
    const c = r.clusters[i]!;
    out[c]!.size += 1;
    const label = data.labels?.[cell];
    if (label !== undefined) counts[c]!.set(label, (counts[c]!.get(label) ?? 0) + 1);
  });
  counts.forEach((m, c) => {
    let best: [string, number] | null = null;
    for (const entry of m) if (!best || entry[1] > best[1]) best = entry;
    out[c]!.majorityLabel = best?.[0] ?? null;
  });
  return out;
}

/** What any clustering method of the engine leaves for result analysis (tl.cluster's MethodOutput shape). */
export interface Clustering {
  /** Indices into the dataset's cells, in output order. */
  cells: Int32Array;
  clusters: Int32Array;
  k: number;
  /** Row-major [cells, dim]. */
  embedding: Float32Array;
  dim: number;
}


/**
 * Marker genes of every cluster against the rest (engine `tl.rankGenes`: Wilcoxon rank-sum with
 * tie correction, BH-adjusted) on the clustered cells' log-normalised counts (scanpy's recipe:
 * normalise to 1e4 per cell, log1p). Index c of the answer is cluster c (empty when the cluster has
 * no cells, or when one cluster holds every cell and there is no rest to compare with).
 */
export function computeMarkers(data: Dataset, c: Clustering, options: { top?: number; signal?: AbortSignal } = {}): MarkerGene[][] {
  const top = options.top ?? MARKERS_PER_CLUSTER;
  const out: MarkerGene[][] = Array.from({ length: c.k }, () => []);
  if (new Set(c.clusters).size < 2) return out;
  const x = pp.log1p(pp.normalizeTotal(pp.csrSubset(data.counts, c.cells, null), { targetSum: 1e4 }).matrix);
  for (const g of tl.rankGenes(x, c.clusters, { method: "wilcoxon", tieCorrect: true, signal: options.signal })) {
    const list: MarkerGene[] = [];
    for (const j of g.order.subarray(0, top)) {
      list.push({
        gene: data.genes[j]!,
        score: g.scores[j]!,
        logFoldChange: finite(g.logFoldChanges[j]!),
        pctIn: g.pctIn[j]!,
        pctOut: g.pctOut[j]!,
        pval: g.pvals[j]!,
        pvalAdj: g.pvalsAdj[j]!,
      });
    }
    out[g.group] = list;
  }
  return out;
}

// JSON has no Infinity; a gene seen only in the cluster gets the largest finite fold change instead.
const finite = (v: number) => (Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : v < 0 ? -Number.MAX_VALUE : 0);

export function markersCsv(markers: MarkerGene[][]): string {
  const lines = ["cluster,rank,gene,score,logfoldchange,pct_in,pct_out,pval,pval_adj"];
  markers.forEach((list, cluster) =>
    list.forEach((m, i) => lines.push([cluster, i + 1, io.csvField(m.gene), m.score, m.logFoldChange, m.pctIn, m.pctOut, m.pval, m.pvalAdj].join(","))),
  );
  return `${lines.join("\n")}\n`;
}

/** A seeded 2-D UMAP (engine `tl.umap`) of the clustering's embedding; row i is c.cells[i]. */
export async function computeUmap(c: Clustering, options: { seed: number; signal?: AbortSignal }): Promise<Float32Array> {
  const n = c.cells.length;
  // umap-js needs more rows than neighbours (and at least two); tiny runs use fewer neighbours.
  if (n < 3) return Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? i / 2 : 0));
  // Above 20k cells the layout is fitted on a seeded sample and the rest placed by neighbours,
  // which keeps a 100k-cell run's UMAP to minutes on a CPU.
  const r = await tl.umap({ x: c.embedding, nRows: n, nCols: c.dim }, { seed: options.seed, nNeighbors: Math.min(15, n - 1), maxFitCells: 20000, signal: options.signal });
  return r.coords;
}

/** The per-cell results file (`umap.bin`, codec in `@scfnccl/platform/cells`) of one clustering. */
export function cellsFile(data: Dataset, c: Clustering, umap: Float32Array): Uint8Array {
  return encodeCellsFile({
    k: c.k,
    umap,
    cluster: c.clusters,
    cell: c.cells,
    labels: data.labels ? Array.from(c.cells, (cell) => data.labels![cell]!) : null,
    labelKey: data.labelKey ?? null,
  });
}
