import { sfcFill, type Rng } from "../random.ts";

export interface AugmentOptions {
  /** Probability of zeroing each entry; survivors are scaled by 1/(1−p) (reference 0.9). */
  dropout?: number;
  /** σ of the Gaussian noise added to every entry afterwards (reference 0.1). */
  noise?: number;
}

const LEVELS = 1 << 16;
let normalTable: Float32Array | null = null;

/**
 * Standard-normal quantiles at the midpoints of 2^16 equal-probability bins: indexing it with
 * 16 random bits draws a normal value (to within 1/65536 in probability), at the cost of a load
 * instead of a log, a sqrt and a cosine. The augmentation draws ~10^6 values per batch, so
 * this is what keeps it from dominating a training step.
 */
export function normals(): Float32Array {
  if (normalTable) return normalTable;
  const t = new Float32Array(LEVELS);
  for (let i = 0; i < LEVELS; i++) t[i] = inverseNormalCdf((i + 0.5) / LEVELS);
  normalTable = t;
  return t;
}

/** Acklam's rational approximation of the normal quantile (relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

let bits = new Uint32Array(0);

/** The numbers `augmentRows` needs from the options (what a worker thread is given). */
export function augmentParams({ dropout = 0.9, noise = 0.1 }: AugmentOptions = {}): { dropBelow: number; scale: number; noise: number } {
  return { dropBelow: Math.round(dropout * LEVELS), scale: 1 / (1 - dropout), noise };
}

/**
 * One augmented view of a batch of cells: inverted dropout, then Gaussian noise on every entry,
 * as the reference does. One 32-bit draw per entry: the high 16 bits decide the dropout, the
 * low 16 bits pick the noise. Written on the host because the batch is assembled there anyway
 * and seeded draws stay identical across backends.
 *
 * @param x rows of the preprocessed matrix, [cells, genes] row-major
 * @param rows which rows form the batch
 * @param out [rows.length, genes], overwritten
 */
export function augmentInto(
  out: Float32Array,
  x: Float32Array,
  nGenes: number,
  rows: Int32Array,
  rng: Rng,
  options: AugmentOptions = {},
): Float32Array {
  const { dropBelow, scale, noise } = augmentParams(options);
  if (bits.length < nGenes) bits = new Uint32Array(nGenes);
  augmentRows(out, x, nGenes, rows, rows.length, rng.state, sfcFill, normals(), dropBelow, scale, noise, bits.subarray(0, nGenes));
  return out;
}

/**
 * The loop of `augmentInto` on a raw sfc32 state. Self-contained (it calls only `augmentRow`, from
 * this module, and the generator it is given, `sfcFill`), so the augmentation thread runs this
 * same source (`nn/augmentThread.ts`); an imported name would not survive the trip.
 */
export function augmentRows(
  out: Float32Array,
  x: Float32Array,
  nGenes: number,
  rows: ArrayLike<number>,
  nRows: number,
  state: Int32Array,
  fill: (state: Int32Array, out: Uint32Array) => void,
  table: Float32Array,
  dropBelow: number,
  scale: number,
  noise: number,
  bits: Uint32Array,
): void {
  for (let r = 0; r < nRows; r++) {
    fill(state, bits);
    augmentRow(out, r * nGenes, x, rows[r]! * nGenes, nGenes, bits, table, dropBelow, scale, noise);
  }
}

/** The hot loop, kept in a small monomorphic function so V8 compiles it to straight typed-array code. */
export function augmentRow(
  out: Float32Array,
  o: number,
  x: Float32Array,
  base: number,
  n: number,
  bits: Uint32Array,
  table: Float32Array,
  dropBelow: number,
  scale: number,
  noise: number,
): void {
  for (let g = 0; g < n; g++) {
    const u = bits[g]!;
    out[o + g] = (u >>> 16 >= dropBelow ? x[base + g]! * scale : 0) + noise * table[u & 0xffff]!;
  }
}
