import { InputError } from "../errors.ts";
import { relabelBySize, type CommunityResult } from "./communities.ts";
import { findResolution } from "./findResolution.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";
import { leiden } from "./leiden.ts";
import { nmi } from "../metrics/nmi.ts";

/** One clustering of the graph's nodes that votes in the consensus; -1 marks a node it did not cluster. */
export interface BasePartition {
  name: string;
  labels: Int32Array;
  /** Relative weight of its vote. Default 1. */
  weight?: number;
}

/**
 * The co-association of the base partitions on the edges of `graph`: each edge (i, j) weighs the
 * weighted share of partitions that put i and j in the same cluster (among those that clustered both),
 * times the edge's own weight when `keepEdgeWeight`. Only the graph's edges are scored, never all
 * n² pairs, so memory grows with the edges (n × ~neighbours) rather than n²; edges no partition
 * agrees on are dropped.
 */
export function coassociationGraph(graph: WeightedGraph, partitions: readonly BasePartition[], options: { keepEdgeWeight?: boolean } = {}): WeightedGraph {
  const { keepEdgeWeight = false } = options;
  if (partitions.length === 0) throw new InputError("coassociation: needs at least one base partition");
  for (const p of partitions) {
    if (p.labels.length !== graph.n) throw new InputError(`coassociation: partition ${p.name} has ${p.labels.length} labels for ${graph.n} nodes`);
    if (!((p.weight ?? 1) >= 0)) throw new InputError(`coassociation: partition ${p.name}'s weight must be ≥ 0 (got ${p.weight})`);
  }
  const { n } = graph;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(graph.indices.length);
  const weights = new Float64Array(graph.indices.length);
  let out = 0;
  for (let i = 0; i < n; i++) {
    for (let e = graph.indptr[i]!; e < graph.indptr[i + 1]!; e++) {
      const j = graph.indices[e]!;
      let agree = 0;
      let voters = 0;
      for (const p of partitions) {
        const a = p.labels[i]!;
        const b = p.labels[j]!;
        if (a < 0 || b < 0) continue;
        const w = p.weight ?? 1;
        voters += w;
        if (a === b) agree += w;
      }
      if (agree === 0) continue;
      indices[out] = j;
      weights[out] = (agree / voters) * (keepEdgeWeight ? graph.weights[e]! : 1);
      out++;
    }
    indptr[i + 1] = out;
  }
  return { n, indptr, indices: indices.slice(0, out), weights: weights.slice(0, out) };
}

/** The co-association graph cut into k clusters by Leiden at the resolution found to give k (or at `resolution` when k is not given). */
export function cutGraph(g: WeightedGraph, options: { k?: number; resolution?: number; seed?: number; signal?: AbortSignal }): CommunityResult {
  const { k, resolution = 1, seed = 0, signal } = options;
  return k === undefined ? leiden(g, { resolution, seed, signal }) : findResolution(g, k, leiden, { seed, signal, start: 1 });
}

/**
 * Evidence-accumulation clustering (Fred & Jain 2005) cut by average linkage, run on "atoms": cells
 * every base partition puts together have co-association 1 and never split, so merging starts from
 * the distinct label tuples. That is exact average linkage over all pairs of cells, yet its memory is
 * atoms² (atoms are bounded by the product of the partitions' cluster counts, not by the cells) plus
 * one atom id per cell. Beyond `maxAtoms` atoms, the smallest ones first join the kept atom they share
 * the most (weighted) labels with.
 */
export function averageLinkageCut(partitions: readonly BasePartition[], k: number, options: { maxAtoms?: number; signal?: AbortSignal } = {}): { labels: Int32Array; count: number; atoms: number } {
  const { maxAtoms = 1000, signal } = options;
  const n = partitions[0]!.labels.length;
  const m = partitions.length;
  const key = new Map<string, number>();
  const atomOf = new Int32Array(n);
  const tuples: number[][] = [];
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = partitions.map((p) => p.labels[i]!);
    const s = t.join(",");
    let a = key.get(s);
    if (a === undefined) {
      a = tuples.length;
      key.set(s, a);
      tuples.push(t);
      sizes.push(0);
    }
    atomOf[i] = a;
    sizes[a]!++;
  }
  const w = partitions.map((p) => p.weight ?? 1);
  if (tuples.length > maxAtoms) {
    const order = tuples.map((_, a) => a).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
    const kept = order.slice(0, maxAtoms);
    const into = Int32Array.from(tuples, (_, a) => a);
    for (const a of order.slice(maxAtoms)) {
      let best = kept[0]!;
      let bestS = -1;
      for (const b of kept) {
        let s = 0;
        for (let q = 0; q < m; q++) if (tuples[a]![q] === tuples[b]![q] && tuples[a]![q]! >= 0) s += w[q]!;
        if (s > bestS) {
          bestS = s;
          best = b;
        }
      }
      into[a] = best;
      sizes[best]! += sizes[a]!;
    }
    const renumber = new Int32Array(tuples.length).fill(-1);
    kept.forEach((a, i) => (renumber[a] = i));
    for (let i = 0; i < n; i++) atomOf[i] = renumber[into[atomOf[i]!]!]!;
    const keptTuples = kept.map((a) => tuples[a]!);
    const keptSizes = kept.map((a) => sizes[a]!);
    tuples.length = 0;
    tuples.push(...keptTuples);
    sizes.length = 0;
    sizes.push(...keptSizes);
  }
  const A = tuples.length;
  if (k < 1 || k > A) throw new InputError(`average linkage: k must be between 1 and the ${A} distinct label tuples (got ${k})`);
  const wSum = w.reduce((x, y) => x + y, 0);
  // Similarity of clusters = mean co-association over their cell pairs; kept as sums (Lance–Williams for average linkage).
  const sim = new Float64Array(A * A);
  for (let a = 0; a < A; a++) {
    for (let b = a + 1; b < A; b++) {
      let s = 0;
      for (let q = 0; q < m; q++) if (tuples[a]![q] === tuples[b]![q] && tuples[a]![q]! >= 0) s += w[q]!;
      sim[a * A + b] = sim[b * A + a] = (s / wSum) * sizes[a]! * sizes[b]!;
    }
  }
  const alive = new Uint8Array(A).fill(1);
  const size = Float64Array.from(sizes);
  const parent = Int32Array.from({ length: A }, (_, i) => i);
  let clusters = A;
  while (clusters > k) {
    if (clusters % 64 === 0) signal?.throwIfAborted();
    let best = -1;
    let ba = -1;
    let bb = -1;
    for (let a = 0; a < A; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < A; b++) {
        if (!alive[b]) continue;
        const v = sim[a * A + b]! / (size[a]! * size[b]!);
        if (v > best) {
          best = v;
          ba = a;
          bb = b;
        }
      }
    }
    alive[bb] = 0;
    parent[bb] = ba;
    size[ba]! += size[bb]!;
    for (let c = 0; c < A; c++) {
      if (!alive[c] || c === ba) continue;
      sim[ba * A + c] = sim[c * A + ba] = sim[ba * A + c]! + sim[bb * A + c]!;
    }
    clusters--;
  }
  const root = (a: number): number => (parent[a] === a ? a : (parent[a] = root(parent[a]!)));
  const { labels, count } = relabelBySize(Int32Array.from(atomOf, (a) => root(a)));
  return { labels, count, atoms: A };
}

/** NMI of two partitions on the nodes both clustered (labels ≥ 0); 0 when fewer than two such nodes. */
export function sharedNmi(a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) throw new InputError(`nmi: partitions have ${a.length} and ${b.length} labels`);
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < 0 || b[i]! < 0) continue;
    x.push(a[i]!);
    y.push(b[i]!);
  }
  return x.length < 2 ? 0 : nmi(x, y);
}

/**
 * Strehl & Ghosh's (2002) choice among candidate consensus partitions: the one that shares the most
 * information with the ensemble, i.e. the highest average NMI (ANMI) with the ensemble's partitions
 * (a candidate that is itself an ensemble member is not compared with itself). No labels: the
 * ensemble's agreement is the only evidence. Ties go to the earlier candidate.
 */
export function selectByAnmi(candidates: readonly BasePartition[], ensemble: readonly BasePartition[]): { index: number; scores: number[] } {
  if (candidates.length === 0) throw new InputError("anmi selection: needs at least one candidate");
  if (ensemble.length === 0) throw new InputError("anmi selection: needs at least one ensemble partition");
  const scores = candidates.map((c) => {
    const others = ensemble.filter((e) => e.labels !== c.labels);
    if (others.length === 0) return 0;
    return others.reduce((s, e) => s + sharedNmi(c.labels, e.labels), 0) / others.length;
  });
  let index = 0;
  scores.forEach((s, i) => {
    if (s > scores[index]!) index = i;
  });
  return { index, scores };
}
