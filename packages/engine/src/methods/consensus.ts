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
import { addEdges, type WeightedGraph } from "../neighbors/graph.ts";
import { neighbors } from "../neighbors/neighbors.ts";
import { snnGraph } from "../neighbors/snn.ts";

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
   * How the members become one partition: `leiden` (Leiden at k on the co-association of the
   * neighbour graph's edges, times their weight: the PCs' SNN graph plus the trained embedding's),
   * `average` (average linkage over all cell pairs of the co-association, on the atoms the members
   * agree on), `anmi` (the family base sharing the most information with the others, Strehl &
   * Ghosh's best-of-k) or `auto`: leiden when k is given, anmi when it is estimated, the best of the
   * three under each protocol on all four shared datasets (docs/experiments/consensus.md, table 5:
   * at an estimated k the graph cut follows the graph's own granularity, where k-means can be better).
   */
  cut: "auto" as ConsensusCut,
  /**
   * Partitions per family: Leiden on the PCs' graph and k-means on the PCs at this many seeds, and
   * the trained base's clusters with k-means and Leiden readouts of its embedding; each family votes
   * with weight 1 whatever its size. 1: the three bases alone.
   */
  members: 5,
  /** Weight of the trained embedding's SNN graph's edges beside the PCs' graph in the `leiden` cut (0: the PCs' graph alone). */
  embeddingGraphWeight: 0.5,
};

export type ConsensusCut = "auto" | "leiden" | "average" | "anmi";
export const CONSENSUS_CUTS: readonly ConsensusCut[] = ["auto", "leiden", "average", "anmi"];

export interface ConsensusOptions {
  /** Number of clusters, or "auto" to estimate it (`estimateK`) from the SNN graph. */
  k: number | "auto";
  seed?: number;
  nTopGenes?: number;
  emptyCells?: "error" | "drop";
  deepBase?: "scfnccl" | "none";
  cut?: ConsensusCut;
  members?: number;
  embeddingGraphWeight?: number;
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
  /** Each family's base (cluster of each of `cells`, -1 where it did not cluster one) and its ARI with the consensus (label-free agreement). */
  bases: { name: string; agreement: number; k: number; labels: Int32Array }[];
  /** Every partition that voted, weighted so that each family's weights sum to 1 (its base first). */
  members: BasePartition[];
  /** The cut that ran (`auto` resolved by whether k was estimated). */
  cut: Exclude<ConsensusCut, "auto">;
  /** Resolution of the Leiden cut of the co-association graph (`cut: "leiden"`). */
  resolution?: number;
  /** `cut: "anmi"`: the base chosen and each base's average NMI with the others. */
  chosen?: { name: string; anmi: Record<string, number> };
  trained?: TrainedBase;
}

/**
 * Consensus clustering. Three families of partitions into k clusters vote: Leiden on the PCs' SNN
 * graph (Seurat-style) and k-means on the PCs at `members` seeds each, and, when `deepBase` says so,
 * a trained scFNCCL's clusters with k-means and Leiden readouts of its embedding; each family weighs
 * 1 whatever its size, so seeds stabilise a family's vote without stuffing it. The default cut is
 * Leiden on the co-association of a neighbour graph's edges (`coassociationGraph`): the PCs' SNN graph
 * with the embedding's SNN graph added at `embeddingGraphWeight`, so cells close in either view can
 * stay together. Memory is linear in cells (edges, never cell pairs). With k "auto", k is estimated
 * first from the PCs' graph (`estimateK`).
 */
export async function consensusCluster(data: Dataset, options: ConsensusOptions): Promise<ConsensusResult> {
  const { seed = 0, deepBase = CONSENSUS_DEFAULTS.deepBase, onProgress, signal } = options;
  const asked = options.cut ?? CONSENSUS_DEFAULTS.cut;
  const how: Exclude<ConsensusCut, "auto"> = asked === "auto" ? (options.k === "auto" ? "anmi" : "leiden") : asked;
  const { members: askedMembers = CONSENSUS_DEFAULTS.members, embeddingGraphWeight = CONSENSUS_DEFAULTS.embeddingGraphWeight } = options;
  if (deepBase !== "none" && !options.trainBase) throw new InputError(`consensus: deepBase ${deepBase} needs a trainer`);
  if (!Number.isInteger(askedMembers) || askedMembers < 1) throw new InputError(`consensus: members must be an integer ≥ 1 (got ${askedMembers})`);
  // The anmi choice reads each family's base alone: other members would cost without voting.
  const perFamily = how === "anmi" ? 1 : askedMembers;
  if (!(embeddingGraphWeight >= 0)) throw new InputError(`consensus: embeddingGraphWeight must be ≥ 0 (got ${embeddingGraphWeight})`);
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

  // Each member's seed differs from the run's by a multiple of 1000, so member j = 0 is the base as its method runs it.
  const seedOf = (j: number) => seed + 1000 * j;
  let trained: TrainedBase | undefined;
  const families: BasePartition[][] = [];
  let graph: WeightedGraph = pg.graph;
  if (deepBase !== "none") {
    onProgress?.({ stage: "train", fraction: 0.15, message: `${deepBase} base at k = ${k}` });
    trained = await options.trainBase!(k);
    signal?.throwIfAborted();
    onProgress?.({ stage: "bases", fraction: 0.9, message: `readouts of the ${deepBase} embedding at k = ${k}` });
    const deep = deepFamily(trained, { name: deepBase, pcCells: pg.cells, datasetRows: data.counts.nRows, k, count: perFamily, seedOf, wantGraph: how === "leiden" && embeddingGraphWeight > 0, signal });
    families.push(deep.members);
    if (deep.graph) graph = addEdges(pg.graph, { ...deep.graph, weight: embeddingGraphWeight });
  }
  signal?.throwIfAborted();
  onProgress?.({ stage: "bases", fraction: 0.92, message: `graph and k-means bases at k = ${k}, ${perFamily} seed(s) each` });
  families.push(Array.from({ length: perFamily }, (_, j) => ({ name: j === 0 ? "seurat-leiden" : `seurat-leiden@${seedOf(j)}`, labels: findResolution(pg.graph, k, leiden, { seed: seedOf(j), signal }).labels })));
  families.push(Array.from({ length: perFamily }, (_, j) => ({ name: j === 0 ? "kmeans" : `kmeans@${seedOf(j)}`, labels: kmeans(pg.pcs, { n, d: pg.dim, k, nInit: 10, seed: seedOf(j), signal }).labels })));
  const members = families.flatMap((f) => f.map((p) => ({ ...p, weight: 1 / f.length })));
  const bases = families.map((f) => f[0]!);

  const message = { anmi: "the base that agrees most with the others (ANMI)", average: "co-association, average linkage", leiden: "co-association on the neighbour graphs' edges, Leiden cut" }[how];
  onProgress?.({ stage: "consensus", fraction: 0.95, message });
  let cut: { labels: Int32Array; resolution?: number };
  let chosen: ConsensusResult["chosen"];
  if (how === "anmi") {
    const { index, scores } = selectByAnmi(bases, bases);
    chosen = { name: bases[index]!.name, anmi: Object.fromEntries(bases.map((p, i) => [p.name, scores[i]!])) };
    // A base that left cells unclustered (the trained one's own filters) hands them to the next base's cluster via its atoms: the others voted on them.
    cut = { labels: fillUnclustered(bases, index) };
  } else if (how === "leiden") cut = cutGraph(coassociationGraph(graph, members, { keepEdgeWeight: true }), { k, seed, signal });
  else cut = averageLinkageCut(members, Math.min(k, distinctTuples(members)), { signal });
  const { labels, count } = relabelBySize(cut.labels);
  onProgress?.({ stage: "done", fraction: 1 });
  return {
    cells: pg.cells,
    clusters: labels,
    k: count,
    pcs: pg.pcs,
    dim: pg.dim,
    kSelection,
    bases: bases.map((p) => ({ name: p.name, agreement: agreement(p.labels, labels), k: new Set(p.labels.filter((c) => c >= 0)).size, labels: p.labels })),
    members,
    cut: how,
    resolution: cut.resolution,
    chosen,
    trained,
  };
}

/**
 * The trained base's family: its clusters (on the PCs' cells; cells it did not keep are -1), then
 * k-means at other seeds and Leiden at k on the SNN graph of its embedding, alternately, up to
 * `count` partitions; and, when `wantGraph`, that graph placed on the PCs' cells for the cut. The
 * graph is built only when a Leiden readout or the cut needs it.
 */
function deepFamily(
  trained: TrainedBase,
  options: { name: string; pcCells: Int32Array; datasetRows: number; k: number; count: number; seedOf: (j: number) => number; wantGraph: boolean; signal?: AbortSignal },
): { members: BasePartition[]; graph?: { graph: WeightedGraph; nodes: Int32Array } } {
  const { name, pcCells, datasetRows, k, count, seedOf, wantGraph, signal } = options;
  const n = pcCells.length;
  // The trained base may keep other cells than the PCA (its own filters): unclustered ones do not vote.
  const row = new Int32Array(datasetRows).fill(-1);
  pcCells.forEach((cell, i) => (row[cell] = i));
  const labels = new Int32Array(n).fill(-1);
  trained.cells.forEach((cell, i) => {
    if (row[cell]! >= 0) labels[row[cell]!] = trained.clusters[i]!;
  });
  const members: BasePartition[] = [{ name, labels }];
  const emb = trained.embedding;
  if (!emb || (count === 1 && !wantGraph)) return { members };
  // The embedding's rows of the cells both kept, in the PCs' order (so `nodes` ascends).
  const pairs = Array.from(trained.cells, (cell, i) => [row[cell]!, i] as const).filter(([r]) => r >= 0).sort((a, b) => a[0] - b[0]);
  const nodes = Int32Array.from(pairs, ([r]) => r);
  const m = nodes.length;
  if (m <= k) return { members };
  const z = new Float32Array(m * emb.dim);
  pairs.forEach(([, i], a) => z.set(emb.values.subarray(i * emb.dim, (i + 1) * emb.dim), a * emb.dim));
  let built: WeightedGraph | undefined;
  const graph = () => (built ??= snnGraph(neighbors({ x: z, nRows: m, nCols: emb.dim }, { nNeighbors: Math.min(20, m), seed: seedOf(0), signal })));
  const place = (local: Int32Array) => {
    const out = new Int32Array(n).fill(-1);
    local.forEach((c, a) => (out[nodes[a]!] = c));
    return out;
  };
  for (let j = 1; members.length < count; j++) {
    signal?.throwIfAborted();
    members.push({ name: `${name}-kmeans@${seedOf(j)}`, labels: place(kmeans(z, { n: m, d: emb.dim, k, nInit: 10, seed: seedOf(j), signal }).labels) });
    if (members.length < count) members.push({ name: `${name}-leiden@${seedOf(j - 1)}`, labels: place(findResolution(graph(), k, leiden, { seed: seedOf(j - 1), signal }).labels) });
  }
  return { members, ...(wantGraph ? { graph: { graph: graph(), nodes } } : {}) };
}

/** Number of distinct label tuples (an upper bound on what average linkage can give). */
export function distinctTuples(partitions: readonly BasePartition[]): number {
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
