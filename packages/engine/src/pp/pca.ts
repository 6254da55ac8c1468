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
  // Tall matrices are kept column by column (column r of an [rows, l] matrix at r·rows), so every
  // product below is a set of contiguous dot products. Xᵀ is stored once for the products with Xᵀ.
  const xt = x instanceof Float64Array ? new Float64Array(n * d) : new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) xt[f * n + i] = x[i * d + f]!;
  const omega = new Float64Array(d * l);
  for (let k = 0; k < omega.length; k++) omega[k] = rng.normal();

  // (X − 1·meanᵀ)·B for B given as l columns of length d, and (X − 1·meanᵀ)ᵀ·A for A as l columns of length n.
  const times = (b: Float64Array) => centre(dotProducts(x, n, d, b, l), n, l, columnDots(mean, b, d, l));
  const timesT = (a: Float64Array) => centreT(dotProducts(xt, d, n, a, l), d, l, mean, columnSums(a, n, l));

  let q = orthonormalize(times(omega), n, l);
  for (let it = 0; it < nIter; it++) {
    signal?.throwIfAborted();
    const z = orthonormalize(timesT(q), d, l);
    q = orthonormalize(times(z), n, l);
  }
  // B = Qᵀ X is l × d; its transpose Xᵀ Q (d × l) is what timesT gives.
  const { s, u: ub, v } = jacobiSvd(timesT(q), d, l);

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
    for (let f = 0; f < d; f++) if (Math.abs(v[j * d + f]!) > Math.abs(big)) big = v[j * d + f]!;
    const sign = big < 0 ? -1 : 1;
    for (let f = 0; f < d; f++) components[c * d + f] = sign * v[j * d + f]!;
    for (let r = 0; r < l; r++) ubOrdered[r * nComps + c] = sign * ub[r * l + j]!;
  }
  // Scores U·S = Q · Ub · S.
  const scores = new Float32Array(n * nComps);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nComps; c++) {
      let acc = 0;
      for (let r = 0; r < l; r++) acc += q[r * n + i]! * ubOrdered[r * nComps + c]!;
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

/**
 * out[c·rows + i] = Σ_t a[i·inner + t] · b[c·inner + t] for the `rows` rows of `a` and the `cols` rows of
 * `b`: dot products of contiguous rows, two rows of `a` against four of `b` per pass, so eight sums stay
 * in registers (this is what makes plain JS reach ~1 GFLOP/s here).
 */
function dotProducts(a: Float32Array | Float64Array, rows: number, inner: number, b: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  let i = 0;
  for (; i + 1 < rows; i += 2) {
    const a0 = i * inner;
    const a1 = a0 + inner;
    let c = 0;
    for (; c + 3 < cols; c += 4) {
      const b0 = c * inner;
      const b1 = b0 + inner;
      const b2 = b1 + inner;
      const b3 = b2 + inner;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      for (let t = 0; t < inner; t++) {
        const x0 = a[a0 + t]!;
        const x1 = a[a1 + t]!;
        const y0 = b[b0 + t]!;
        const y1 = b[b1 + t]!;
        const y2 = b[b2 + t]!;
        const y3 = b[b3 + t]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      out[c * rows + i] = s00;
      out[(c + 1) * rows + i] = s01;
      out[(c + 2) * rows + i] = s02;
      out[(c + 3) * rows + i] = s03;
      out[c * rows + i + 1] = s10;
      out[(c + 1) * rows + i + 1] = s11;
      out[(c + 2) * rows + i + 1] = s12;
      out[(c + 3) * rows + i + 1] = s13;
    }
    for (; c < cols; c++) {
      out[c * rows + i] = dot(a, a0, b, c * inner, inner);
      out[c * rows + i + 1] = dot(a, a1, b, c * inner, inner);
    }
  }
  for (; i < rows; i++) for (let c = 0; c < cols; c++) out[c * rows + i] = dot(a, i * inner, b, c * inner, inner);
  return out;
}

function dot(a: Float32Array | Float64Array, ao: number, b: Float64Array, bo: number, len: number): number {
  let s = 0;
  for (let t = 0; t < len; t++) s += a[ao + t]! * b[bo + t]!;
  return s;
}

/** meanᵀ·b_c for each of the l columns b_c (length d) of b. */
function columnDots(mean: Float64Array, b: Float64Array, d: number, l: number): Float64Array {
  return Float64Array.from({ length: l }, (_, c) => dot(mean, 0, b, c * d, d));
}

function columnSums(a: Float64Array, n: number, l: number): Float64Array {
  const out = new Float64Array(l);
  for (let c = 0; c < l; c++) for (let i = 0; i < n; i++) out[c]! += a[c * n + i]!;
  return out;
}

/** X·B − 1·(meanᵀB): subtract shift[c] from column c. */
function centre(out: Float64Array, rows: number, l: number, shift: Float64Array): Float64Array {
  for (let c = 0; c < l; c++) {
    const sc = shift[c]!;
    if (sc !== 0) for (let i = 0; i < rows; i++) out[c * rows + i]! -= sc;
  }
  return out;
}

/** Xᵀ·A − mean·(1ᵀA). */
function centreT(out: Float64Array, d: number, l: number, mean: Float64Array, sums: Float64Array): Float64Array {
  for (let c = 0; c < l; c++) for (let f = 0; f < d; f++) out[c * d + f]! -= mean[f]! * sums[c]!;
  return out;
}

/**
 * Orthonormal basis of the l columns (each of length `rows`, stored one after another) of `a`, in place,
 * by twice-iterated modified Gram–Schmidt (as accurate as Householder QR for this use). A column that
 * vanishes becomes zeros, which only happens for rank-deficient input.
 */
function orthonormalize(a: Float64Array, rows: number, l: number): Float64Array {
  for (let j = 0; j < l; j++) {
    const jo = j * rows;
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const po = p * rows;
        const proj = dot(a, po, a, jo, rows);
        for (let i = 0; i < rows; i++) a[jo + i]! -= proj * a[po + i]!;
      }
    }
    const norm = Math.sqrt(dot(a, jo, a, jo, rows));
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) a[jo + i]! *= inv;
  }
  return a;
}

/**
 * Thin SVD of A [rows, l] (rows ≥ l; column c stored at c·rows) by one-sided Jacobi rotations (Hestenes):
 * columns are rotated until mutually orthogonal. Returns A = V·diag(s)·Uᵀ with v in the same column
 * layout (unit columns) and u [l, l] row-major. Named from B = Aᵀ's point of view: u are B's left and v
 * its right singular vectors.
 */
function jacobiSvd(aIn: Float64Array, rows: number, l: number): { s: Float64Array; u: Float64Array; v: Float64Array } {
  const a = Float64Array.from(aIn);
  const u = new Float64Array(l * l);
  for (let j = 0; j < l; j++) u[j * l + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < l - 1; p++) {
      const po = p * rows;
      for (let q = p + 1; q < l; q++) {
        const qo = q * rows;
        const alpha = dot(a, po, a, po, rows);
        const beta = dot(a, qo, a, qo, rows);
        const gamma = dot(a, po, a, qo, rows);
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        off = Math.max(off, Math.abs(gamma) / Math.sqrt(alpha * beta));
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const sn = c * t;
        for (let i = 0; i < rows; i++) {
          const ap = a[po + i]!;
          const aq = a[qo + i]!;
          a[po + i] = c * ap - sn * aq;
          a[qo + i] = sn * ap + c * aq;
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
    const jo = j * rows;
    const norm = Math.sqrt(dot(a, jo, a, jo, rows));
    s[j] = norm;
    const inv = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) a[jo + i]! *= inv;
  }
  return { s, u, v: a };
}
