/**
 * Matrix Market coordinate files (`%%MatrixMarket matrix coordinate integer|real|pattern general`),
 * gzip or not, as Cell Ranger and scipy's mmwrite write them: genes × cells, 1-based. Read as a
 * stream into cells × genes CSR.
 */
import { InputError } from "../errors.ts";
import type { CsrMatrix } from "../pp/csr.ts";
import { readCompressed, type CompressedRead } from "./sparse.ts";
import { readLines } from "./textFile.ts";

/** Reads a genes × cells Matrix Market file into a cells × genes CSR (with a non-integer warning, if any). */
export async function readMatrixMarket(
  path: string,
  progress: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<CompressedRead & { nGenes: number; nCells: number }> {
  let lineNo = 0;
  let header: string | undefined;
  let size: [number, number, number] | undefined;
  let pattern = false;
  let genes = new Int32Array(0);
  let cells = new Int32Array(0);
  let values = new Float32Array(0);
  let k = 0;
  for await (const line of readLines(path, progress)) {
    lineNo++;
    if (header === undefined) {
      header = line;
      const m = /^%%MatrixMarket\s+matrix\s+coordinate\s+(integer|real|pattern|double)\s+general\s*$/i.exec(line);
      if (!m) {
        throw new InputError(
          /^%%MatrixMarket/i.test(line) ? `unsupported Matrix Market header '${line.slice(0, 80)}' (need 'matrix coordinate integer|real|pattern general')` : "not a Matrix Market file (no %%MatrixMarket header)",
          path,
        );
      }
      pattern = m[1]!.toLowerCase() === "pattern";
      continue;
    }
    if (line.startsWith("%") || line.trim() === "") continue;
    const parts = line.trim().split(/\s+/);
    if (size === undefined) {
      const nums = parts.map(Number);
      if (nums.length !== 3 || !nums.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new InputError(`line ${lineNo}: expected 'rows columns entries', got '${line.slice(0, 80)}'`, path);
      size = nums as [number, number, number];
      if (size[2] > size[0] * size[1]) throw new InputError(`line ${lineNo}: ${size[2]} entries declared for a ${size[0]} × ${size[1]} matrix`, path);
      genes = new Int32Array(size[2]);
      cells = new Int32Array(size[2]);
      values = new Float32Array(size[2]);
      continue;
    }
    if (k >= size[2]) throw new InputError(`more entries than the ${size[2]} the size line declares (line ${lineNo})`, path);
    const i = Number(parts[0]);
    const j = Number(parts[1]);
    const v = pattern ? 1 : Number(parts[2]);
    if (parts.length !== (pattern ? 2 : 3) || !Number.isInteger(i) || !Number.isInteger(j) || Number.isNaN(v)) {
      throw new InputError(`line ${lineNo}: expected '${pattern ? "row column" : "row column value"}', got '${line.slice(0, 80)}'`, path);
    }
    if (i < 1 || i > size[0] || j < 1 || j > size[1]) {
      throw new InputError(`line ${lineNo}: entry (${i}, ${j}) outside the ${size[0]} × ${size[1]} matrix`, path);
    }
    genes[k] = i - 1;
    cells[k] = j - 1;
    values[k] = v;
    k++;
  }
  if (header === undefined) throw new InputError("file is empty", path);
  if (size === undefined) throw new InputError("no size line after the Matrix Market header", path);
  if (k !== size[2]) throw new InputError(`has ${k} entries but its size line declares ${size[2]} (truncated?)`, path);
  const [nGenes, nCells] = size;
  return { ...cooToCsr(nCells, nGenes, cells, genes, values, path), nGenes, nCells };
}

/** Buckets (row, col, value) triplets by row, then checks, sorts and deduplicates them as any sparse input. */
export function cooToCsr(nRows: number, nCols: number, rows: Int32Array, cols: Int32Array, values: Float32Array, path: string): CompressedRead {
  const indptr = new Float64Array(nRows + 1);
  for (let e = 0; e < rows.length; e++) indptr[rows[e]! + 1]!++;
  for (let r = 0; r < nRows; r++) indptr[r + 1]! += indptr[r]!;
  const next = Float64Array.from(indptr.subarray(0, nRows));
  const indices = new Int32Array(rows.length);
  const data = new Float32Array(rows.length);
  for (let e = 0; e < rows.length; e++) {
    const p = next[rows[e]!]!++;
    indices[p] = cols[e]!;
    data[p] = values[e]!;
  }
  const bucketed: CsrMatrix = { nRows, nCols, indptr, indices, data };
  return readCompressed(
    { nMajor: nRows, nMinor: nCols, indptr, readEntries: (a, b) => ({ indices: bucketed.indices.subarray(a, b), data: bucketed.data.subarray(a, b) }) },
    { matrix: "matrix", major: "cell", minor: "gene" },
    path,
    { entriesPerBlock: Math.max(1, rows.length) },
  );
}
