import { csrSubset, type CsrMatrix } from "./csr.ts";
import type { FilterResult } from "./filterGenes.ts";

export interface FilterCellsOptions {
  /** Keep cells whose total count is at least this. */
  minCounts?: number;
  /** Keep cells with at least this many expressed (value > 0) genes. */
  minGenes?: number;
}

/**
 * scanpy's `filter_cells`. As in filterGenes, every given criterion must hold; with none all cells stay.
 * When every cell stays, `matrix` is the input itself rather than a copy.
 */
export function filterCells(m: CsrMatrix, { minCounts, minGenes }: FilterCellsOptions = {}): FilterResult {
  const keep = new Uint8Array(m.nRows);
  let nKept = 0;
  for (let r = 0; r < m.nRows; r++) {
    let total = 0;
    let genes = 0;
    for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) {
      const v = m.data[k]!;
      total += v;
      if (v > 0) genes++;
    }
    if ((minCounts === undefined || total >= minCounts) && (minGenes === undefined || genes >= minGenes)) {
      keep[r] = 1;
      nKept++;
    }
  }
  const kept = new Int32Array(nKept);
  for (let r = 0, j = 0; r < m.nRows; r++) if (keep[r]) kept[j++] = r;
  return { matrix: nKept === m.nRows ? m : csrSubset(m, kept, null), kept };
}
