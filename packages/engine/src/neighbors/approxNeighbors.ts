// umap-js ships the NN-descent + random-projection-forest search of umap-learn/pynndescent; it is
// already our UMAP dependency, and these modules are its own (the package index exports only UMAP).
import { makeNNDescent } from "umap-js/dist/nn_descent.js";
import { makeForest, makeLeafArray } from "umap-js/dist/tree.js";
import { createRng } from "../random.ts";

export interface ApproxNeighborsOptions {
  /** Neighbours per row, the row itself included. */
  nNeighbors: number;
  /** NN-descent rounds; default max(5, round(log2 n)) as umap-learn. */
  nIters?: number;
  /** Random-projection trees that seed the search; default 5 + round(√n / 20) as umap-learn. */
  nTrees?: number;
  seed?: number;
}

const euclidean = (a: number[], b: number[]): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
};

/** The k nearest neighbours of every row (exact or approximate search), the row itself included. */
export interface Neighbors {
  n: number;
  k: number;
  /** Row-major [n, k]. */
  indices: Int32Array;
  /** Euclidean distances, row-major [n, k]. */
  distances: Float32Array;
}

/**
 * Approximate k nearest neighbours by NN-descent (Dong et al. 2011) started from a random-projection
 * forest, the search umap-learn and scanpy use for large data: about O(n log n) distance evaluations
 * instead of the exact search's n². Same output contract as `neighbors`: the row itself first
 * (distance 0), then the others nearest first. Seeded.
 *
 * @param rows the rows' first nDims coordinates, one array per row
 */
export function approxNeighbors(rows: number[][], options: ApproxNeighborsOptions): Neighbors {
  const n = rows.length;
  const k = options.nNeighbors;
  const { seed = 0 } = options;
  const random = createRng(seed ^ 0x5bd1e995).next;
  const nTrees = options.nTrees ?? 5 + Math.floor(Math.round(Math.sqrt(n) / 20));
  const nIters = options.nIters ?? Math.max(5, Math.round(Math.log2(n)));
  const forest = makeForest(rows, k, nTrees, random);
  const search = makeNNDescent(euclidean, random);
  const { indices: found, weights } = search(rows, makeLeafArray(forest), k, nIters);

  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const idx = found[i]!;
    const dist = weights[i]!;
    // The row itself first, then the rest in the heap's ascending order (a duplicate row at
    // distance 0 may have come before it; a missing slot, -1, cannot happen with k ≤ n but is skipped).
    indices[i * k] = i;
    distances[i * k] = 0;
    let t = 1;
    for (let j = 0; j < idx.length && t < k; j++) {
      const c = idx[j]!;
      if (c === i || c < 0) continue;
      indices[i * k + t] = c;
      distances[i * k + t] = dist[j]!;
      t++;
    }
    // Fewer than k − 1 others found (tiny inputs): repeat the farthest found so the row stays full.
    for (; t < k; t++) {
      indices[i * k + t] = indices[i * k + t - 1]!;
      distances[i * k + t] = distances[i * k + t - 1]!;
    }
  }
  return { n, k, indices, distances };
}
