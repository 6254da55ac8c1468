/**
 * Compressed sparse matrices as files store them (CSR or CSC: indptr, indices, data) turned into our
 * cells × genes CsrMatrix, a block of entries at a time. Entries are checked on the way (indices in
 * range, no duplicates, finite non-negative values), explicit zeros are dropped and each row's
 * columns are sorted, because pp assumes both.
 */
import { InputError } from "../errors.ts";
import type { CsrMatrix } from "../pp/csr.ts";
import type { NumericArray } from "./h5elements.ts";

/** Entries read per slice of `indices`/`data` (16 Mi entries ≈ 128 MB of float64 + int64 in flight). */
export const DEFAULT_ENTRIES_PER_BLOCK = 16 * 1024 * 1024;

/** Names for messages: the matrix ("X"), and what its major and minor axes hold. */
export interface AxisNames {
  matrix: string;
  major: "cell" | "gene";
  minor: "cell" | "gene";
}

/** A compressed matrix on disk: indptr in memory, entries read on demand. */
export interface CompressedSource {
  nMajor: number;
  nMinor: number;
  indptr: ArrayLike<number>;
  /** Entries [start, end): their minor indices and values. */
  readEntries(start: number, end: number): { indices: NumericArray | Float64Array; data: NumericArray | Float64Array };
}

interface Offence {
  count: number;
  major: number;
  minor: number;
  value: number;
}

/** Checks indptr: nMajor + 1 entries, starting at 0, never decreasing, ending at nnz. */
export function checkIndptr(indptr: ArrayLike<number>, nMajor: number, nnz: number, name: string, file: string): void {
  if (indptr.length !== nMajor + 1) throw new InputError(`${name}/indptr has ${indptr.length} entries; expected ${nMajor + 1}`, file);
  if (indptr[0] !== 0) throw new InputError(`${name}/indptr starts at ${indptr[0]}, not 0`, file);
  for (let i = 1; i <= nMajor; i++) {
    if (!(indptr[i]! >= indptr[i - 1]!)) throw new InputError(`${name}/indptr decreases at position ${i} (${indptr[i - 1]} → ${indptr[i]})`, file);
  }
  if (indptr[nMajor] !== nnz) throw new InputError(`${name}/indptr ends at ${indptr[nMajor]} but ${name} has ${nnz} stored entries`, file);
}

/** Result of reading: the matrix in the source's own orientation (major = rows) and a warning, if any. */
export interface CompressedRead {
  matrix: CsrMatrix;
  nonInteger?: string;
}

/**
 * Reads a compressed matrix block by block into a CSR of nMajor rows. Throws an InputError naming
 * `file` and `names.matrix` for out-of-range or duplicate indices and for NaN, infinite or negative values.
 */
export function readCompressed(
  src: CompressedSource,
  names: AxisNames,
  file: string,
  { entriesPerBlock = DEFAULT_ENTRIES_PER_BLOCK, signal, onProgress }: { entriesPerBlock?: number; signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): CompressedRead {
  const { nMajor, nMinor, indptr } = src;
  const nnz = nMajor === 0 ? 0 : indptr[nMajor]!;
  const outIndptr = new Float64Array(nMajor + 1);
  let indices = new Int32Array(nnz);
  let data = new Float32Array(nnz);
  let k = 0;
  const bad: Offence[] = [0, 1, 2].map(() => ({ count: 0, major: -1, minor: -1, value: NaN }));
  const [nan, infinite, negative] = bad as [Offence, Offence, Offence];
  const nonInteger: Offence = { count: 0, major: -1, minor: -1, value: NaN };
  const note = (o: Offence, major: number, minor: number, value: number) => {
    if (o.count++ === 0) Object.assign(o, { major, minor, value });
  };
  const at = (o: Offence) => `${names.major} ${o.major}, ${names.minor} ${o.minor}`;

  let row = 0;
  while (row < nMajor) {
    signal?.throwIfAborted();
    // Whole rows up to the entry budget (at least one row, however long).
    const start = indptr[row]!;
    let end = row + 1;
    while (end < nMajor && indptr[end + 1]! - start <= entriesPerBlock) end++;
    const { indices: idx, data: vals } = src.readEntries(start, indptr[end]!);
    if (idx.length !== vals.length || idx.length !== indptr[end]! - start) {
      throw new InputError(`${names.matrix} entries ${start}–${indptr[end]} could not be read`, file);
    }
    for (let r = row; r < end; r++) {
      const a = indptr[r]! - start;
      const b = indptr[r + 1]! - start;
      const rowStart = k;
      let sorted = true;
      let previous = -1;
      for (let e = a; e < b; e++) {
        const c = idx[e]!;
        if (!(c >= 0 && c < nMinor && Number.isInteger(c))) {
          throw new InputError(
            `${names.matrix}/indices has ${names.minor} index ${c} at ${names.major} ${r}, outside 0–${nMinor - 1}`,
            file,
          );
        }
        if (c <= previous) sorted = false;
        previous = c;
        const v = vals[e]!;
        if (v === 0) continue;
        if (!(v > 0 && v < Infinity)) {
          note(v !== v ? nan : v < 0 && v > -Infinity ? negative : infinite, r, c, v);
          continue;
        }
        if (v !== Math.floor(v)) note(nonInteger, r, c, v);
        indices[k] = c;
        data[k] = v;
        k++;
      }
      if (!sorted) sortRow(indices, data, rowStart, k, r, names, file);
      outIndptr[r + 1] = k;
    }
    row = end;
    onProgress?.(row / nMajor);
  }
  if (nan.count + infinite.count + negative.count > 0) {
    const parts: string[] = [];
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    if (nan.count) parts.push(`${plural(nan.count, "NaN value")} (first at ${at(nan)})`);
    if (infinite.count) parts.push(`${plural(infinite.count, "infinite value")} (first at ${at(infinite)}: ${infinite.value})`);
    if (negative.count) parts.push(`${plural(negative.count, "negative value")} (first at ${at(negative)}: ${negative.value})`);
    throw new InputError(`${names.matrix} has ${parts.join(" and ")}; expected non-negative counts`, file);
  }
  if (k < nnz) {
    indices = indices.slice(0, k);
    data = data.slice(0, k);
  }
  return {
    matrix: { nRows: nMajor, nCols: nMinor, indptr: outIndptr, indices, data },
    ...(nonInteger.count ? { nonInteger: nonIntegerWarning(names.matrix, nonInteger.count, at(nonInteger), nonInteger.value) } : {}),
  };
}

/** The warning for counts that are not whole numbers (normalised data passed as counts). */
export function nonIntegerWarning(matrix: string, count: number, where: string, value: number): string {
  return `${matrix} has ${count} non-integer value${count === 1 ? "" : "s"} (first at ${where}: ${value}); expected raw counts, read as they are`;
}

function sortRow(indices: Int32Array, data: Float32Array, from: number, to: number, major: number, names: AxisNames, file: string): void {
  const order = Array.from({ length: to - from }, (_, i) => from + i).sort((p, q) => indices[p]! - indices[q]!);
  const idx = order.map((p) => indices[p]!);
  const val = order.map((p) => data[p]!);
  for (let i = 0; i < idx.length; i++) {
    if (i > 0 && idx[i] === idx[i - 1]) {
      throw new InputError(`${names.matrix} has two entries for ${names.major} ${major}, ${names.minor} ${idx[i]}`, file);
    }
    indices[from + i] = idx[i]!;
    data[from + i] = val[i]!;
  }
}

/** The transpose of a CSR matrix (rows come out with sorted columns). */
export function transposeCsr(m: CsrMatrix): CsrMatrix {
  const nnz = m.data.length;
  const indptr = new Float64Array(m.nCols + 1);
  for (let e = 0; e < nnz; e++) indptr[m.indices[e]! + 1]!++;
  for (let c = 0; c < m.nCols; c++) indptr[c + 1]! += indptr[c]!;
  const next = Float64Array.from(indptr.subarray(0, m.nCols));
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let r = 0; r < m.nRows; r++) {
    for (let e = m.indptr[r]!; e < m.indptr[r + 1]!; e++) {
      const c = m.indices[e]!;
      const p = next[c]!++;
      indices[p] = r;
      data[p] = m.data[e]!;
    }
  }
  return { nRows: m.nCols, nCols: m.nRows, indptr, indices, data };
}
