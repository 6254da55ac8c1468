import { columnMeanVar } from "./columnMeanVar.ts";
import type { CsrMatrix } from "./csr.ts";

export interface ScaleOptions {
  /** Subtract each gene's mean before dividing by its std. */
  zeroCenter?: boolean;
  /** Clip scaled values above this (and below −maxValue when zero-centring), as scanpy does. */
  maxValue?: number;
}

export interface ScaleResult {
  /** Dense row-major cells × genes. */
  x: Float32Array;
  nRows: number;
  nCols: number;
  /** Per-gene mean and std (ddof = 1, 0 replaced by 1) used for the scaling. */
  mean: Float64Array;
  std: Float64Array;
}

/**
 * A scaled matrix that stays sparse: the unscaled CSR values and the per-gene statistics that scale
 * them. Centring fills in every zero, so the dense form of a million cells × 2,000 genes is 8 GB of
 * float32; this form is the size of the CSR, and `denseRows` writes any rows of the dense form on
 * demand (a mini-batch at a time), with the same float32 numbers `scale` returns.
 */
export interface ScaledCsr {
  readonly csr: CsrMatrix;
  readonly nRows: number;
  readonly nCols: number;
  readonly mean: Float64Array;
  readonly std: Float64Array;
  readonly zeroCenter: boolean;
  readonly maxValue: number | undefined;
  /** What an unstored zero becomes in each column. */
  readonly zeroRow: Float32Array;
}

/** A matrix the network can read rows of: dense row-major float32, or a sparse scaled one. */
export type RowMatrix = Float32Array | ScaledCsr;

/** scanpy's `sc.pp.scale` statistics without densifying (see `ScaledCsr`). */
export function scaleSparse(m: CsrMatrix, { zeroCenter = true, maxValue }: ScaleOptions = {}): ScaledCsr {
  const { mean, variance } = columnMeanVar(m);
  const nCols = m.nCols;
  const std = new Float64Array(nCols);
  for (let c = 0; c < nCols; c++) {
    const s = Math.sqrt(variance[c]!);
    std[c] = s === 0 ? 1 : s;
  }
  const zeroRow = new Float32Array(nCols);
  if (zeroCenter) for (let c = 0; c < nCols; c++) zeroRow[c] = clip(-mean[c]! / std[c]!, maxValue, zeroCenter);
  return { csr: m, nRows: m.nRows, nCols, mean, std, zeroCenter, maxValue, zeroRow };
}

/**
 * Write rows `rows` (in that order) of the scaled matrix densely into `out` ([rows.length, nCols]
 * row-major): (x − mean) / std, clipped as `scale` would, in float64 and rounded once to float32.
 */
export function denseRows(s: ScaledCsr, rows: ArrayLike<number>, out: Float32Array): Float32Array {
  const { csr, nCols, mean, std, zeroCenter, maxValue, zeroRow } = s;
  if (out.length < rows.length * nCols) throw new Error(`denseRows: output holds ${out.length} values, ${rows.length} rows need ${rows.length * nCols}`);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const base = i * nCols;
    out.set(zeroRow, base);
    for (let k = csr.indptr[r]!; k < csr.indptr[r + 1]!; k++) {
      const c = csr.indices[k]!;
      const v = zeroCenter ? (csr.data[k]! - mean[c]!) / std[c]! : csr.data[k]! / std[c]!;
      out[base + c] = clip(v, maxValue, zeroCenter);
    }
  }
  return out;
}

/** Rows `start ≤ r < end` of either kind of matrix as dense float32 (a view of `x` when it is dense). */
export function rowRange(x: RowMatrix, nCols: number, start: number, end: number, scratch?: Float32Array): Float32Array {
  if (x instanceof Float32Array) return x.subarray(start * nCols, end * nCols);
  const out = scratch && scratch.length >= (end - start) * nCols ? scratch.subarray(0, (end - start) * nCols) : new Float32Array((end - start) * nCols);
  const rows = new Int32Array(end - start);
  for (let i = 0; i < rows.length; i++) rows[i] = start + i;
  return denseRows(x, rows, out);
}

/** scanpy's `sc.pp.scale`; the result is dense because centring fills in every zero. */
export function scale(m: CsrMatrix, options: ScaleOptions = {}): ScaleResult {
  const s = scaleSparse(m, options);
  const x = rowRange(s, s.nCols, 0, m.nRows);
  return { x, nRows: m.nRows, nCols: s.nCols, mean: s.mean, std: s.std };
}

function clip(v: number, maxValue: number | undefined, symmetric: boolean): number {
  if (maxValue === undefined) return v;
  if (v > maxValue) return maxValue;
  if (symmetric && v < -maxValue) return -maxValue;
  return v;
}
