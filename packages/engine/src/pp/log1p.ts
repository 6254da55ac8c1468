import type { CsrMatrix } from "./csr.ts";

/**
 * Natural log(1 + x) of every stored value; log1p(0) = 0 keeps the sparsity pattern, so the result
 * shares `indptr`/`indices` with the input.
 */
export function log1p(m: CsrMatrix): CsrMatrix {
  const data = new Float32Array(m.data.length);
  for (let k = 0; k < data.length; k++) data[k] = Math.log1p(m.data[k]!);
  return { nRows: m.nRows, nCols: m.nCols, indptr: m.indptr, indices: m.indices, data };
}
