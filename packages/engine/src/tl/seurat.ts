import { InputError } from "../errors.ts";
import { csrSubset, type CsrMatrix } from "../pp/csr.ts";
import { filterCells } from "../pp/filterCells.ts";
import { filterGenes } from "../pp/filterGenes.ts";
import { highlyVariableGenes } from "../pp/highlyVariableGenes.ts";
import { log1p } from "../pp/log1p.ts";
import { normalizeTotal } from "../pp/normalizeTotal.ts";
import { pca, type PcaResult } from "../pp/pca.ts";
import { DEFAULT_N_TOP_GENES, validateCounts } from "../pp/preprocess.ts";
import { scale } from "../pp/scale.ts";
import { clusterGraph, type ClusterGraphOptions } from "./clusterGraph.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";

export interface SeuratPcaOptions {
  /** Highly variable genes (Seurat's "vst", scanpy's seurat_v3 flavour on the counts). Default 2000. */
  nTopGenes?: number;
  /** LogNormalize scale factor. Default 1e4. */
  targetSum?: number;
  /** Scaled values are clipped to ±maxValue (Seurat's scale.max). Default 10. */
  maxValue?: number;
  /** Principal components computed. Default 50. */
  nPcs?: number;
  seed?: number;
  emptyCells?: "error" | "drop";
  file?: string;
  signal?: AbortSignal;
}

export interface SeuratPcaResult {
  pca: PcaResult;
  /** Input rows that were kept, ascending. */
  keptCells: Int32Array;
  /** Input columns used (the highly variable genes), ascending. */
  keptGenes: Int32Array;
  /** log1p(counts / total × targetSum) of the kept cells over all kept genes (for marker genes). */
  logNormalized: CsrMatrix;
  /** Input columns of `logNormalized`'s columns. */
  logNormalizedGenes: Int32Array;
}

/**
 * Seurat's standard preprocessing: LogNormalize (total 1e4, log1p), 2000 "vst" variable genes chosen on
 * the counts, ScaleData (centre, unit variance, clip at 10) and RunPCA (50 components) on those genes.
 */
export function seuratPca(counts: CsrMatrix, options: SeuratPcaOptions = {}): SeuratPcaResult {
  const { nTopGenes = DEFAULT_N_TOP_GENES, targetSum = 1e4, maxValue = 10, nPcs = 50, seed = 0, emptyCells = "error", file, signal } = options;
  const valid = validateCounts(counts, file);
  const genes = filterGenes(valid, { minCounts: 1 });
  if (genes.kept.length === 0) throw new InputError("counts contain no non-zero values", file);
  const cells = filterCells(genes.matrix, { minCounts: 1 });
  const nEmpty = counts.nRows - cells.kept.length;
  if (nEmpty > 0 && emptyCells === "error") {
    throw new InputError(`${nEmpty === 1 ? "1 cell has" : `${nEmpty} cells have`} no counts`, file);
  }
  if (cells.kept.length < 3) throw new InputError(`need at least 3 cells with counts, found ${cells.kept.length}`, file);
  signal?.throwIfAborted();

  const hvg = highlyVariableGenes(cells.matrix, { flavor: "seurat_v3", nTopGenes: Math.min(nTopGenes, cells.matrix.nCols) });
  const logged = log1p(normalizeTotal(cells.matrix, { targetSum }).matrix);
  const scaled = scale(csrSubset(logged, null, hvg.selected), { zeroCenter: true, maxValue });
  const result = pca(scaled, { nComps: Math.min(nPcs, scaled.nRows - 1, scaled.nCols), seed, signal });
  return {
    pca: result,
    keptCells: cells.kept,
    keptGenes: Int32Array.from(hvg.selected, (j) => genes.kept[j]!),
    logNormalized: logged,
    logNormalizedGenes: genes.kept,
  };
}

/** The graph's settings are `clusterGraph`'s; `dims` picks the PCs it is built on. */
export interface SeuratClusterOptions
  extends SeuratPcaOptions,
    Pick<ClusterGraphOptions, "nNeighbors" | "prune" | "algorithm" | "resolution" | "k" | "nStart" | "onProgress"> {
  /** PCs the neighbour graph is built on (Seurat's dims = 1:30). Default 30. */
  dims?: number;
}

export interface SeuratClusterResult {
  cells: Int32Array;
  clusters: Int32Array;
  k: number;
  resolution: number;
  modularity: number;
  /** Row-major [cells, dims]: the PCs the graph was built on. */
  embedding: Float32Array;
  dim: number;
  graph: WeightedGraph;
  pre: SeuratPcaResult;
}

/**
 * The Seurat clustering pipeline: `seuratPca`, exact kNN on the first `dims` PCs, SNN graph with Jaccard
 * weights, then Louvain (or Leiden) at a resolution, or at the resolution found to give k clusters.
 * Singleton clusters join the cluster they are most connected to, as Seurat's group.singletons.
 */
export function seuratCluster(counts: CsrMatrix, options: SeuratClusterOptions = {}): SeuratClusterResult {
  const { dims = 30, k, onProgress } = options;
  onProgress?.({ stage: "pca", fraction: 0, message: "normalise, variable genes, scale, PCA" });
  const pre = seuratPca(counts, options);
  const n = pre.keptCells.length;
  const nComps = pre.pca.nComps;
  const dim = Math.min(dims, nComps);
  if (k !== undefined && (!Number.isInteger(k) || k < 1 || k > n)) {
    throw new InputError(`number of clusters must be an integer between 1 and the number of cells ${n} (got ${k})`, options.file);
  }
  const { graph, found, grouped } = clusterGraph(
    { x: pre.pca.scores, nRows: n, nCols: nComps },
    { ...options, nDims: dim },
  );
  const embedding = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) embedding.set(pre.pca.scores.subarray(i * nComps, i * nComps + dim), i * dim);
  onProgress?.({ stage: "done", fraction: 1 });
  return {
    cells: pre.keptCells,
    clusters: grouped.labels,
    k: grouped.count,
    resolution: found.resolution,
    modularity: found.modularity,
    embedding,
    dim,
    graph,
    pre,
  };
}
