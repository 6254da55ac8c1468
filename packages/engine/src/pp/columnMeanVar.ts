import type { CsrMatrix } from "./csr.ts";

export interface ColumnMeanVarOptions {
  /** Take the statistics of expm1(value) instead of the value (scanpy's seurat flavour undoes log1p first). */
  expm1?: boolean;
}

export interface ColumnMeanVar {
  mean: Float64Array;
  /** Unbiased (ddof = 1); NaN when there is only one row. */
  variance: Float64Array;
}

/**
 * Per-column mean and variance in one pass over the stored values, as scanpy's `_get_mean_var`:
 * var = (E[x²] − E[x]²) · n/(n−1), accumulated in float64. Unstored entries are zeros and add nothing
 * to either sum, so the cost is O(nnz).
 */
export function columnMeanVar(m: CsrMatrix, { expm1 = false }: ColumnMeanVarOptions = {}): ColumnMeanVar {
  const sum = new Float64Array(m.nCols);
  const sumSq = new Float64Array(m.nCols);
  const { indices, data } = m;
  const nnz = data.length;
  if (expm1) {
    for (let k = 0; k < nnz; k++) {
      const v = Math.expm1(data[k]!);
      const c = indices[k]!;
      sum[c]! += v;
      sumSq[c]! += v * v;
    }
  } else {
    for (let k = 0; k < nnz; k++) {
      const v = data[k]!;
      const c = indices[k]!;
      sum[c]! += v;
      sumSq[c]! += v * v;
    }
  }
  const n = m.nRows;
  const correction = n / (n - 1);
  const mean = new Float64Array(m.nCols);
  const variance = new Float64Array(m.nCols);
  for (let c = 0; c < m.nCols; c++) {
    const mu = sum[c]! / n;
    mean[c] = mu;
    variance[c] = (sumSq[c]! / n - mu * mu) * correction;
  }
  return { mean, variance };
}
