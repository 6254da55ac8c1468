import { InputError } from "../errors.ts";
import { ari } from "../metrics/ari.ts";
import { createRng } from "../random.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";
import { leiden } from "./leiden.ts";

/** One number of clusters tried, with how well it held up. */
export interface KCandidate {
  k: number;
  /** The resolution (of those tried) that gave k on the whole graph with the best score. */
  resolution: number;
  /** Stability: mean ARI between the clusterings of pairs of subsamples, on the cells both hold (1 = identical). */
  score: number;
}

export interface KSelection {
  k: number;
  /** Resolution that gave the chosen k. */
  resolution: number;
  /** How k was chosen, one line. */
  criterion: string;
  /** Every k seen, ascending. */
  candidates: KCandidate[];
}

export interface EstimateKOptions {
  /** Modularity resolutions tried. */
  resolutions?: readonly number[];
  /** Subsamples per resolution. Default 6. */
  subsamples?: number;
  /** Share of cells in each subsample. Default 0.8. */
  fraction?: number;
  /** Above this many nodes, the subsamples are drawn from this many (stability needs no more). Default 20000. */
  maxNodes?: number;
  /** Smallest k reported. Default 2. */
  minK?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number, message: string) => void;
}

export const ESTIMATE_K_DEFAULTS = {
  resolutions: [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
  subsamples: 6,
  fraction: 0.8,
  maxNodes: 20000,
  minK: 2,
} as const;

/** The subgraph induced by `keep` (ascending node ids), renumbered 0..keep.length-1. */
export function inducedSubgraph(g: WeightedGraph, keep: Int32Array): WeightedGraph {
  const pos = new Int32Array(g.n).fill(-1);
  keep.forEach((c, i) => (pos[c] = i));
  const indptr = new Int32Array(keep.length + 1);
  let nnz = 0;
  for (const c of keep) for (let e = g.indptr[c]!; e < g.indptr[c + 1]!; e++) if (pos[g.indices[e]!]! >= 0) nnz++;
  const indices = new Int32Array(nnz);
  const weights = new Float64Array(nnz);
  let out = 0;
  keep.forEach((c, i) => {
    for (let e = g.indptr[c]!; e < g.indptr[c + 1]!; e++) {
      const j = pos[g.indices[e]!]!;
      if (j < 0) continue;
      indices[out] = j;
      weights[out++] = g.weights[e]!;
    }
    indptr[i + 1] = out;
  });
  return { n: keep.length, indptr, indices, weights };
}

/**
 * The number of clusters the data supports, found without labels: at each resolution, Leiden clusters
 * several random subsamples of the cells' neighbour graph and the whole graph; a resolution's score is
 * how much the subsamples' clusterings agree on the cells they share (Ben-Hur et al. 2002's
 * stability). Clusterings that split real groups agree; splits of one group at random borders do not.
 * Over all resolutions stability favours the extremes (a few big groups, or many small ones on PBMC),
 * so the resolutions tried are the band 0.2–0.5, below Seurat's default 0.8, where the four shared
 * datasets' clusterings are closest to their labels (`docs/experiments/consensus.md`); the most stable
 * k of the band wins (the larger on a tie).
 */
export function estimateK(g: WeightedGraph, options: EstimateKOptions = {}): KSelection {
  const o = { ...ESTIMATE_K_DEFAULTS, ...options };
  const { seed = 0, signal, onProgress } = options;
  if (g.n < 10) throw new InputError(`estimating the number of clusters needs at least 10 cells (got ${g.n})`);
  if (!(o.fraction > 0 && o.fraction < 1)) throw new InputError(`estimateK: fraction must be in (0, 1) (got ${o.fraction})`);
  if (!Number.isInteger(o.subsamples) || o.subsamples < 2) throw new InputError(`estimateK: subsamples must be an integer ≥ 2 (got ${o.subsamples})`);
  const rng = createRng(seed);
  // Large graphs: every subsample is drawn from one random set of maxNodes cells.
  let pool: Int32Array = Int32Array.from({ length: g.n }, (_, i) => i);
  let base = g;
  if (g.n > o.maxNodes) {
    const chosen = pool.filter(() => rng.next() < o.maxNodes / g.n);
    pool = chosen;
    base = inducedSubgraph(g, chosen);
  }
  const subs: Int32Array[] = [];
  for (let b = 0; b < o.subsamples; b++) {
    const keep: number[] = [];
    for (let i = 0; i < base.n; i++) if (rng.next() < o.fraction) keep.push(i);
    subs.push(Int32Array.from(keep));
  }
  const graphs = subs.map((s) => inducedSubgraph(base, s));
  const perK = new Map<number, KCandidate>();
  const steps = o.resolutions.length;
  o.resolutions.forEach((resolution, r) => {
    signal?.throwIfAborted();
    onProgress?.(r / steps, `resolution ${resolution}: clustering ${o.subsamples} subsamples`);
    const full = leiden(g, { resolution, seed, signal });
    const labelled = graphs.map((sg, b) => {
      const res = leiden(sg, { resolution, seed: seed + b + 1, signal });
      const L = new Int32Array(base.n).fill(-1);
      subs[b]!.forEach((node, i) => (L[node] = res.labels[i]!));
      return L;
    });
    let sum = 0;
    let pairs = 0;
    const a: number[] = [];
    const b: number[] = [];
    for (let x = 0; x < labelled.length; x++) {
      for (let y = x + 1; y < labelled.length; y++) {
        a.length = 0;
        b.length = 0;
        const lx = labelled[x]!;
        const ly = labelled[y]!;
        for (let i = 0; i < base.n; i++) {
          if (lx[i]! >= 0 && ly[i]! >= 0) {
            a.push(lx[i]!);
            b.push(ly[i]!);
          }
        }
        sum += ari(a, b);
        pairs++;
      }
    }
    const score = sum / pairs;
    const k = full.count;
    if (k < o.minK) return;
    const seen = perK.get(k);
    if (!seen || score > seen.score) perK.set(k, { k, resolution, score });
  });
  const candidates = [...perK.values()].sort((x, y) => x.k - y.k);
  if (candidates.length === 0) throw new InputError(`no resolution gave ${o.minK} or more clusters`);
  const best = Math.max(...candidates.map((c) => c.score));
  const chosen = candidates.filter((c) => c.score === best).at(-1)!;
  onProgress?.(1, `estimated ${chosen.k} clusters`);
  return {
    k: chosen.k,
    resolution: chosen.resolution,
    criterion: `the most stable k over resolutions ${o.resolutions[0]}–${o.resolutions.at(-1)}: mean pairwise ARI of Leiden on ${o.subsamples} subsamples of ${Math.round(o.fraction * 100)}% of the cells`,
    candidates,
  };
}
