import type { MarkerGene } from "@scfnccl/db";
import { tl, type io } from "@scfnccl/engine";
import { MARKERS_PER_CLUSTER, markerRows } from "@scfnccl/platform";
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
 * Marker genes of every cluster against the rest, as scanpy's rank_genes_groups (engine
 * `tl.rankGenesOfCounts`: Wilcoxon rank-sum with tie correction, BH-adjusted, on normalised and
 * logged counts), over all genes: `groups` is stored whole (the `rank_genes` artifact), `top` holds
 * each cluster's first MARKERS_PER_CLUSTER genes that pass scanpy's default display filter (what the
 * cluster rows keep for lists and suggestions). Empty when one cluster holds every cell.
 */
export function computeMarkers(
  data: Dataset,
  c: Clustering,
  names: readonly string[],
  options: { top?: number; signal?: AbortSignal } = {},
): { groups: tl.RankGenesGroup[]; top: MarkerGene[][] } {
  const top = options.top ?? MARKERS_PER_CLUSTER;
  const out: MarkerGene[][] = Array.from({ length: c.k }, () => []);
  if (new Set(c.clusters).size < 2) return { groups: [], top: out };
  const groups = tl.rankGenesOfCounts(data.counts, c.cells, c.clusters, { method: "wilcoxon", tieCorrect: true, signal: options.signal });
  for (const g of groups) out[g.group] = markerRows(g, names, data.genes, { top, filter: {} }).map(({ rank: _rank, ...m }) => m);
  return { groups, top: out };
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
