export interface LoessOptions {
  /** Fraction of the points in each local neighbourhood. */
  span?: number;
  /** Degree of the local polynomial (1 or 2). */
  degree?: 1 | 2;
  /**
   * 'interpolate' (the default of R's loess and of skmisc, which scanpy uses): fit at the vertices of a
   * k-d tree and blend between them with cubic Hermite interpolation. 'direct': fit at every point.
   */
  surface?: "interpolate" | "direct";
  /** Tree cells hold at most floor(n · span · cell) points (interpolate only). */
  cell?: number;
}

/**
 * Fitted values of a one-predictor loess (gaussian family, no robustness iterations), following
 * Cleveland, Grosse and Shyu's dloess code that skmisc wraps (lowesb/lowese, ehg124/ehg127/ehg128):
 * the same neighbourhood size floor(n·span + 1e-5), tricube weights on the distance to the q-th
 * nearest point, the same k-d tree splits and vertex placement, the same pseudo-inverse local fits
 * and the same Hermite blending. Only rounding differs (our Householder QR and Jacobi SVD are not
 * LINPACK's dqrdc/dsvdc).
 */
export function loess(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  { span = 0.75, degree = 2, surface = "interpolate", cell = 0.2 }: LoessOptions = {},
): Float64Array {
  const n = x.length;
  if (y.length !== n) throw new Error(`loess: ${n} x values but ${y.length} y values`);
  const out = new Float64Array(n);
  if (n === 0) return out;
  const nf = Math.min(n, Math.floor(n * span + 1e-5));
  if (nf <= degree) throw new Error(`loess: span ${span} leaves ${nf} points per neighbourhood, too few for degree ${degree}`);

  // Sorting once turns every nearest-neighbour search into a window scan.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || a - b);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = x[order[i]!]!;
    ys[i] = y[order[i]!]!;
  }
  const fit = new LocalFit(xs, ys, nf, degree);

  if (surface === "direct") {
    for (let i = 0; i < n; i++) out[order[i]!] = fit.at(xs[i]!).value;
    return out;
  }

  const tree = buildTree(xs, Math.floor(n * (span * cell)));
  const value = new Float64Array(tree.vertices.length);
  const slope = new Float64Array(tree.vertices.length);
  tree.vertices.forEach((v, i) => {
    const f = fit.at(v);
    value[i] = f.value;
    slope[i] = f.slope;
  });
  for (let i = 0; i < n; i++) out[order[i]!] = tree.evaluate(xs[i]!, value, slope);
  return out;
}

interface Tree {
  vertices: number[];
  evaluate(z: number, value: Float64Array, slope: Float64Array): number;
}

/**
 * dloess's k-d tree (ehg126 + ehg124) in one dimension: a bounding interval widened by 0.5% of the
 * range, cells split at the median point until they hold at most fc points, ties kept on one side.
 */
function buildTree(xs: Float64Array, fc: number): Tree {
  const n = xs.length;
  const lo = xs[0]!;
  const hi = xs[n - 1]!;
  const mu = 0.005 * Math.max(hi - lo, 1e-10 * Math.max(Math.abs(lo), Math.abs(hi)) + 1e-30);
  const vertices = [lo - mu, hi + mu];
  // Cell arrays, breadth-first as in ehg124; l/u are 1-based positions in the sorted data.
  const cellL = [1];
  const cellU = [n];
  const cellLower = [0];
  const cellUpper = [1];
  const split: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const capacity = Math.max(200, n);
  const at = (pos: number): number => xs[pos - 1]!;
  for (let p = 0; p < cellL.length; p++) {
    const l = cellL[p]!;
    const u = cellU[p]!;
    let leaf = u - l + 1 <= fc || vertices[cellUpper[p]!]! - vertices[cellLower[p]!]! <= 0;
    // dloess stops splitting when its fixed-size cell and vertex tables would overflow.
    if (!leaf) leaf = capacity < cellL.length + 2 || capacity < vertices.length + 1;
    let m = Math.floor((l + u) / 2);
    if (!leaf) {
      // Move the split off a run of equal values: try m, m+1, m−1, m+2, … (the 2006 btyner fix).
      let offset = 0;
      while (m + offset < u && m + offset >= l) {
        if (at(m + offset) === at(m + offset + 1)) {
          offset = -offset;
          if (offset >= 0) offset++;
        } else {
          m += offset;
          break;
        }
      }
      const t = at(m);
      leaf = vertices[cellLower[p]!] === t || vertices[cellUpper[p]!] === t;
    }
    if (leaf) {
      split.push(NaN);
      left.push(-1);
      right.push(-1);
      continue;
    }
    const t = at(m);
    const vi = vertices.length;
    vertices.push(t);
    split.push(t);
    left.push(cellL.length);
    cellL.push(l);
    cellU.push(m);
    cellLower.push(cellLower[p]!);
    cellUpper.push(vi);
    right.push(cellL.length);
    cellL.push(m + 1);
    cellU.push(u);
    cellLower.push(vi);
    cellUpper.push(cellUpper[p]!);
  }
  return {
    vertices,
    evaluate(z, value, slope) {
      let p = 0;
      while (left[p]! >= 0) p = z <= split[p]! ? left[p]! : right[p]!;
      const a = cellLower[p]!;
      const b = cellUpper[p]!;
      const v0 = vertices[a]!;
      const width = vertices[b]! - v0;
      const h = (z - v0) / width;
      // Cubic Hermite basis, as ehg128.
      const phi0 = (1 - h) * (1 - h) * (1 + 2 * h);
      const phi1 = h * h * (3 - 2 * h);
      const psi0 = h * (1 - h) * (1 - h);
      const psi1 = h * h * (h - 1);
      return phi0 * value[a]! + phi1 * value[b]! + (psi0 * slope[a]! + psi1 * slope[b]!) * width;
    },
  };
}

/**
 * Weighted local polynomial at a point (dloess's ehg127): value and first derivative there. Like
 * dloess it equilibrates the design columns, takes a Householder QR and the SVD of R, and drops
 * singular values below 100·ε·σ₁. That pseudo-inverse matters: with tied x values (genes sharing a
 * mean, common in sparse counts) a neighbourhood can hold fewer distinct x values than coefficients.
 */
class LocalFit {
  private readonly k: number;
  /** Column-major nf × k weighted design, reused between calls. */
  private readonly b: Float64Array;
  private readonly eta: Float64Array;

  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    private readonly nf: number,
    degree: 1 | 2,
  ) {
    this.k = degree + 1;
    this.b = new Float64Array(nf * this.k);
    this.eta = new Float64Array(nf);
  }

  at(q: number): { value: number; slope: number } {
    const { xs, ys, nf, k, b, eta } = this;
    const n = xs.length;
    // The nf nearest points form a window [start, start + nf) of the sorted data.
    let start = lowerBound(xs, q) - nf;
    if (start < 0) start = 0;
    if (start > n - nf) start = n - nf;
    while (start + nf < n && Math.abs(xs[start + nf]! - q) < Math.abs(xs[start]! - q)) start++;
    while (start > 0 && Math.abs(xs[start - 1]! - q) < Math.abs(xs[start + nf - 1]! - q)) start--;
    // Squared distances as dloess compares them: points at the nf-th distance or beyond get weight 0.
    const rho = Math.max((xs[start]! - q) ** 2, (xs[start + nf - 1]! - q) ** 2);
    if (!(rho > 0)) throw new Error(`loess: zero-width neighbourhood at ${q}; make span bigger`);
    let m = 0;
    for (let i = start; i < start + nf; i++) {
      const dx = xs[i]! - q;
      const dist = dx * dx;
      if (!(dist < rho)) continue;
      const r = Math.sqrt(dist / rho);
      const w = Math.sqrt((1 - r * r * r) ** 3);
      if (w === 0) continue;
      b[m] = w;
      b[nf + m] = w * dx;
      if (k === 3) b[2 * nf + m] = w * dx * dx;
      eta[m] = w * ys[i]!;
      m++;
    }
    if (m === 0) throw new Error(`loess: all points on the boundary of the neighbourhood at ${q}; make span bigger`);

    const colNorm = new Float64Array(k);
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += b[j * nf + i]! ** 2;
      const norm = Math.sqrt(s);
      colNorm[j] = norm > 0 ? norm : 1;
      if (norm > 0) for (let i = 0; i < m; i++) b[j * nf + i]! /= norm;
    }

    // Householder QR of the m × k design, applied to eta as well (Q^T eta).
    const rDiag = Math.min(m, k);
    for (let j = 0; j < rDiag; j++) {
      const col = j * nf;
      let s = 0;
      for (let i = j; i < m; i++) s += b[col + i]! ** 2;
      const norm = Math.sqrt(s);
      if (norm === 0) continue;
      const alpha = b[col + j]! >= 0 ? -norm : norm;
      b[col + j]! -= alpha; // b[col + j..m) is now the Householder vector v
      let vv = 0;
      for (let i = j; i < m; i++) vv += b[col + i]! ** 2;
      for (let c = j + 1; c < k; c++) {
        const other = c * nf;
        let dot = 0;
        for (let i = j; i < m; i++) dot += b[col + i]! * b[other + i]!;
        const f = (2 * dot) / vv;
        for (let i = j; i < m; i++) b[other + i]! -= f * b[col + i]!;
      }
      let dot = 0;
      for (let i = j; i < m; i++) dot += b[col + i]! * eta[i]!;
      const f = (2 * dot) / vv;
      for (let i = j; i < m; i++) eta[i]! -= f * b[col + i]!;
      b[col + j] = alpha;
    }
    // R (k × k, upper triangular; rows past m are zero) as columns, for a one-sided Jacobi SVD.
    const a: Float64Array[] = [];
    for (let c = 0; c < k; c++) {
      const colR = new Float64Array(k);
      for (let i = 0; i <= Math.min(c, rDiag - 1); i++) colR[i] = b[c * nf + i]!;
      a.push(colR);
    }
    const qty = eta.subarray(0, k).map((v, i) => (i < rDiag ? v : 0));
    const coef = pseudoSolve(a, qty);
    const value = coef[0]! / colNorm[0]!;
    const slope = coef[1]! / colNorm[1]!;
    return { value, slope };
  }
}

/**
 * Minimum-norm solution of R z = qty through a one-sided Jacobi SVD of the small square R (columns
 * given), dropping singular values at or below 100·ε·σ₁ as dloess does.
 */
function pseudoSolve(a: Float64Array[], qty: Float64Array): Float64Array {
  const k = a.length;
  const v = Array.from({ length: k }, (_, j) => Float64Array.from({ length: k }, (_, i) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const ap = a[p]!;
        const aq = a[q]!;
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < k; i++) {
          alpha += ap[i]! * ap[i]!;
          beta += aq[i]! * aq[i]!;
          gamma += ap[i]! * aq[i]!;
        }
        if (gamma === 0 || Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(ap, aq, c, s);
        rotate(v[p]!, v[q]!, c, s);
      }
    }
    if (!rotated) break;
  }
  const sigma = a.map((col) => Math.hypot(...col));
  const tol = Math.max(...sigma) * 100 * Number.EPSILON;
  const z = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    if (!(sigma[j]! > tol)) continue;
    let dot = 0;
    for (let i = 0; i < k; i++) dot += a[j]![i]! * qty[i]!;
    const f = dot / (sigma[j]! * sigma[j]!);
    for (let i = 0; i < k; i++) z[i]! += f * v[j]![i]!;
  }
  return z;
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}

function lowerBound(xs: Float64Array, q: number): number {
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (xs[mid]! < q) a = mid + 1;
    else b = mid;
  }
  return a;
}
