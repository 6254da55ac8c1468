import { InputError } from "../errors.ts";
import { createRng, permutation, type Rng } from "../random.ts";

export interface KMeansOptions {
  /** Number of rows (samples). */
  n: number;
  /** Number of columns (features). */
  d: number;
  /** Number of clusters, 1 ≤ k ≤ n. */
  k: number;
  /** Restarts from fresh k-means++ seeds; the one with the lowest inertia wins. Default 10. */
  nInit?: number;
  /** Lloyd iterations per restart at most. Default 300. */
  maxIter?: number;
  /** Relative tolerance: stop when the summed squared centre shift ≤ tol × mean feature variance. Default 1e-4. */
  tol?: number;
  /** Seed for the k-means++ draws; the same seed gives identical results. Default 0. */
  seed?: number;
  /** Checked between iterations; aborting throws the signal's reason. */
  signal?: AbortSignal;
}

export interface KMeansResult {
  /** Cluster of each row, 0..k-1. */
  labels: Int32Array;
  /** Centres, row-major [k, d]. */
  centroids: Float32Array;
  /** Sum of squared distances of rows to their centres. */
  inertia: number;
  /** Lloyd iterations of the winning restart. */
  nIter: number;
}

/** Data shared by every restart: the rows centred on their mean (as sklearn does) in float64. */
interface Prepared {
  x: Float64Array;
  /** ‖x_i‖² of the centred rows. */
  xNorm: Float64Array;
  n: number;
  d: number;
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new InputError(`kmeans: ${name} must be an integer ≥ ${min} (got ${v})`);
}

/** x_i · c over d features; c starts at `co` in `cs`. (A plain loop: V8 runs it faster than an unrolled one.) */
function dot(x: Float64Array, xo: number, cs: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) s += x[xo + f]! * cs[co + f]!;
  return s;
}

/**
 * out[j] = x_i · c_j for the first m rows c_j of `cs` ([m, d] row-major). Four centres per pass over x_i,
 * which is what makes this faster than m separate dot products.
 */
function dotsRow(x: Float64Array, xo: number, cs: Float64Array, m: number, d: number, out: Float64Array): void {
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const c0 = j * d;
    const c1 = c0 + d;
    const c2 = c1 + d;
    const c3 = c2 + d;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let f = 0; f < d; f++) {
      const v = x[xo + f]!;
      a0 += v * cs[c0 + f]!;
      a1 += v * cs[c1 + f]!;
      a2 += v * cs[c2 + f]!;
      a3 += v * cs[c3 + f]!;
    }
    out[j] = a0;
    out[j + 1] = a1;
    out[j + 2] = a2;
    out[j + 3] = a3;
  }
  for (; j < m; j++) out[j] = dot(x, xo, cs, j * d, d);
}

/** Exact ‖x_i − c‖² by differences (for inertia and empty-cluster relocation). */
function sqDiff(x: Float64Array, xo: number, cs: Float64Array, co: number, d: number): number {
  let s = 0;
  for (let f = 0; f < d; f++) {
    const t = x[xo + f]! - cs[co + f]!;
    s += t * t;
  }
  return s;
}

/** First index i with cum[i] ≥ v (numpy searchsorted, side="left"), clipped to n-1. */
function searchSorted(cum: Float64Array, v: number): number {
  let lo = 0;
  let hi = cum.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return Math.min(lo, cum.length - 1);
}

/**
 * Seeds plus what the seeding already knows about every row, so that Lloyd's first assignment costs nothing:
 * the nearest seed of each row and its squared distance, and lower bounds on the distance to every seed.
 */
interface Seeding {
  centers: Float64Array;
  /** Nearest seed of each row (the first, on ties) — the first Lloyd assignment. */
  owner: Int32Array;
  /** Squared distance of each row to that seed. */
  closest: Float64Array;
  /** Row-major [n, k]: lower bounds on ‖x_i − c_j‖ (exact where the distance was computed). */
  low: Float64Array;
}

/**
 * Greedy k-means++ as sklearn's `_kmeans_plusplus`: the first centre is a uniform draw; each next one is the
 * best (lowest resulting potential) of 2 + ⌊ln k⌋ candidates drawn with probability ∝ D².
 * A row skips the distance to a candidate when the triangle inequality shows the candidate cannot come closer
 * than the row's nearest centre c (‖cand − c‖ ≥ 2‖x − c‖ ⇒ ‖x − cand‖ ≥ ‖x − c‖), which leaves every
 * potential unchanged; ‖cand − c‖ − ‖x − c‖ is then kept as a lower bound for Lloyd's pruning.
 */
function kmeansPlusPlus(p: Prepared, k: number, rng: Rng): Seeding {
  const { x, xNorm, n, d } = p;
  const centers = new Float64Array(k * d);
  const centerNorm = new Float64Array(k);
  const nLocal = 2 + Math.floor(Math.log(k));
  const closest = new Float64Array(n);
  const owner = new Int32Array(n);
  const low = new Float64Array(n * k);
  const cum = new Float64Array(n);
  const cand = new Int32Array(nLocal);
  const candRows = new Float64Array(nLocal * d);
  const candNorm = new Float64Array(nLocal);
  const candPot = new Float64Array(nLocal);
  const trial = new Float64Array(nLocal * n); // min(D², ‖x − cand_t‖²)
  const trialLow = new Float64Array(nLocal * n); // ‖x − cand_t‖, or a lower bound on it
  const candDist = new Float64Array(nLocal * k); // ‖cand_t − c_j‖
  const dots = new Float64Array(nLocal);
  const need = new Uint8Array(nLocal);

  const first = rng.int(n);
  centers.set(x.subarray(first * d, first * d + d), 0);
  centerNorm[0] = xNorm[first]!;
  let pot = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.max(0, xNorm[i]! + xNorm[first]! - 2 * dot(x, i * d, x, first * d, d));
    closest[i] = v;
    low[i * k] = Math.sqrt(v);
    pot += v;
  }
  for (let c = 1; c < k; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += closest[i]!;
      cum[i] = s;
    }
    for (let t = 0; t < nLocal; t++) {
      const id = searchSorted(cum, rng.next() * pot);
      cand[t] = id;
      candRows.set(x.subarray(id * d, id * d + d), t * d);
      candNorm[t] = xNorm[id]!;
      for (let j = 0; j < c; j++) {
        const v = candNorm[t]! + centerNorm[j]! - 2 * dot(candRows, t * d, centers, j * d, d);
        candDist[t * k + j] = Math.sqrt(v > 0 ? v : 0);
      }
    }
    candPot.fill(0);
    for (let i = 0; i < n; i++) {
      const ci = closest[i]!;
      const ri = Math.sqrt(ci);
      const ro = owner[i]!;
      let nNeed = 0;
      for (let t = 0; t < nLocal; t++) {
        const cd = candDist[t * k + ro]!;
        if (cd < 2 * ri) {
          need[t] = 1;
          nNeed++;
        } else {
          need[t] = 0;
          trial[t * n + i] = ci;
          trialLow[t * n + i] = cd - ri;
          candPot[t]! += ci;
        }
      }
      if (nNeed === 0) continue;
      const xo = i * d;
      const xn = xNorm[i]!;
      if (nNeed > 1) dotsRow(x, xo, candRows, nLocal, d, dots);
      for (let t = 0; t < nLocal; t++) {
        if (!need[t]) continue;
        const dt = nNeed > 1 ? dots[t]! : dot(x, xo, candRows, t * d, d);
        let v = xn + candNorm[t]! - 2 * dt;
        if (v < 0) v = 0;
        trialLow[t * n + i] = Math.sqrt(v);
        const m = v < ci ? v : ci;
        trial[t * n + i] = m;
        candPot[t]! += m;
      }
    }
    let tb = 0;
    for (let t = 1; t < nLocal; t++) if (candPot[t]! < candPot[tb]!) tb = t;
    pot = candPot[tb]!;
    const to = tb * n;
    for (let i = 0; i < n; i++) {
      const v = trial[to + i]!;
      if (v < closest[i]!) {
        closest[i] = v;
        owner[i] = c;
      }
      low[i * k + c] = trialLow[to + i]!;
    }
    const id = cand[tb]!;
    centers.set(x.subarray(id * d, id * d + d), c * d);
    centerNorm[c] = xNorm[id]!;
  }
  return { centers, owner, closest, low };
}

interface RunResult {
  labels: Int32Array;
  centers: Float64Array;
  inertia: number;
  nIter: number;
}

/** Distance ‖x_i − c_j‖ from the dot product. */
function distTo(p: Prepared, i: number, centers: Float64Array, cNorm: Float64Array, j: number): number {
  const v = p.xNorm[i]! + cNorm[j]! - 2 * dot(p.x, i * p.d, centers, j * p.d, p.d);
  return Math.sqrt(v > 0 ? v : 0);
}

/**
 * Lloyd's assignment step with Elkan's bounds: each row moves to its nearest centre, but the distance to a
 * centre is computed only when the bounds (`upper` ≥ distance to the own centre, `low[i, j]` ≤ distance to
 * centre j, half the centre–centre distances) cannot rule it out. Returns the number of rows that changed.
 */
function elkanAssign(
  p: Prepared,
  centers: Float64Array,
  k: number,
  labels: Int32Array,
  upper: Float64Array,
  low: Float64Array,
  cNorm: Float64Array,
  halfCC: Float64Array,
  halfMin: Float64Array,
): number {
  const { n, d } = p;
  for (let j = 0; j < k; j++) cNorm[j] = dot(centers, j * d, centers, j * d, d);
  for (let j = 0; j < k; j++) {
    halfCC[j * k + j] = 0;
    for (let o = j + 1; o < k; o++) {
      const v = cNorm[j]! + cNorm[o]! - 2 * dot(centers, j * d, centers, o * d, d);
      const h = 0.5 * Math.sqrt(v > 0 ? v : 0);
      halfCC[j * k + o] = h;
      halfCC[o * k + j] = h;
    }
  }
  for (let j = 0; j < k; j++) {
    let m = Infinity;
    for (let o = 0; o < k; o++) if (o !== j && halfCC[j * k + o]! < m) m = halfCC[j * k + o]!;
    halfMin[j] = m;
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const a0 = labels[i]!;
    let a = a0;
    let u = upper[i]!;
    if (u <= halfMin[a]!) continue;
    const lo = i * k;
    let tight = false;
    for (let j = 0; j < k; j++) {
      if (j === a) continue;
      if (u <= low[lo + j]! || u <= halfCC[a * k + j]!) continue;
      if (!tight) {
        u = distTo(p, i, centers, cNorm, a);
        low[lo + a] = u;
        tight = true;
        if (u <= low[lo + j]! || u <= halfCC[a * k + j]!) continue;
      }
      const dj = distTo(p, i, centers, cNorm, j);
      low[lo + j] = dj;
      // Lloyd takes the lowest index among equidistant centres.
      if (dj < u || (dj === u && j < a)) {
        a = j;
        u = dj;
      }
    }
    upper[i] = u;
    if (a !== a0) {
      labels[i] = a;
      changed++;
    }
  }
  return changed;
}

/**
 * Lloyd's update step into `next` as sklearn does it: per-cluster sums, then each empty cluster is re-seeded
 * with one of the rows farthest from their (old) centre, farthest first, then sums are divided by counts.
 * Fills `shift` with ‖next_j − centers_j‖.
 */
function updateCenters(
  p: Prepared,
  centers: Float64Array,
  next: Float64Array,
  k: number,
  labels: Int32Array,
  counts: Float64Array,
  shift: Float64Array,
): void {
  const { x, n, d } = p;
  next.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const a = labels[i]!;
    const co = a * d;
    const xo = i * d;
    for (let f = 0; f < d; f++) next[co + f]! += x[xo + f]!;
    counts[a]!++;
  }
  let nEmpty = 0;
  for (let j = 0; j < k; j++) if (counts[j] === 0) nEmpty++;
  if (nEmpty > 0) {
    const dist = new Float64Array(n);
    for (let i = 0; i < n; i++) dist[i] = sqDiff(x, i * d, centers, labels[i]! * d, d);
    const order = Array.from({ length: n }, (_, i) => i).sort((s, t) => dist[t]! - dist[s]! || s - t);
    let e = 0;
    for (let j = 0; j < k && e < nEmpty; j++) {
      if (counts[j] !== 0) continue;
      const far = order[e++]!;
      const old = labels[far]!;
      for (let f = 0; f < d; f++) {
        const v = x[far * d + f]!;
        next[old * d + f]! -= v;
        next[j * d + f] = v;
      }
      counts[j] = 1;
      counts[old]!--;
    }
  }
  for (let j = 0; j < k; j++) {
    const c = counts[j]!;
    const alpha = c > 0 ? 1 / c : 1;
    let s = 0;
    for (let f = 0; f < d; f++) {
      const v = next[j * d + f]! * alpha;
      next[j * d + f] = v;
      const t = v - centers[j * d + f]!;
      s += t * t;
    }
    shift[j] = Math.sqrt(s);
  }
}

/**
 * One Lloyd run from a k-means++ seeding, following sklearn's `_kmeans_single_lloyd` step for step (assign,
 * update with empty-cluster relocation, stop on unchanged labels or on total squared centre shift ≤ tol,
 * final re-assignment unless labels were stable). Elkan's bounds only skip distance computations that cannot
 * change an assignment, so the labels are those of plain Lloyd.
 */
function lloyd(p: Prepared, seeding: Seeding, k: number, maxIter: number, tolAbs: number, signal?: AbortSignal): RunResult {
  const { x, n, d } = p;
  let centers = seeding.centers;
  let next: Float64Array = new Float64Array(k * d);
  // The first assignment (nearest seed) and its bounds come from the seeding.
  const labels = seeding.owner;
  const low = seeding.low;
  const upper = new Float64Array(n);
  for (let i = 0; i < n; i++) upper[i] = Math.sqrt(seeding.closest[i]!);
  const cNorm = new Float64Array(k);
  const counts = new Float64Array(k);
  const shift = new Float64Array(k);
  const halfCC = new Float64Array(k * k);
  const halfMin = new Float64Array(k);

  let strict = false;
  let iter = 0;
  for (; iter < maxIter; iter++) {
    signal?.throwIfAborted();
    const changed = iter === 0 ? n : elkanAssign(p, centers, k, labels, upper, low, cNorm, halfCC, halfMin);
    updateCenters(p, centers, next, k, labels, counts, shift);
    let shiftTot = 0;
    for (let j = 0; j < k; j++) shiftTot += shift[j]! * shift[j]!;
    // Keep the bounds valid for the moved centres.
    for (let i = 0; i < n; i++) {
      upper[i]! += shift[labels[i]!]!;
      const lo = i * k;
      for (let j = 0; j < k; j++) {
        const v = low[lo + j]! - shift[j]!;
        low[lo + j] = v > 0 ? v : 0;
      }
    }
    const sw = centers;
    centers = next;
    next = sw;
    if (changed === 0) {
      strict = true;
      break;
    }
    if (shiftTot <= tolAbs) break;
  }
  const nIter = Math.min(iter + 1, maxIter);
  // Labels must match the returned centres: one more assignment unless labels were already stable.
  if (!strict) elkanAssign(p, centers, k, labels, upper, low, cNorm, halfCC, halfMin);
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += sqDiff(x, i * d, centers, labels[i]! * d, d);
  return { labels, centers, inertia, nIter };
}

/**
 * k-means clustering of the rows of `data` (row-major [n, d]) as sklearn's `KMeans(init="k-means++",
 * algorithm="lloyd")`: greedy k-means++ seeding, Lloyd iterations with sklearn's tolerance and
 * empty-cluster handling, best of `nInit` restarts by inertia. Deterministic for a given seed.
 *
 * Work is in float64 on a centred copy of the data; Elkan's triangle-inequality bounds (n × k float64,
 * e.g. 10 MB for 100k rows and k = 15) skip most distance computations without changing the result.
 */
export function kmeans(data: Float32Array | Float64Array, options: KMeansOptions): KMeansResult {
  const { n, d, k, nInit = 10, maxIter = 300, tol = 1e-4, seed = 0, signal } = options;
  checkInt("n", n, 1);
  checkInt("d", d, 1);
  if (data.length !== n * d) throw new InputError(`kmeans: data has ${data.length} values, expected n × d = ${n * d}`);
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InputError(`kmeans: k must be an integer between 1 and the number of rows n = ${n} (got ${k})`);
  }
  checkInt("nInit", nInit, 1);
  checkInt("maxIter", maxIter, 1);
  if (!(tol >= 0)) throw new InputError(`kmeans: tol must be ≥ 0 (got ${tol})`);
  signal?.throwIfAborted();

  // Centre the data (as sklearn does) for accurate ‖x‖² + ‖c‖² − 2x·c distances.
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      const v = data[i * d + f]!;
      if (!Number.isFinite(v)) throw new InputError(`kmeans: data must be finite (got ${v} at row ${i}, column ${f})`);
      mean[f]! += v;
    }
  }
  for (let f = 0; f < d; f++) mean[f]! /= n;
  const x = new Float64Array(n * d);
  const xNorm = new Float64Array(n);
  const variance = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let f = 0; f < d; f++) {
      const v = data[i * d + f]! - mean[f]!;
      x[i * d + f] = v;
      s += v * v;
      variance[f]! += v * v;
    }
    xNorm[i] = s;
  }
  let meanVar = 0;
  for (let f = 0; f < d; f++) meanVar += variance[f]! / n;
  meanVar /= d;
  const tolAbs = tol === 0 ? 0 : meanVar * tol;

  const prepared: Prepared = { x, xNorm, n, d };
  const rng = createRng(seed);
  let best: RunResult | null = null;
  for (let run = 0; run < nInit; run++) {
    signal?.throwIfAborted();
    const r = lloyd(prepared, kmeansPlusPlus(prepared, k, rng), k, maxIter, tolAbs, signal);
    if (best === null || r.inertia < best.inertia) best = r;
  }
  const res = best!;
  const centroids = new Float32Array(k * d);
  for (let j = 0; j < k; j++) for (let f = 0; f < d; f++) centroids[j * d + f] = res.centers[j * d + f]! + mean[f]!;
  return { labels: res.labels, centroids, inertia: res.inertia, nIter: res.nIter };
}

export interface MiniBatchKMeansOptions {
  n: number;
  d: number;
  k: number;
  /** Rows per mini-batch (sklearn's default 1024). */
  batchSize?: number;
  /** Passes over the data at most (sklearn's max_iter, default 100); early stopping usually ends far sooner. */
  maxIter?: number;
  /** k-means++ seedings tried on random subsets; the one with the lowest inertia on a validation subset wins. Default 3. */
  nInit?: number;
  /** Rows each seeding sees; default max(3 × batchSize, 3k), at most n. */
  initSize?: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia. Default 10. */
  maxNoImprovement?: number;
  /** Centres with fewer than this share of the largest centre's count are moved to a far row now and then. Default 0.01. */
  reassignmentRatio?: number;
  seed?: number;
  signal?: AbortSignal;
}

export interface MiniBatchKMeansResult extends KMeansResult {
  /** Mini-batch steps taken (`nIter` is the same in passes over the data, rounded up). */
  nSteps: number;
}

/** Index and squared distance of the nearest of k centres ([k, d] float64) to row i of `x`. */
function nearest(x: Float32Array | Float64Array, i: number, centers: Float64Array, k: number, d: number): [number, number] {
  let best = 0;
  let bestD = Infinity;
  const xo = i * d;
  for (let j = 0; j < k; j++) {
    let s = 0;
    const co = j * d;
    for (let f = 0; f < d; f++) {
      const t = x[xo + f]! - centers[co + f]!;
      s += t * t;
    }
    if (s < bestD) {
      bestD = s;
      best = j;
    }
  }
  return [best, bestD];
}

/**
 * Mini-batch k-means, following sklearn's `MiniBatchKMeans` (Sculley 2010): k-means++ on random
 * subsets (best of `nInit` by inertia on a validation subset), then steps on random batches of rows —
 * each batch is assigned to its nearest centres and every centre moves to the running mean of all rows
 * ever assigned to it — with sklearn's early stopping on the smoothed batch inertia and its
 * re-assignment of nearly empty centres; finally every row is labelled with its nearest centre.
 *
 * Lloyd's k-means reads every row on every iteration of every restart (and keeps a float64 copy plus
 * n × k bounds); this reads a few hundred batches and the data once more for the labels, so it is the
 * one to use on hundreds of thousands of rows and more. Deterministic for a given seed.
 */
export function miniBatchKmeans(data: Float32Array | Float64Array, options: MiniBatchKMeansOptions): MiniBatchKMeansResult {
  const { n, d, k, batchSize = 1024, maxIter = 100, nInit = 3, maxNoImprovement = 10, reassignmentRatio = 0.01, seed = 0, signal } = options;
  checkInt("n", n, 1);
  checkInt("d", d, 1);
  if (data.length !== n * d) throw new InputError(`kmeans: data has ${data.length} values, expected n × d = ${n * d}`);
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InputError(`kmeans: k must be an integer between 1 and the number of rows n = ${n} (got ${k})`);
  }
  checkInt("batchSize", batchSize, 1);
  checkInt("maxIter", maxIter, 1);
  checkInt("nInit", nInit, 1);
  if (!(reassignmentRatio >= 0 && reassignmentRatio < 1)) throw new InputError(`kmeans: reassignmentRatio must be in [0, 1) (got ${reassignmentRatio})`);
  for (let v = 0; v < data.length; v++) {
    if (!Number.isFinite(data[v]!)) throw new InputError(`kmeans: data must be finite (got ${data[v]} at row ${Math.floor(v / d)}, column ${v % d})`);
  }
  const initSize = Math.min(n, options.initSize ?? Math.max(3 * batchSize, 3 * k));
  checkInt("initSize", initSize, k);
  signal?.throwIfAborted();
  const rng = createRng(seed);

  // Seeding: k-means++ on a random subset, scored on another (sklearn draws both with replacement).
  const validation = Int32Array.from({ length: initSize }, () => rng.int(n));
  let centers: Float64Array = new Float64Array(k * d);
  let bestInertia = Infinity;
  for (let run = 0; run < nInit; run++) {
    signal?.throwIfAborted();
    const rows = Int32Array.from({ length: initSize }, () => rng.int(n));
    const x = new Float64Array(initSize * d);
    const xNorm = new Float64Array(initSize);
    for (let i = 0; i < initSize; i++) {
      let s = 0;
      for (let f = 0; f < d; f++) {
        const v = data[rows[i]! * d + f]!;
        x[i * d + f] = v;
        s += v * v;
      }
      xNorm[i] = s;
    }
    const seeded = kmeansPlusPlus({ x, xNorm, n: initSize, d }, k, rng).centers;
    let inertia = 0;
    for (const i of validation) inertia += nearest(data, i, seeded, k, d)[1];
    if (inertia < bestInertia) {
      bestInertia = inertia;
      centers = seeded;
    }
  }

  const counts = new Float64Array(k);
  const sums = new Float64Array(k * d);
  const batchCounts = new Float64Array(k);
  const batch = new Int32Array(Math.min(batchSize, n));
  const nSteps = Math.ceil((maxIter * n) / batch.length);
  const alpha = Math.min(1, (2 * batch.length) / (n + 1));
  let ewa = NaN;
  let ewaMin = Infinity;
  let noImprovement = 0;
  let sinceReassign = 0;
  let step = 0;
  for (; step < nSteps; step++) {
    if (step % 64 === 0) signal?.throwIfAborted();
    let inertia = 0;
    sums.fill(0);
    batchCounts.fill(0);
    for (let b = 0; b < batch.length; b++) {
      const i = rng.int(n);
      batch[b] = i;
      const [j, dd] = nearest(data, i, centers, k, d);
      inertia += dd;
      batchCounts[j]!++;
      for (let f = 0; f < d; f++) sums[j * d + f]! += data[i * d + f]!;
    }
    for (let j = 0; j < k; j++) {
      const m = batchCounts[j]!;
      if (m === 0) continue;
      const before = counts[j]!;
      const after = before + m;
      counts[j] = after;
      for (let f = 0; f < d; f++) centers[j * d + f] = (centers[j * d + f]! * before + sums[j * d + f]!) / after;
    }
    // sklearn's re-assignment: every 10k rows seen (or at once while a centre is empty), centres with
    // fewer than reassignmentRatio × the largest count move to distinct batch rows drawn uniformly.
    sinceReassign += batch.length;
    let maxCount = 0;
    let anyEmpty = false;
    for (let j = 0; j < k; j++) {
      maxCount = Math.max(maxCount, counts[j]!);
      if (counts[j] === 0) anyEmpty = true;
    }
    if (reassignmentRatio > 0 && (anyEmpty || sinceReassign >= 10 * k)) {
      sinceReassign = 0;
      let low = [];
      for (let j = 0; j < k; j++) if (counts[j]! < reassignmentRatio * maxCount) low.push(j);
      // At most half a batch of them, the smallest counts first.
      if (low.length > 0.5 * batch.length) low = low.sort((a, b) => counts[a]! - counts[b]! || a - b).slice(0, Math.floor(0.5 * batch.length));
      if (low.length > 0) {
        let keptMin = Infinity;
        for (let j = 0; j < k; j++) if (!low.includes(j)) keptMin = Math.min(keptMin, counts[j]!);
        const picks = permutation(batch.length, rng).subarray(0, low.length);
        low.forEach((j, t) => {
          const i = batch[picks[t]!]!;
          for (let f = 0; f < d; f++) centers[j * d + f] = data[i * d + f]!;
          counts[j] = keptMin;
        });
      }
    }
    // sklearn's early stopping: exponentially weighted average of the per-row batch inertia.
    const perRow = inertia / batch.length;
    if (step === 0) {
      ewa = perRow;
      continue;
    }
    ewa = ewa * (1 - alpha) + perRow * alpha;
    if (ewa < ewaMin) {
      ewaMin = ewa;
      noImprovement = 0;
    } else if (++noImprovement >= maxNoImprovement) {
      step++;
      break;
    }
  }

  signal?.throwIfAborted();
  const labels = new Int32Array(n);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const [j, dd] = nearest(data, i, centers, k, d);
    labels[i] = j;
    inertia += dd;
  }
  const nStepsDone = Math.min(step, nSteps);
  return {
    labels,
    centroids: Float32Array.from(centers),
    inertia,
    nIter: Math.ceil((nStepsDone * batch.length) / n),
    nSteps: nStepsDone,
  };
}

/** Above this many rows `kmeansAuto` switches from Lloyd's k-means to mini-batch k-means. */
export const MINI_BATCH_ABOVE = 100_000;

/**
 * k-means that stays fast at any size: Lloyd's (`kmeans`, best of `nInit` restarts) up to
 * `MINI_BATCH_ABOVE` rows, `miniBatchKmeans` (3 seedings) above.
 */
export function kmeansAuto(data: Float32Array | Float64Array, options: KMeansOptions): KMeansResult {
  if (options.n <= MINI_BATCH_ABOVE) return kmeans(data, options);
  const { n, d, k, seed, signal } = options;
  return miniBatchKmeans(data, { n, d, k, seed, signal });
}
