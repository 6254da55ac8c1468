/**
 * Compressed sparse row matrix, cells × genes. Single-cell count matrices are ~2–10% non-zero,
 * so every step before the dense network input (filtering, normalisation, log1p, gene
 * selection) works on this form.
 */
export interface CsrMatrix {
  readonly nRows: number;
  readonly nCols: number;
  /** Row i's entries are indices/data[indptr[i] .. indptr[i+1]). Float64 so >2^31 non-zeros fit. */
  readonly indptr: Float64Array;
  /** Column of each stored entry, ascending within a row. */
  readonly indices: Int32Array;
  readonly data: Float32Array;
}

export function csrFromDense(values: ArrayLike<number>, nRows: number, nCols: number): CsrMatrix {
  if (values.length !== nRows * nCols) {
    throw new Error(`csrFromDense: ${values.length} values for a ${nRows}×${nCols} matrix`);
  }
  let nnz = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) nnz++;
  const indptr = new Float64Array(nRows + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  copyNonZeros(values, nRows, nCols, { indptr, indices, data });
  return { nRows, nCols, indptr, indices, data };
}

/**
 * Copies the non-zeros of a dense row-major block into CSR arrays sized for them. The block's rows
 * start at row `rowOffset` and entry `nnzOffset` of `indptr`, so a matrix can be filled block by block.
 */
export function copyNonZeros(
  values: ArrayLike<number>,
  nRows: number,
  nCols: number,
  out: { indptr: Float64Array; indices: Int32Array; data: Float32Array },
  { rowOffset = 0, nnzOffset = 0 } = {},
): void {
  let k = 0;
  for (let r = 0; r < nRows; r++) {
    const base = r * nCols;
    for (let c = 0; c < nCols; c++) {
      const v = values[base + c]!;
      if (v !== 0) {
        out.indices[k] = c;
        out.data[k] = v;
        k++;
      }
    }
    out.indptr[rowOffset + r + 1] = nnzOffset + k;
  }
}

/** Row-major dense copy. */
export function csrToDense(m: CsrMatrix): Float32Array {
  const out = new Float32Array(m.nRows * m.nCols);
  for (let r = 0; r < m.nRows; r++) {
    const base = r * m.nCols;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) out[base + m.indices[k]!] = m.data[k]!;
  }
  return out;
}

export function rowSums(m: CsrMatrix): Float64Array {
  const out = new Float64Array(m.nRows);
  for (let r = 0; r < m.nRows; r++) {
    let s = 0;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) s += m.data[k]!;
    out[r] = s;
  }
  return out;
}

/** Keep the given rows (in order) and columns (in order). */
export function csrSubset(m: CsrMatrix, rows: ArrayLike<number> | null, cols: ArrayLike<number> | null): CsrMatrix {
  const rowList = rows ?? Array.from({ length: m.nRows }, (_, i) => i);
  let colMap: Int32Array | null = null;
  if (cols) {
    colMap = new Int32Array(m.nCols).fill(-1);
    for (let j = 0; j < cols.length; j++) colMap[cols[j]!] = j;
  }
  let nnz = 0;
  for (let i = 0; i < rowList.length; i++) {
    const r = rowList[i]!;
    if (!colMap) nnz += m.indptr[r + 1]! - m.indptr[r]!;
    else for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) if (colMap[m.indices[k]!]! >= 0) nnz++;
  }
  const indptr = new Float64Array(rowList.length + 1);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  let p = 0;
  for (let i = 0; i < rowList.length; i++) {
    const r = rowList[i]!;
    const start = p;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const c = colMap ? colMap[m.indices[k]!]! : m.indices[k]!;
      if (c >= 0) {
        indices[p] = c;
        data[p] = m.data[k]!;
        p++;
      }
    }
    // Column order is kept only if `cols` is ascending; sort the row if it is not.
    if (colMap && cols) sortRow(indices, data, start, p);
    indptr[i + 1] = p;
  }
  return { nRows: rowList.length, nCols: cols ? cols.length : m.nCols, indptr, indices, data };
}

function sortRow(indices: Int32Array, data: Float32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    if (indices[i - 1]! <= indices[i]!) continue;
    const pairs = [];
    for (let k = start; k < end; k++) pairs.push([indices[k]!, data[k]!] as const);
    pairs.sort((a, b) => a[0] - b[0]);
    pairs.forEach(([c, v], j) => {
      indices[start + j] = c;
      data[start + j] = v;
    });
    return;
  }
}
