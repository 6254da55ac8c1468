import { approxNeighbors, type Neighbors } from "./approxNeighbors.ts";
import { InputError } from "../errors.ts";
import type { DenseMatrix } from "../pp/pca.ts";

export interface NeighborsOptions {
  /** Neighbours per cell, the cell itself included (Seurat's k.param). Default 20. */
  nNeighbors?: number;
  /** Use only the first nDims columns (e.g. the first 30 PCs). Default all. */
  nDims?: number;
  /**
   * `exact` is the brute-force search; `approximate` NN-descent (`approxNeighbors`); `auto` (default)
   * exact up to `exactMaxRows` rows and approximate above, where n² distances stop being affordable.
   */
  method?: "auto" | "exact" | "approximate";
  /** Default 50000. */
  exactMaxRows?: number;
  /** Seeds the approximate search. Default 0. */
  seed?: number;
  signal?: AbortSignal;
}

/** k nearest neighbours of every row, nearest first; row i's own index comes first (distance 0). */
export type { Neighbors };

/** Rows per block of the distance computation: the block's distances to all rows stay in cache-sized pieces. */
const BLOCK = 64;

/**
 * k-nearest neighbours by Euclidean distance. Exact (brute force, O(n² d): ~3 s for 10k cells on 30
 * PCs; ties broken by the lower index, so the result depends on nothing but the data) up to
 * `exactMaxRows` rows, approximate (NN-descent, seeded) above; `method` forces either.
 */
export function neighbors(m: DenseMatrix, options: NeighborsOptions = {}): Neighbors {
  const { nRows: n, nCols, x } = m;
  const { nNeighbors = 20, signal, method = "auto", exactMaxRows = 50000, seed = 0 } = options;
  const d = Math.min(options.nDims ?? nCols, nCols);
  if (x.length !== n * nCols) throw new InputError(`neighbors: matrix has ${x.length} values, expected ${n} × ${nCols}`);
  if (!Number.isInteger(nNeighbors) || nNeighbors < 1 || nNeighbors > n) {
    throw new InputError(`neighbors: nNeighbors must be an integer between 1 and the number of rows ${n} (got ${nNeighbors})`);
  }
  if (!Number.isInteger(d) || d < 1) throw new InputError(`neighbors: nDims must be an integer ≥ 1 (got ${options.nDims})`);
  const k = nNeighbors;

  const p = new Float64Array(n * d);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < d; f++) {
      const v = x[i * nCols + f]!;
      if (!Number.isFinite(v)) throw new InputError(`neighbors: value at row ${i}, column ${f} is not finite (${v})`);
      p[i * d + f] = v;
      s += v * v;
    }
    norm[i] = s;
  }

  if (method === "approximate" || (method === "auto" && n > exactMaxRows)) {
    const rows = Array.from({ length: n }, (_, i) => Array.from(p.subarray(i * d, i * d + d)));
    signal?.throwIfAborted();
    return approxNeighbors(rows, { nNeighbors: k, seed });
  }

  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  const dist = new Float64Array(BLOCK * n);
  for (let start = 0; start < n; start += BLOCK) {
    signal?.throwIfAborted();
    const end = Math.min(n, start + BLOCK);
    for (let i = start; i < end; i++) {
      const io = i * d;
      const row = (i - start) * n;
      for (let j = 0; j < n; j++) {
        const jo = j * d;
        let dot = 0;
        for (let f = 0; f < d; f++) dot += p[io + f]! * p[jo + f]!;
        const v = norm[i]! + norm[j]! - 2 * dot;
        dist[row + j] = v > 0 ? v : 0;
      }
    }
    for (let i = start; i < end; i++) {
      const row = (i - start) * n;
      // The cell itself first, whatever rounding says about duplicates.
      bestD[0] = -1;
      bestI[0] = i;
      let filled = 1;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const v = dist[row + j]!;
        if (filled === k && !(v < bestD[k - 1]!)) continue;
        // Insertion into the sorted prefix; equal distances keep the earlier (lower) index first.
        let pos = filled === k ? k - 1 : filled++;
        while (pos > 1 && bestD[pos - 1]! > v) {
          bestD[pos] = bestD[pos - 1]!;
          bestI[pos] = bestI[pos - 1]!;
          pos--;
        }
        bestD[pos] = v;
        bestI[pos] = j;
      }
      for (let t = 0; t < k; t++) {
        indices[i * k + t] = bestI[t]!;
        distances[i * k + t] = t === 0 ? 0 : Math.sqrt(bestD[t]!);
      }
    }
  }
  return { n, k, indices, distances };
}
