import type { Dataset } from "../io/types.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";
import { estimateK, type EstimateKOptions, type KSelection } from "./kSelection.ts";
import { neighbors } from "../neighbors/neighbors.ts";
import { seuratPca } from "./seurat.ts";
import { snnGraph } from "../neighbors/snn.ts";

/** The PCs of Seurat's preprocessing and their SNN graph: what graph methods, k-means, K estimation and the consensus share. */
export interface PcGraph {
  /** Dataset rows kept (cells with counts), ascending. */
  cells: Int32Array;
  /** Row-major [cells, dim]. */
  pcs: Float32Array;
  dim: number;
  graph: WeightedGraph;
}

export interface PcGraphOptions {
  nTopGenes?: number;
  seed?: number;
  emptyCells?: "error" | "drop";
  /** PCs used (Seurat's dims = 1:30). Default 30. */
  dims?: number;
  /** Neighbours per cell, the cell included (Seurat's k.param). Default 20. */
  nNeighbors?: number;
  signal?: AbortSignal;
}

/** Seurat's preprocessing, PCA and SNN graph (k = 20 on 30 PCs), as `seuratCluster` builds them. */
export function pcGraph(data: Dataset, options: PcGraphOptions = {}): PcGraph {
  const { dims = 30, nNeighbors = 20, seed = 0, signal } = options;
  const pre = seuratPca(data.counts, { nTopGenes: options.nTopGenes, seed, emptyCells: options.emptyCells, file: data.source, signal });
  const n = pre.keptCells.length;
  const nComps = pre.pca.nComps;
  const dim = Math.min(dims, nComps);
  const pcs = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) pcs.set(pre.pca.scores.subarray(i * nComps, i * nComps + dim), i * dim);
  const nn = neighbors({ x: pcs, nRows: n, nCols: dim }, { nNeighbors: Math.min(nNeighbors, n), seed, signal });
  return { cells: pre.keptCells, pcs, dim, graph: snnGraph(nn) };
}

/** The number of clusters of a dataset estimated from its cells alone: `estimateK` on `pcGraph`'s SNN graph. */
export function estimateDatasetK(data: Dataset, options: PcGraphOptions & Omit<EstimateKOptions, "signal" | "seed"> = {}): KSelection {
  const { nTopGenes, seed, emptyCells, dims, nNeighbors, signal, ...rest } = options;
  const pg = pcGraph(data, { nTopGenes, seed, emptyCells, dims, nNeighbors, signal });
  return estimateK(pg.graph, { ...rest, seed, signal });
}
