/**
 * Building a CsrMatrix from a dense matrix that arrives a block of rows at a time, so a reader never
 * has to hold the whole dense matrix. Values are checked on the way: counts must be finite and
 * non-negative, and the first offending position is reported.
 */
import { copyNonZeros, type CsrMatrix } from "../pp/csr.ts";
import { InputError } from "../errors.ts";
import { nonIntegerWarning } from "./sparse.ts";

/** Dense row-major values as readers get them (bigint arrays for 64-bit integer datasets). */
export type DenseValues = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

interface Offence {
  count: number;
  row: number;
  col: number;
  value: number;
}

export class DenseToCsr {
  private readonly indptr: Float64Array;
  private readonly blockIndices: Int32Array[] = [];
  private readonly blockData: Float32Array[] = [];
  private rowsDone = 0;
  private nnz = 0;
  private readonly nan: Offence = { count: 0, row: -1, col: -1, value: NaN };
  private readonly infinite: Offence = { count: 0, row: -1, col: -1, value: NaN };
  private readonly negative: Offence = { count: 0, row: -1, col: -1, value: NaN };
  private readonly nonInteger: Offence = { count: 0, row: -1, col: -1, value: NaN };

  /**
   * @param name what the matrix is called in messages (e.g. "X")
   * @param file the file named in InputErrors
   * @param axes what rows and columns are, in messages (a loom or CSV matrix has genes as rows)
   */
  constructor(
    readonly nRows: number,
    readonly nCols: number,
    readonly name: string,
    readonly file: string,
    readonly axes: { row: string; col: string } = { row: "cell", col: "gene" },
  ) {
    this.indptr = new Float64Array(nRows + 1);
  }

  private get hasOffences(): boolean {
    return this.nan.count + this.infinite.count + this.negative.count > 0;
  }

  /** Appends the next `values.length / nCols` rows. */
  addRows(block: DenseValues): void {
    const values: ArrayLike<number> = block instanceof BigInt64Array || block instanceof BigUint64Array ? Float64Array.from(block, Number) : block;
    const nCols = this.nCols;
    if (nCols === 0 || values.length % nCols !== 0) {
      throw new Error(`DenseToCsr.addRows: ${values.length} values is not a whole number of ${nCols}-column rows`);
    }
    const nRows = values.length / nCols;
    if (this.rowsDone + nRows > this.nRows) {
      throw new Error(`DenseToCsr.addRows: ${this.rowsDone + nRows} rows for a ${this.nRows}-row matrix`);
    }
    // Pass 1: count storable entries and check values. NaN and negatives are !== 0 and fail `v > 0 && v < Infinity`.
    let count = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === 0) continue;
      if (v > 0 && v < Infinity) {
        count++;
        if (v !== Math.floor(v)) this.offend(this.nonInteger, i, v);
      } else this.offend(v !== v ? this.nan : v < 0 && v > -Infinity ? this.negative : this.infinite, i, v);
    }
    // Pass 2: copy the non-zeros, unless the matrix is already known to be bad (then only keep counting).
    if (!this.hasOffences) {
      const indices = new Int32Array(count);
      const data = new Float32Array(count);
      copyNonZeros(values, nRows, nCols, { indptr: this.indptr, indices, data }, { rowOffset: this.rowsDone, nnzOffset: this.nnz });
      this.blockIndices.push(indices);
      this.blockData.push(data);
      this.nnz += count;
    }
    this.rowsDone += nRows;
  }

  private offend(o: Offence, i: number, v: number): void {
    if (o.count === 0) {
      o.row = this.rowsDone + Math.floor(i / this.nCols);
      o.col = i % this.nCols;
      o.value = v;
    }
    o.count++;
  }

  private where(o: Offence): string {
    return `${this.axes.row} ${o.row}, ${this.axes.col} ${o.col}`;
  }

  /** A warning when stored values are not whole numbers (e.g. normalised data given as counts), else undefined. */
  get nonIntegerWarning(): string | undefined {
    const o = this.nonInteger;
    return o.count ? nonIntegerWarning(this.name, o.count, this.where(o), o.value) : undefined;
  }

  /** The finished matrix; throws an InputError listing bad values (count and first cell/gene) if any were seen. */
  finish(): CsrMatrix {
    if (this.hasOffences) {
      const parts: string[] = [];
      const at = (o: Offence, withValue: boolean) => `first at ${this.where(o)}${withValue ? `: ${o.value}` : ""}`;
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
      if (this.nan.count) parts.push(`${plural(this.nan.count, "NaN value")} (${at(this.nan, false)})`);
      if (this.infinite.count) parts.push(`${plural(this.infinite.count, "infinite value")} (${at(this.infinite, true)})`);
      if (this.negative.count) parts.push(`${plural(this.negative.count, "negative value")} (${at(this.negative, true)})`);
      throw new InputError(`${this.name} has ${parts.join(" and ")}; expected non-negative counts`, this.file);
    }
    if (this.rowsDone !== this.nRows) {
      throw new Error(`DenseToCsr.finish: got ${this.rowsDone} of ${this.nRows} rows`);
    }
    const indices = new Int32Array(this.nnz);
    const data = new Float32Array(this.nnz);
    let k = 0;
    for (let b = 0; b < this.blockIndices.length; b++) {
      indices.set(this.blockIndices[b]!, k);
      data.set(this.blockData[b]!, k);
      k += this.blockData[b]!.length;
    }
    this.blockIndices.length = 0;
    this.blockData.length = 0;
    return { nRows: this.nRows, nCols: this.nCols, indptr: this.indptr, indices, data };
  }
}

export const DEFAULT_ROWS_PER_BLOCK = 2000;
export const DEFAULT_MAX_BLOCK_BYTES = 256 * 1024 * 1024;

/**
 * Row ranges [start, end) to read a dense nRows × nCols matrix in.
 *
 * Reading part of an HDF5 chunk decompresses the whole chunk (the library's chunk cache is 1 MiB,
 * smaller than these chunks), so blocks are rounded up to whole chunks of rows when that stays
 * within maxBlockBytes. When a single chunk row is itself larger than the budget (worm_neuron_cell.h5
 * is one 451 MB chunk), every read costs a full decompression, so the fewest budget-sized, equal
 * blocks are used.
 */
export function planRowBlocks(
  nRows: number,
  nCols: number,
  bytesPerValue: number,
  chunkRows: number | null,
  { rowsPerBlock = DEFAULT_ROWS_PER_BLOCK, maxBlockBytes = DEFAULT_MAX_BLOCK_BYTES }: { rowsPerBlock?: number; maxBlockBytes?: number } = {},
): [number, number][] {
  if (nRows <= 0) return [];
  const rowBytes = Math.max(1, nCols * bytesPerValue);
  const budgetRows = Math.max(1, Math.floor(maxBlockBytes / rowBytes));
  let rows = Math.max(1, Math.floor(rowsPerBlock));
  if (chunkRows !== null && chunkRows > 1) {
    const aligned = Math.ceil(rows / chunkRows) * chunkRows;
    if (aligned <= budgetRows) rows = aligned;
    else if (Math.min(chunkRows, nRows) > budgetRows) {
      rows = budgetRows;
      const nBlocks = Math.ceil(nRows / rows);
      rows = Math.ceil(nRows / nBlocks);
    }
  }
  rows = Math.min(rows, budgetRows, nRows);
  const blocks: [number, number][] = [];
  for (let start = 0; start < nRows; start += rows) blocks.push([start, Math.min(nRows, start + rows)]);
  return blocks;
}
