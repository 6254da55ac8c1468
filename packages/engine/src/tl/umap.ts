import { UMAP } from "umap-js";
import { InputError } from "../errors.ts";
import type { DenseMatrix } from "../pp/pca.ts";
import { createRng, permutation } from "../random.ts";
import type { Neighbors } from "../neighbors/neighbors.ts";
import type { OnClusterProgress } from "../progress.ts";

export interface UmapOptions {
  nComponents?: number;
  /** Default 15, as umap-learn and scanpy. */
  nNeighbors?: number;
  /** Default 0.5, scanpy's `tl.umap` default. */
  minDist?: number;
  spread?: number;
  /** Optimisation epochs; default umap-js's choice by size (500 for ≤ 2500 cells … 200 above 10k). */
  nEpochs?: number;
  seed?: number;
  /** Above this many rows UMAP is fitted on a seeded sample of this size and the rest are placed by
   *  their nearest sampled neighbours. Default 50000. */
  maxFitCells?: number;
  /**
   * kNN of the rows (e.g. from `neighbors.neighbors`, the cell itself first) to use instead of umap-js's
   * approximate search; its first nNeighbors columns are used. Only when every row is fitted.
   */
  knn?: Neighbors;
  onProgress?: OnClusterProgress;
  signal?: AbortSignal;
}

export interface UmapResult {
  /** Row-major [nRows, nComponents]. */
  coords: Float32Array;
  nComponents: number;
  /** Rows the layout was fitted on (ascending); the others were placed by neighbours. */
  fitted: Int32Array;
}

/**
 * UMAP (umap-js) of the rows of any embedding, seeded. Large inputs are fitted on a sample: the others
 * take the distance-weighted mean position of their nearest sampled rows (exact search), which keeps
 * the cost of the layout bounded while every cell gets a position.
 */
export async function umap(m: DenseMatrix, options: UmapOptions = {}): Promise<UmapResult> {
  const { nRows: n, nCols: d, x } = m;
  const { nComponents = 2, nNeighbors = 15, minDist = 0.5, spread = 1, nEpochs, seed = 0, maxFitCells = 50000 } = options;
  const { knn, onProgress, signal } = options;
  if (x.length !== n * d) throw new InputError(`umap: matrix has ${x.length} values, expected ${n} × ${d}`);
  if (!Number.isInteger(nNeighbors) || nNeighbors < 2) throw new InputError(`umap: nNeighbors must be an integer ≥ 2 (got ${nNeighbors})`);
  if (n <= nNeighbors) throw new InputError(`umap: need more rows (${n}) than nNeighbors (${nNeighbors})`);
  if (!Number.isInteger(maxFitCells) || maxFitCells <= nNeighbors) {
    throw new InputError(`umap: maxFitCells must be an integer > nNeighbors (got ${maxFitCells})`);
  }
  const rng = createRng(seed);
  const fitted = n <= maxFitCells ? Int32Array.from({ length: n }, (_, i) => i) : permutation(n, rng).subarray(0, maxFitCells).sort();
  const rows = Array.from(fitted, (i) => Array.from(x.subarray(i * d, i * d + d)));

  const layout = new UMAP({ nComponents, nNeighbors, minDist, spread, nEpochs, random: rng.fork().next });
  if (knn && fitted.length === n) {
    if (knn.n !== n || knn.k < nNeighbors) throw new InputError(`umap: knn must cover all ${n} rows with ≥ ${nNeighbors} neighbours`);
    const idx = Array.from({ length: n }, (_, i) => Array.from(knn.indices.subarray(i * knn.k, i * knn.k + nNeighbors)));
    const dist = Array.from({ length: n }, (_, i) => Array.from(knn.distances.subarray(i * knn.k, i * knn.k + nNeighbors)));
    layout.setPrecomputedKNN(idx, dist);
  }
  onProgress?.({ stage: "umap", fraction: 0, message: `fitting on ${fitted.length} of ${n} rows` });
  const epochs = layout.initializeFit(rows);
  for (let e = 0; e < epochs; e++) {
    if (e % 10 === 0) {
      signal?.throwIfAborted();
      onProgress?.({ stage: "umap", fraction: (0.9 * e) / epochs, message: `epoch ${e}/${epochs}` });
      // Let timers and abort handlers run between chunks of epochs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    layout.step();
  }
  const embedding = layout.getEmbedding();
  const coords = new Float32Array(n * nComponents);
  fitted.forEach((i, r) => coords.set(embedding[r]!, i * nComponents));
  if (fitted.length < n) placeRest(m, fitted, coords, nComponents, nNeighbors, signal);
  onProgress?.({ stage: "umap", fraction: 1 });
  return { coords, nComponents, fitted };
}

/** Each row not fitted goes to the 1/distance-weighted mean position of its k nearest fitted rows (exact search). */
function placeRest(m: DenseMatrix, fitted: Int32Array, coords: Float32Array, nComponents: number, k: number, signal?: AbortSignal): void {
  const { nRows: n, nCols: d, x } = m;
  const s = fitted.length;
  const ref = new Float64Array(s * d);
  for (let r = 0; r < s; r++) for (let f = 0; f < d; f++) ref[r * d + f] = x[fitted[r]! * d + f]!;
  const isFitted = new Uint8Array(n);
  for (const i of fitted) isFitted[i] = 1;
  const bestD = new Float64Array(k);
  const bestR = new Int32Array(k);
  const pos = new Float64Array(nComponents);
  for (let q = 0; q < n; q++) {
    if (isFitted[q]) continue;
    if (q % 1024 === 0) signal?.throwIfAborted();
    const qo = q * d;
    let filled = 0;
    for (let r = 0; r < s; r++) {
      let dist = 0;
      for (let f = 0; f < d; f++) {
        const t = ref[r * d + f]! - x[qo + f]!;
        dist += t * t;
      }
      if (filled === k && dist >= bestD[k - 1]!) continue;
      let p = filled === k ? k - 1 : filled++;
      while (p > 0 && bestD[p - 1]! > dist) {
        bestD[p] = bestD[p - 1]!;
        bestR[p] = bestR[p - 1]!;
        p--;
      }
      bestD[p] = dist;
      bestR[p] = r;
    }
    pos.fill(0);
    let wSum = 0;
    for (let t = 0; t < filled; t++) {
      const w = 1 / (Math.sqrt(bestD[t]!) + 1e-9);
      wSum += w;
      for (let c = 0; c < nComponents; c++) pos[c]! += w * coords[fitted[bestR[t]!]! * nComponents + c]!;
    }
    for (let c = 0; c < nComponents; c++) coords[q * nComponents + c] = pos[c]! / wSum;
  }
}
