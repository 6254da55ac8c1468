/**
 * Tail probabilities for the marker-gene tests, accurate to ~1e-13 relative even far in the tails
 * (p-values of 1e-200 are common for marker genes, so 1 − cdf would lose everything).
 */

const SQRT_PI = Math.sqrt(Math.PI);

/** Complementary error function for x ≥ 0 (and by symmetry below). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x >= 2.5) return Math.exp(-x * x) / (SQRT_PI * erfcFraction(x));
  // erf(x) = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)): all terms positive, no cancellation.
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return 1 - (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** ln erfc(x), finite where erfc itself underflows (x > 26.5): marker p-values below 1e-308 keep their size. */
export function logErfc(x: number): number {
  if (x < 2.5) return Math.log(erfc(x));
  return -x * x - Math.log(SQRT_PI * erfcFraction(x));
}

/** The continued fraction erfc(x) = e^{−x²}/√π · 1/F(x), F(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))), for x ≥ 2.5 (modified Lentz). */
function erfcFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 5000; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** log10 of normalTwoSided(z), exact where p underflows to 0. */
export function normalTwoSidedLog10(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return Math.min(0, logErfc(Math.abs(z) / Math.SQRT2) / Math.LN10);
}

/** Two-sided p-value of a standard normal statistic, 2·P(Z > |z|). */
export function normalTwoSided(z: number): number {
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** log Γ(x) for x > 0 (Lanczos, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  d = Math.abs(d) < tiny ? tiny : d;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = 1 + aa / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom, 2·P(T > |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function studentTTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** Benjamini–Hochberg adjusted p-values (statsmodels' fdr_bh, which scanpy uses); NaN stays NaN. */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < p.length; i++) if (!Number.isNaN(p[i]!)) idx.push(i);
  idx.sort((a, b) => p[a]! - p[b]! || a - b);
  const out = new Float64Array(p.length).fill(NaN);
  const m = idx.length;
  let running = Infinity;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r]!;
    running = Math.min(running, (p[i]! * m) / (r + 1));
    out[i] = Math.min(1, running);
  }
  return out;
}

/** benjaminiHochberg on log10 p-values (so adjusted values below 1e-308 keep their size); NaN stays NaN. */
export function benjaminiHochbergLog10(log10p: ArrayLike<number>): Float64Array {
  const idx: number[] = [];
  for (let i = 0; i < log10p.length; i++) if (!Number.isNaN(log10p[i]!)) idx.push(i);
  idx.sort((a, b) => log10p[a]! - log10p[b]! || a - b);
  const out = new Float64Array(log10p.length).fill(NaN);
  const m = idx.length;
  let running = Infinity;
  for (let r = m - 1; r >= 0; r--) {
    const i = idx[r]!;
    running = Math.min(running, log10p[i]! + Math.log10(m / (r + 1)));
    out[i] = Math.min(0, running);
  }
  return out;
}
