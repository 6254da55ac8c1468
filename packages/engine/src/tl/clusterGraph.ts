import type { DenseMatrix } from "../pp/pca.ts";
import { relabelBySize, type CommunityResult } from "./communities.ts";
import { findResolution } from "./findResolution.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";
import { leiden } from "./leiden.ts";
import { louvain } from "./louvain.ts";
import { neighbors } from "../neighbors/neighbors.ts";
import type { OnClusterProgress } from "../progress.ts";
import { snnGraph } from "../neighbors/snn.ts";

export interface ClusterGraphOptions {
  /** Use only the first nDims columns (e.g. the first 30 PCs). Default all. */
  nDims?: number;
  /** k of the kNN, the cell itself included (Seurat's k.param). Default 20. */
  nNeighbors?: number;
  /** Jaccard cutoff of the SNN graph (Seurat's prune.SNN). Default 1/15. */
  prune?: number;
  algorithm?: "louvain" | "leiden";
  /** Modularity resolution, used when k is not given. Default 0.8 (Seurat's default). */
  resolution?: number;
  /** Wanted number of clusters: the resolution is searched to give it. */
  k?: number;
  /** Louvain random starts (Seurat's n.start). Default 10. */
  nStart?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: OnClusterProgress;
}

export interface ClusterGraphResult {
  graph: WeightedGraph;
  /** The community detection's own result (its resolution, modularity, count). */
  found: CommunityResult;
  /** Final labels after singletons joined their best-connected cluster, numbered by size. */
  grouped: { labels: Int32Array; count: number };
}

/**
 * Seurat's graph clustering of any embedding: kNN (exact up to 50k rows), SNN graph with Jaccard weights,
 * Louvain or Leiden at a resolution or at the resolution found to give k clusters, then singletons moved
 * to the cluster they are most connected to (Seurat's group.singletons). `seuratCluster` runs it on PCs;
 * scFNCCL can run it on its learned embedding.
 */
export function clusterGraph(m: DenseMatrix, options: ClusterGraphOptions = {}): ClusterGraphResult {
  const { nDims = m.nCols, nNeighbors = 20, prune = 1 / 15, algorithm = "louvain", resolution = 0.8, k, nStart = 10, seed = 0 } = options;
  const { onProgress, signal } = options;
  const n = m.nRows;
  onProgress?.({ stage: "neighbors", fraction: 0.3, message: `${n > 50000 ? "approximate" : "exact"} ${nNeighbors}-NN on ${nDims} dimensions` });
  const nn = neighbors(m, { nNeighbors: Math.min(nNeighbors, n), nDims, seed, signal });
  const graph = snnGraph(nn, { prune });
  onProgress?.({ stage: algorithm, fraction: 0.5, message: k ? `resolution search for ${k} clusters` : `resolution ${resolution}` });
  const method = algorithm === "leiden" ? leiden : (g: WeightedGraph, o: object) => louvain(g, { ...o, nStart });
  let tries = 0;
  const found: CommunityResult =
    k === undefined
      ? method(graph, { resolution, seed, signal })
      : findResolution(graph, k, method, {
          seed,
          signal,
          onTry: (r) => onProgress?.({ stage: algorithm, fraction: Math.min(0.99, 0.5 + 0.02 * ++tries), message: `resolution ${r.resolution.toPrecision(4)}: ${r.count} clusters` }),
        });
  return { graph, found, grouped: groupSingletons(graph, found.labels) };
}

/** Each cluster of one cell moves to the cluster with the highest mean edge weight to it (Seurat's GroupSingletons). */
function groupSingletons(g: WeightedGraph, labels: Int32Array): { labels: Int32Array; count: number } {
  const size = new Map<number, number>();
  for (const c of labels) size.set(c, (size.get(c) ?? 0) + 1);
  if (![...size.values()].includes(1)) return { labels, count: size.size };
  const out = Int32Array.from(labels);
  for (let i = 0; i < g.n; i++) {
    if (size.get(labels[i]!) !== 1) continue;
    const sum = new Map<number, number>();
    for (let e = g.indptr[i]!; e < g.indptr[i + 1]!; e++) {
      const c = labels[g.indices[e]!]!;
      if (size.get(c) === 1) continue;
      sum.set(c, (sum.get(c) ?? 0) + g.weights[e]!);
    }
    let bestC = -1;
    let bestMean = 0;
    for (const [c, s] of sum) {
      const mean = s / size.get(c)!;
      if (mean > bestMean || (mean === bestMean && c < bestC)) {
        bestC = c;
        bestMean = mean;
      }
    }
    // A cell with no edges at all stays on its own.
    if (bestC >= 0) out[i] = bestC;
  }
  return relabelBySize(out);
}
