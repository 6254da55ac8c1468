import { InputError } from "../errors.ts";
import { createRng } from "../random.ts";

/** A dense row-major matrix, cells × features (what `scale` returns). */
export interface DenseMatrix {
  x: Float32Array | Float64Array;
  nRows: number;
  nCols: number;
}

export interface PcaOptions {
  /** Number of principal components. Default 50 (clipped to min(nRows, nCols) − 1). */
  nComps?: number;
  /** Subtract each column's mean first (implicitly: the input is not copied). Default true. */
  zeroCenter?: boolean;
  /** Seed of the Gaussian test matrix; the same seed gives the same result. Default 0. */
  seed?: number;
  /** Power iterations of the range finder. Default 7, as sklearn's randomized_svd for few components. */
  nIter?: number;
  /** Extra sampled directions beyond nComps. Default 10. */
  nOversamples?: number;
  signal?: AbortSignal;
}

export interface PcaResult {
  /** Row-major [nRows, nComps]: U·S, the cells' coordinates on the components (scanpy's X_pca). */
  scores: Float32Array;
  /** Row-major [nComps, nCols]: the principal axes (unit vectors). */
  components: Float64Array;
  singularValues: Float64Array;
  /** s² / (nRows − 1). */
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  nComps: number;
}

/**
 * Principal components by randomised SVD (Halko, Martinsson & Tropp 2011, as sklearn's
 * `randomized_svd`): a seeded Gaussian sketch, `nIter` QR-normalised power iterations, then the exact
 * SVD of the small projected matrix. Signs are fixed so each component's largest loading is positive,
 * which makes the result independent of the sketch's signs.
 */
export function pca(m: DenseMatrix, options: PcaOptions = {}): PcaResult {
  const { nRows: n, nCols: d, x } = m;
  const { zeroCenter = true, seed = 0, nIter = 7, nOversamples = 10, signal } = options;
  if (x.length !== n * d) throw new InputError(`pca: matrix has ${x.length} values, expected ${n} × ${d}`);
  if (n < 2 || d < 1) throw new InputError(`pca: need at least 2 rows and 1 column (got ${n} × ${d})`);
  const maxComps = Math.min(n - (zeroCenter ? 1 : 0), d);
  const nComps = Math.min(options.nComps ?? 50, maxComps);
  if (!Number.isInteger(nComps) || nComps < 1) throw new InputError(`pca: nComps must be an integer ≥ 1 (got ${options.nComps})`);
  const l = Math.min(nComps + nOversamples, maxComps);

  const mean = new Float64Array(d);
  if (zeroCenter) {
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) mean[f]! += x[i * d + f]!;
    for (let f = 0; f < d; f++) mean[f]! /= n;
  }

  const rng = createRng(seed);
  const omega = new Float64Array(d * l);
  for (let k = 0; k < omega.length; k++) omega[k] = rng.normal();

  let q = orthonormalize(multiply(x, n, d, mean, omega, l), n, l);
  for (let it = 0; it < nIter; it++) {
    signal?.throwIfAborted();
    const z = orthonormalize(multiplyT(x, n, d, mean, q, l), d, l);
    q = orthonormalize(multiply(x, n, d, mean, z, l), n, l);
  }
  // B = Qᵀ X is l × d; its transpose Xᵀ Q is what multiplyT gives.
  const bt = multiplyT(x, n, d, mean, q, l);
  const { s, u: ub, v } = jacobiSvd(bt, d, l);

  // Order by singular value, descending.
  const order = Array.from({ length: l }, (_, j) => j).sort((a, b) => s[b]! - s[a]!);
  const singularValues = new Float64Array(nComps);
  const components = new Float64Array(nComps * d);
  const ubOrdered = new Float64Array(l * nComps);
  for (let c = 0; c < nComps; c++) {
    const j = order[c]!;
    singularValues[c] = s[j]!;
    // Columns of Bᵀ's left factor are the right singular vectors of B (axes in feature space).
    let big = 0;
    for (let f = 0; f < d; f++) if (Math.abs(v[f * l + j]!) > Math.abs(big)) big = v[f * l + j]!;
    const sign = big < 0 ? -1 : 1;
    for (let f = 0; f < d; f++) components[c * d + f] = sign * v[f * l + j]!;
    for (let r = 0; r < l; r++) ubOrdered[r * nComps + c] = sign * ub[r * l + j]!;
  }
  // Scores U·S = Q · Ub · S.
  const scores = new Float32Array(n * nComps);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nComps; c++) {
      let acc = 0;
      for (let r = 0; r < l; r++) acc += q[i * l + r]! * ubOrdered[r * nComps + c]!;
      scores[i * nComps + c] = acc * singularValues[c]!;
    }
  }

  let totalVar = 0;
  for (let f = 0; f < d; f++) {
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const t = x[i * d + f]! - mean[f]!;
      s2 += t * t;
    }
    totalVar += s2 / (n - 1);
  }
  const explainedVariance = singularValues.map((v) => (v * v) / (n - 1));
  const explainedVarianceRatio = explainedVariance.map((v) => v / totalVar);
  return { scores, components, singularValues, explainedVariance, explainedVarianceRatio, nComps };
}

/** (X − 1·meanᵀ) · B for B [d, l] row-major; result [n, l]. */
function multiply(x: Float32Array | Float64Array, n: number, d: number, mean: Float64Array, b: Float64Array, l: number): Float64Array {
  const out = new Float64Array(n * l);
  // meanᵀ · B, subtracted from every row.
  const shift = new Float64Array(l);
  for (let f = 0; f < d; f++) {
    const mf = mean[f]!;
    if (mf === 0) continue;
    for (let r = 0; r < l; r++) shift[r]! += mf * b[f * l + r]!;
  }
  const acc = new Float64Array(l);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    const xo = i * d;
    for (let f = 0; f < d; f++) {
      const v = x[xo + f]!;
      if (v === 0) continue;
      const bo = f * l;
      for (let r = 0; r < l; r++) acc[r]! += v * b[bo + r]!;
    }
    const oo = i * l;
    for (let r = 0; r < l; r++) out[oo + r] = acc[r]! - shift[r]!;
  }
  return out;
}

/** (X − 1·meanᵀ)ᵀ · A for A [n, l] row-major; result [d, l]. */
function multiplyT(x: Float32Array | Float64Array, n: number, d: number, mean: Float64Array, a: Float64Array, l: number): Float64Array {
  const out = new Float64Array(d * l);
  const colSum = new Float64Array(l);
  for (let i = 0; i < n; i++) {
    const xo = i * d;
    const ao = i * l;
    for (let r = 0; r < l; r++) colSum[r]! += a[ao + r]!;
    for (let f = 0; f < d; f++) {
      const v = x[xo + f]!;
      if (v === 0) continue;
      const oo = f * l;
      for (let r = 0; r < l; r++) out[oo + r]! += v * a[ao + r]!;
    }
  }
  for (let f = 0; f < d; f++) {
    const mf = mean[f]!;
    if (mf === 0) continue;
    for (let r = 0; r < l; r++) out[f * l + r]! -= mf * colSum[r]!;
  }
  return out;
}

/**
 * Orthonormal basis of the columns of A [rows, l] (row-major), in place, by twice-iterated modified
 * Gram–Schmidt (as accurate as Householder QR for this use). A column that vanishes is replaced by
 * zeros, which only happens for rank-deficient input.
 */
function orthonormalize(a: Float64Array, rows: number, l: number): Float64Array {
  for (let j = 0; j < l; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += a[i * l + p]! * a[i * l + j]!;
        for (let i = 0; i < rows; i++) a[i * l + j]! -= dot * a[i * l + p]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[i * l + j]! ** 2;
    norm = Math.sqrt(norm);
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) a[i * l + j]! *= inv;
  }
  return a;
}

/**
 * Thin SVD of A [rows, l] (rows ≥ l) by one-sided Jacobi rotations (Hestenes): columns are rotated
 * until mutually orthogonal. Returns A = V·diag(s)·Uᵀ with v [rows, l] (unit columns), u [l, l].
 * Named from B = Aᵀ's point of view: u are B's left and v its right singular vectors.
 */
function jacobiSvd(aIn: Float64Array, rows: number, l: number): { s: Float64Array; u: Float64Array; v: Float64Array } {
  const a = Float64Array.from(aIn);
  const u = new Float64Array(l * l);
  for (let j = 0; j < l; j++) u[j * l + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < rows; i++) {
          const ap = a[i * l + p]!;
          const aq = a[i * l + q]!;
          alpha += ap * ap;
          beta += aq * aq;
          gamma += ap * aq;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < rows; i++) {
          const ap = a[i * l + p]!;
          const aq = a[i * l + q]!;
          a[i * l + p] = c * ap - sn * aq;
          a[i * l + q] = sn * ap + c * aq;
        }
        for (let i = 0; i < l; i++) {
          const up = u[i * l + p]!;
          const uq = u[i * l + q]!;
          u[i * l + p] = c * up - sn * uq;
          u[i * l + q] = sn * up + c * uq;
        }
      }
    }
    if (off < 1e-15) break;
  }
  const s = new Float64Array(l);
  for (let j = 0; j < l; j++) {
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += a[i * l + j]! ** 2;
    norm = Math.sqrt(norm);
    s[j] = norm;
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) a[i * l + j]! *= inv;
  }
  return { s, u, v: a };
}
