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

/** scanpy's `sc.pp.scale`; the result is dense because centring fills in every zero. */
export function scale(m: CsrMatrix, { zeroCenter = true, maxValue }: ScaleOptions = {}): ScaleResult {
  const { mean, variance } = columnMeanVar(m);
  const nCols = m.nCols;
  const std = new Float64Array(nCols);
  for (let c = 0; c < nCols; c++) {
    const s = Math.sqrt(variance[c]!);
    std[c] = s === 0 ? 1 : s;
  }
  const x = new Float32Array(m.nRows * nCols);
  // Row template: what an unstored zero becomes in each column.
  const zeroRow = new Float32Array(nCols);
  if (zeroCenter) for (let c = 0; c < nCols; c++) zeroRow[c] = clip(-mean[c]! / std[c]!, maxValue, zeroCenter);
  for (let r = 0; r < m.nRows; r++) {
    const base = r * nCols;
    x.set(zeroRow, base);
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const c = m.indices[k]!;
      const v = zeroCenter ? (m.data[k]! - mean[c]!) / std[c]! : m.data[k]! / std[c]!;
      x[base + c] = clip(v, maxValue, zeroCenter);
    }
  }
  return { x, nRows: m.nRows, nCols, mean, std };
}

function clip(v: number, maxValue: number | undefined, symmetric: boolean): number {
  if (maxValue === undefined) return v;
  if (v > maxValue) return maxValue;
  if (symmetric && v < -maxValue) return -maxValue;
  return v;
}
