import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { ari } from "../metrics/ari.ts";
import { averageLinkageCut, coassociationGraph, cutGraph, type BasePartition } from "../tl/coassociation.ts";
import { relabelBySize } from "../tl/communities.ts";
import { findResolution } from "../tl/findResolution.ts";
import { estimateK, type KSelection } from "../tl/kSelection.ts";
import { kmeans } from "../tl/kmeans.ts";
import { leiden } from "../tl/leiden.ts";
import type { OnClusterProgress } from "../progress.ts";
import { pcGraph } from "../tl/pcGraph.ts";

/** A trained base clustering: cluster of each dataset row in `cells` (the rows it kept). */
export interface TrainedBase {
  cells: Int32Array;
  clusters: Int32Array;
  /** What the base was, for the run's details (e.g. "scfnccl, 40 epochs"). */
  description: string;
  files?: Record<string, Uint8Array>;
  details?: Record<string, unknown>;
}

export const CONSENSUS_DEFAULTS = {
  /** Which trained base joins the cheap ones: `scfnccl` (one training) or `none`. */
  deepBase: "scfnccl" as "scfnccl" | "none",
  /** Epochs of the scFNCCL base. */
  deepEpochs: 40,
  /**
   * How the co-association becomes k clusters: `average` (average linkage over all cell pairs, on the
   * atoms the partitions agree on) or `leiden` (Leiden on the co-association of the SNN graph's edges).
   */
  cut: "average" as "average" | "leiden",
};

export interface ConsensusOptions {
  /** Number of clusters, or "auto" to estimate it (`estimateK`) from the SNN graph. */
  k: number | "auto";
  seed?: number;
  nTopGenes?: number;
  emptyCells?: "error" | "drop";
  deepBase?: "scfnccl" | "none";
  cut?: "average" | "leiden";
  /**
   * Trains the deep base at k clusters (the registry's scFNCCL through the method path: progress,
   * cancel, checkpoints). Required unless deepBase is "none".
   */
  trainBase?: (k: number) => Promise<TrainedBase>;
  onProgress?: OnClusterProgress;
  signal?: AbortSignal;
}

export interface ConsensusResult {
  cells: Int32Array;
  clusters: Int32Array;
  k: number;
  /** The PCs (the embedding the graph and k-means used). */
  pcs: Float32Array;
  dim: number;
  kSelection?: KSelection;
  /** Each base partition (cluster of each of `cells`, -1 where it did not cluster one) and its ARI with the consensus (label-free agreement). */
  bases: { name: string; agreement: number; k: number; labels: Int32Array }[];
  /** Resolution of the Leiden cut of the co-association graph (`cut: "leiden"`). */
  resolution?: number;
  trained?: TrainedBase;
}

/**
 * Consensus clustering: base partitions into k clusters (the Seurat-style graph on PCs with Leiden,
 * k-means on the PCs, and a trained scFNCCL when `deepBase` says so) combined by their co-association:
 * average linkage over all cell pairs on the atoms the bases agree on (`averageLinkageCut`, the default),
 * or Leiden on the co-association of the SNN graph's edges (`coassociationGraph`, `cut: "leiden"`); both
 * in memory linear in cells. With k "auto", k is estimated first from the same graph (`estimateK`).
 */
export async function consensusCluster(data: Dataset, options: ConsensusOptions): Promise<ConsensusResult> {
  const { seed = 0, deepBase = CONSENSUS_DEFAULTS.deepBase, cut: how = CONSENSUS_DEFAULTS.cut, onProgress, signal } = options;
  if (deepBase !== "none" && !options.trainBase) throw new InputError(`consensus: deepBase ${deepBase} needs a trainer`);
  onProgress?.({ stage: "pca", fraction: 0, message: "normalise, variable genes, scale, PCA, SNN graph" });
  const pg = pcGraph(data, { nTopGenes: options.nTopGenes, seed, emptyCells: options.emptyCells, signal });
  const n = pg.cells.length;
  let kSelection: KSelection | undefined;
  let k: number;
  if (options.k === "auto") {
    kSelection = estimateK(pg.graph, { seed, signal, onProgress: (f, message) => onProgress?.({ stage: "k", fraction: 0.05 + 0.1 * f, message }) });
    k = kSelection.k;
  } else {
    k = options.k;
  }
  if (!Number.isInteger(k) || k < 2 || k > n) throw new InputError(`number of clusters must be an integer between 2 and the number of cells ${n} (got ${k})`, data.source);

  let trained: TrainedBase | undefined;
  const partitions: BasePartition[] = [];
  if (deepBase !== "none") {
    onProgress?.({ stage: "train", fraction: 0.15, message: `${deepBase} base at k = ${k}` });
    trained = await options.trainBase!(k);
    // The trained base may keep other cells than the PCA (its own filters): unclustered ones do not vote.
    const row = new Int32Array(data.counts.nRows).fill(-1);
    pg.cells.forEach((cell, i) => (row[cell] = i));
    const labels = new Int32Array(n).fill(-1);
    trained.cells.forEach((cell, i) => {
      if (row[cell]! >= 0) labels[row[cell]!] = trained!.clusters[i]!;
    });
    partitions.push({ name: deepBase, labels });
  }
  signal?.throwIfAborted();
  onProgress?.({ stage: "bases", fraction: 0.9, message: `graph and k-means bases at k = ${k}` });
  const graphBase = findResolution(pg.graph, k, leiden, { seed, signal });
  partitions.push({ name: "seurat-leiden", labels: graphBase.labels });
  const km = kmeans(pg.pcs, { n, d: pg.dim, k, nInit: 10, seed, signal });
  partitions.push({ name: "kmeans", labels: km.labels });

  onProgress?.({ stage: "consensus", fraction: 0.95, message: how === "leiden" ? "co-association on the graph's edges, Leiden cut" : "co-association, average linkage" });
  let cut: { labels: Int32Array; resolution?: number };
  if (how === "leiden") cut = cutGraph(coassociationGraph(pg.graph, partitions), { k, seed, signal });
  else cut = averageLinkageCut(partitions, Math.min(k, distinctTuples(partitions)), { signal });
  const { labels, count } = relabelBySize(cut.labels);
  onProgress?.({ stage: "done", fraction: 1 });
  return {
    cells: pg.cells,
    clusters: labels,
    k: count,
    pcs: pg.pcs,
    dim: pg.dim,
    kSelection,
    bases: partitions.map((p) => ({ name: p.name, agreement: agreement(p.labels, labels), k: new Set(p.labels.filter((c) => c >= 0)).size, labels: p.labels })),
    resolution: cut.resolution,
    trained,
  };
}

/** Number of distinct label tuples (an upper bound on what average linkage can give). */
function distinctTuples(partitions: readonly BasePartition[]): number {
  const seen = new Set<string>();
  for (let i = 0; i < partitions[0]!.labels.length; i++) seen.add(partitions.map((p) => p.labels[i]).join(","));
  return seen.size;
}

/** ARI of a base with the consensus on the cells the base clustered. */
function agreement(base: Int32Array, consensus: Int32Array): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < base.length; i++) {
    if (base[i]! < 0) continue;
    a.push(base[i]!);
    b.push(consensus[i]!);
  }
  return ari(a, b);
}
