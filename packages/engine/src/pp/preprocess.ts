import { InputError } from "../errors.ts";
import { csrSubset, type CsrMatrix } from "./csr.ts";
import { filterCells } from "./filterCells.ts";
import { filterGenes } from "./filterGenes.ts";
import { highlyVariableGenes } from "./highlyVariableGenes.ts";
import { normalizeTotal } from "./normalizeTotal.ts";
import { rowRange, scaleSparse, type ScaledCsr } from "./scale.ts";

export interface PreprocessOptions {
  /** Number of highly variable genes (scanpy seurat flavour) the network sees. */
  nTopGenes?: number;
  /** Normalise every cell to this total; default the median cell total. */
  targetSum?: number;
  /** What to do with cells whose counts are all zero. */
  emptyCells?: "error" | "drop";
  /** Named in error messages. */
  file?: string;
}

export interface PreprocessResult {
  /**
   * The zero-centred, unit-variance log1p-normalised expression, kept sparse (the highly variable
   * genes' log values and their mean and std); `train` and `embed` read it a mini-batch at a time.
   */
  scaled: ScaledCsr;
  /**
   * The same matrix dense, row-major [nCells, nGenes], built on first access and kept: 4 bytes per
   * cell and gene (8 GB for a million cells × 2,000 genes), so large data should use `scaled`.
   */
  readonly x: Float32Array;
  nCells: number;
  nGenes: number;
  /** Input rows that were kept, ascending. */
  keptCells: Int32Array;
  /** Input columns that were kept (the highly variable genes), ascending. */
  keptGenes: Int32Array;
}

/**
 * The reference program's preprocessing: drop all-zero genes (and, if asked, empty cells), normalise
 * each cell to the median total, log1p, keep the top highly variable genes, scale each gene.
 */
/** Highly variable genes kept by default (the reference's and Seurat's 2000). */
export const DEFAULT_N_TOP_GENES = 2000;

export function preprocess(
  counts: CsrMatrix,
  { nTopGenes = DEFAULT_N_TOP_GENES, targetSum, emptyCells = "error", file }: PreprocessOptions = {},
): PreprocessResult {
  const validated = validateCounts(counts, file);

  const genes = filterGenes(validated, { minCounts: 1 });
  if (genes.kept.length === 0) throw new InputError("counts contain no non-zero values", file);
  const cells = filterCells(genes.matrix, { minCounts: 1 });
  const nEmpty = counts.nRows - cells.kept.length;
  if (nEmpty > 0 && emptyCells === "error") {
    let first = 0;
    while (first < cells.kept.length && cells.kept[first] === first) first++;
    const what = nEmpty === 1 ? "1 cell has" : `${nEmpty} cells have`;
    throw new InputError(`${what} no counts (first: cell index ${first})`, file);
  }
  // Gene variances (and so HVG selection and scaling) need at least two cells.
  if (cells.kept.length < 2) {
    throw new InputError(`need at least 2 cells with counts, found ${cells.kept.length}`, file);
  }

  const logged = normalizeTotal(cells.matrix, { targetSum }).matrix;
  // log1p in place: the normalised values are a fresh array no one else holds, and a second copy of
  // every stored value is what would set the peak memory of a large matrix (1.6 GB at 10^6 cells).
  const values = logged.data;
  for (let k = 0; k < values.length; k++) values[k] = Math.log1p(values[k]!);
  const hvg = highlyVariableGenes(logged, { flavor: "seurat", nTopGenes });
  if (hvg.selected.length === 0) {
    throw new InputError("no gene varies across the cells, so no highly variable genes can be selected", file);
  }
  const scaled = scaleSparse(csrSubset(logged, null, hvg.selected), { zeroCenter: true });

  const keptGenes = new Int32Array(hvg.selected.length);
  for (let j = 0; j < keptGenes.length; j++) keptGenes[j] = genes.kept[hvg.selected[j]!]!;
  let dense: Float32Array | undefined;
  return {
    scaled,
    get x() {
      return (dense ??= rowRange(scaled, scaled.nCols, 0, scaled.nRows));
    },
    nCells: scaled.nRows,
    nGenes: scaled.nCols,
    keptCells: cells.kept,
    keptGenes,
  };
}

/**
 * Reject NaN, ±Infinity and negative counts, naming how many and where the first one is; round
 * non-integers up, as the reference program does. Returns the input itself when nothing changes.
 */
export function validateCounts(m: CsrMatrix, file: string | undefined): CsrMatrix {
  let nonFinite = 0;
  let negative = 0;
  let fractional = 0;
  let firstNonFinite = -1;
  let firstNegative = -1;
  const { data } = m;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (!Number.isFinite(v)) {
      if (nonFinite++ === 0) firstNonFinite = k;
    } else if (v < 0) {
      if (negative++ === 0) firstNegative = k;
    } else if (v !== Math.floor(v)) {
      fractional++;
    }
  }
  if (nonFinite > 0) {
    const what = nonFinite === 1 ? "1 value that is" : `${nonFinite} values that are`;
    throw new InputError(`counts contain ${what} NaN or infinite (first at ${position(m, firstNonFinite)})`, file);
  }
  if (negative > 0) {
    const what = negative === 1 ? "1 negative value" : `${negative} negative values`;
    throw new InputError(`counts contain ${what} (first at ${position(m, firstNegative)})`, file);
  }
  if (fractional === 0) return m;
  const rounded = new Float32Array(data.length);
  for (let k = 0; k < data.length; k++) rounded[k] = Math.ceil(data[k]!);
  return { nRows: m.nRows, nCols: m.nCols, indptr: m.indptr, indices: m.indices, data: rounded };
}

/** "cell i, gene j" of the k-th stored value. */
function position(m: CsrMatrix, k: number): string {
  // Binary search for the row whose range holds k.
  let lo = 0;
  let hi = m.nRows - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (m.indptr[mid]! <= k) lo = mid;
    else hi = mid - 1;
  }
  return `cell ${lo}, gene ${m.indices[k]!}`;
}
