import { rowSums, type CsrMatrix } from "./csr.ts";

export interface NormalizeTotalOptions {
  /** Every row is scaled to sum to this. Default: the median of the non-zero row totals. */
  targetSum?: number;
}

export interface NormalizeTotalResult {
  matrix: CsrMatrix;
  /** Row total / target; 0 for rows with no counts (they are left at zero). */
  sizeFactors: Float64Array;
}

/**
 * scanpy's `normalize_total` (and `normalize_per_cell` with its default target). Values are divided by
 * total/target, the same operation order as scanpy, so float32 results round the same way. The
 * result shares `indptr`/`indices` with the input (a copy would double the memory of a large
 * matrix; nothing in pp writes to them).
 */
export function normalizeTotal(m: CsrMatrix, { targetSum }: NormalizeTotalOptions = {}): NormalizeTotalResult {
  const totals = rowSums(m);
  const target = targetSum ?? medianOfPositive(totals);
  const sizeFactors = new Float64Array(m.nRows);
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.nRows; r++) {
    const total = totals[r]!;
    const factor = total / target;
    sizeFactors[r] = factor;
    // scanpy divides empty rows by 1 instead of 0, which leaves their (zero) values as they are.
    const divisor = total === 0 ? 1 : factor;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) data[k] = m.data[k]! / divisor;
  }
  return {
    matrix: { nRows: m.nRows, nCols: m.nCols, indptr: m.indptr, indices: m.indices, data },
    sizeFactors,
  };
}

/** numpy's median (mean of the two middle values for an even count) over the positive entries. */
function medianOfPositive(values: Float64Array): number {
  const positive = values.filter((v) => v > 0).sort();
  const n = positive.length;
  if (n === 0) return 0;
  const mid = n >> 1;
  return n % 2 === 1 ? positive[mid]! : (positive[mid - 1]! + positive[mid]!) / 2;
}
