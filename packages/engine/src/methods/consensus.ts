import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { ari } from "../metrics/ari.ts";
import { averageLinkageCut, coassociationGraph, cutGraph, selectByAnmi, type BasePartition } from "../tl/coassociation.ts";
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
  /** Row-major [cells, dim] embedding the base clustered in (scFNCCL's z), one row per entry of `cells`. */
  embedding?: { values: Float32Array; dim: number };
  files?: Record<string, Uint8Array>;
  details?: Record<string, unknown>;
}

export const CONSENSUS_DEFAULTS = {
  /** Which trained base joins the cheap ones: `scfnccl` (one training) or `none`. */
  deepBase: "scfnccl" as "scfnccl" | "none",
  /** Epochs of the scFNCCL base. */
  deepEpochs: 40,
  /**
   * How the bases become one partition: `anmi` (the base sharing the most information with the others,
   * Strehl & Ghosh's best-of-k: highest average NMI), `average` (average linkage over all cell pairs of
   * the co-association, on the atoms the partitions agree on) or `leiden` (Leiden on the co-association
   * of the SNN graph's edges). docs/experiments/consensus.md has the measurements behind the choice.
   */
  cut: "anmi" as ConsensusCut,
};

export type ConsensusCut = "anmi" | "average" | "leiden";
export const CONSENSUS_CUTS: readonly ConsensusCut[] = ["anmi", "average", "leiden"];

export interface ConsensusOptions {
  /** Number of clusters, or "auto" to estimate it (`estimateK`) from the SNN graph. */
  k: number | "auto";
  seed?: number;
  nTopGenes?: number;
  emptyCells?: "error" | "drop";
  deepBase?: "scfnccl" | "none";
  cut?: ConsensusCut;
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
  /** `cut: "anmi"`: the base chosen and each base's average NMI with the others. */
  chosen?: { name: string; anmi: Record<string, number> };
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

  const message = { anmi: "the base that agrees most with the others (ANMI)", average: "co-association, average linkage", leiden: "co-association on the graph's edges, Leiden cut" }[how];
  onProgress?.({ stage: "consensus", fraction: 0.95, message });
  let cut: { labels: Int32Array; resolution?: number };
  let chosen: ConsensusResult["chosen"];
  if (how === "anmi") {
    const { index, scores } = selectByAnmi(partitions, partitions);
    chosen = { name: partitions[index]!.name, anmi: Object.fromEntries(partitions.map((p, i) => [p.name, scores[i]!])) };
    // A base that left cells unclustered (the trained one's own filters) hands them to the next base's cluster via its atoms: the others voted on them.
    cut = { labels: fillUnclustered(partitions, index) };
  } else if (how === "leiden") cut = cutGraph(coassociationGraph(pg.graph, partitions), { k, seed, signal });
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
    chosen,
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

/**
 * The chosen base's labels, with each cell it did not cluster given the chosen cluster that most of its
 * fellows share: the cells another base puts with it (the first base that clustered it).
 */
export function fillUnclustered(partitions: readonly BasePartition[], chosen: number): Int32Array {
  const out = Int32Array.from(partitions[chosen]!.labels);
  const missing = out.reduce((m, c) => m + (c < 0 ? 1 : 0), 0);
  if (missing === 0) return out;
  const others = partitions.filter((_, i) => i !== chosen);
  const majority = others.map((p) => {
    const votes = new Map<number, Map<number, number>>();
    p.labels.forEach((b, i) => {
      if (b < 0 || out[i]! < 0) return;
      const v = votes.get(b) ?? new Map<number, number>();
      v.set(out[i]!, (v.get(out[i]!) ?? 0) + 1);
      votes.set(b, v);
    });
    return new Map([...votes].map(([b, v]) => [b, [...v].reduce((x, y) => (y[1] > x[1] ? y : x))[0]]));
  });
  for (let i = 0; i < out.length; i++) {
    if (out[i]! >= 0) continue;
    for (let q = 0; q < others.length; q++) {
      const c = majority[q]!.get(others[q]!.labels[i]!);
      if (c !== undefined) {
        out[i] = c;
        break;
      }
    }
    // Not clustered by any base that shares a cluster with the chosen one: its own cluster after the others.
    if (out[i]! < 0) out[i] = Math.max(...out) + 1;
  }
  return out;
}
