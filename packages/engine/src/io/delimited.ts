/**
 * CSV/TSV count tables, gzip or not: a header row of column names, then one row per gene or per cell
 * whose first field is its name. The header may or may not have a field above the row names (R and
 * pandas leave it out). Which axis holds the cells is told (options.orientation) or detected: from the
 * label file's cell names when there is one, else from Ensembl/ERCC-like gene names, else the longer
 * axis is taken as genes (said in a warning). Read as a stream into a sparse matrix.
 */
import { InputError } from "../errors.ts";
import type { CsrMatrix } from "../pp/csr.ts";
import { readLabelFile, readLabelFileCells } from "./labelFile.ts";
import { nonIntegerWarning, transposeCsr } from "./sparse.ts";
import { guessSeparator, readLines, splitFields } from "./textFile.ts";
import type { Dataset, ReadOptions } from "./types.ts";
import { checkDataset } from "./validate.ts";

const GENE_ID = /^(ENS[A-Z]*G\d{6,}(\.\d+)?|ERCC-\d{5})$/;

interface Table {
  rowNames: string[];
  columnNames: string[];
  matrix: CsrMatrix;
  nonInteger?: { count: number; row: number; col: number; value: number };
}

/** Reads a CSV/TSV count table; labels come from options.labelsFile (matched by cell name). */
export async function readDelimited(path: string, options: ReadOptions = {}): Promise<Dataset> {
  const table = await readTable(path, options);
  const warnings: string[] = [];
  const orientation = options.orientation ?? (await detectOrientation(table, options.labelsFile, path, warnings));
  const byCells = orientation === "cells-by-genes";
  const counts = byCells ? table.matrix : transposeCsr(table.matrix);
  const cells = byCells ? table.rowNames : table.columnNames;
  const genes = byCells ? table.columnNames : table.rowNames;
  if (table.nonInteger) {
    const { count, row, col, value } = table.nonInteger;
    const where = byCells ? `cell ${row}, gene ${col}` : `cell ${col}, gene ${row}`;
    warnings.push(nonIntegerWarning("the table", count, where, value));
  }
  let labels: Pick<Dataset, "labels" | "labelKey"> = {};
  if (options.labelsFile) labels = await readLabelFile(options.labelsFile, cells, options.labelKey, warnings);
  else if (options.labelKey !== undefined) throw new InputError(`labelKey '${options.labelKey}' given without a labelsFile; a CSV count table holds no labels`, path);
  return checkDataset(
    { counts, cells, genes, ...labels, source: path, ...(warnings.length ? { warnings } : {}) },
    { cells: byCells ? "row names" : "header", genes: byCells ? "header" : "row names" },
  );
}

async function detectOrientation(table: Table, labelsFile: string | undefined, path: string, warnings: string[]): Promise<"genes-by-cells" | "cells-by-genes"> {
  if (labelsFile) {
    const labelled = new Set(await readLabelFileCells(labelsFile));
    const hits = (names: string[]) => names.reduce((n, s) => n + (labelled.has(s) ? 1 : 0), 0);
    const inColumns = hits(table.columnNames);
    const inRows = hits(table.rowNames);
    if (inColumns > inRows) return "genes-by-cells";
    if (inRows > inColumns) return "cells-by-genes";
  }
  const geneLike = (names: string[]) => names.reduce((n, s) => n + (GENE_ID.test(s) ? 1 : 0), 0) / Math.max(1, names.length);
  const rowsGeneLike = geneLike(table.rowNames);
  const columnsGeneLike = geneLike(table.columnNames);
  if (rowsGeneLike > 0.5 && rowsGeneLike > columnsGeneLike) return "genes-by-cells";
  if (columnsGeneLike > 0.5 && columnsGeneLike > rowsGeneLike) return "cells-by-genes";
  const guess = table.rowNames.length >= table.columnNames.length ? "genes-by-cells" : "cells-by-genes";
  warnings.push(`${path}: could not tell cells from genes by their names; took the ${guess === "genes-by-cells" ? "rows" : "columns"} (the longer axis) as genes — pass the orientation if that is wrong`);
  return guess;
}

/** A growing CSR built one row at a time. */
class RowAppender {
  indptr: number[] = [0];
  indices = new Int32Array(1 << 16);
  data = new Float32Array(1 << 16);
  nnz = 0;

  push(col: number, v: number): void {
    if (this.nnz === this.data.length) {
      const indices = new Int32Array(this.data.length * 2);
      indices.set(this.indices);
      const data = new Float32Array(this.data.length * 2);
      data.set(this.data);
      this.indices = indices;
      this.data = data;
    }
    this.indices[this.nnz] = col;
    this.data[this.nnz++] = v;
  }

  endRow(): void {
    this.indptr.push(this.nnz);
  }

  finish(nCols: number): CsrMatrix {
    return { nRows: this.indptr.length - 1, nCols, indptr: Float64Array.from(this.indptr), indices: this.indices.slice(0, this.nnz), data: this.data.slice(0, this.nnz) };
  }
}

async function readTable(path: string, progress: Pick<ReadOptions, "signal" | "onProgress">): Promise<Table> {
  let header: string[] | undefined;
  let sep = ",";
  let columnNames: string[] = [];
  const rowNames: string[] = [];
  const rows = new RowAppender();
  let lineNo = 0;
  let nonInteger: Table["nonInteger"];
  let nonIntegerCount = 0;
  for await (const line of readLines(path, progress)) {
    lineNo++;
    if (header === undefined) {
      if (line.trim() === "") throw new InputError("the first line (the header) is empty", path);
      if (line.includes("\0")) throw new InputError("is binary, not a CSV/TSV text file", path);
      sep = guessSeparator(line);
      header = splitFields(line, sep);
      continue;
    }
    if (line === "") continue;
    const fields = splitFields(line, sep);
    if (columnNames.length === 0) {
      // The header either has a field above the row names or not; the first data row tells.
      if (fields.length === header.length + 1) columnNames = header;
      else if (fields.length === header.length) columnNames = header.slice(1);
      else throw new InputError(`line 2 has ${fields.length} fields but the header has ${header.length}`, path);
      if (columnNames.length === 0) throw new InputError("the table has no value columns", path);
    }
    if (fields.length !== columnNames.length + 1) {
      throw new InputError(`line ${lineNo} has ${fields.length} fields; expected ${columnNames.length + 1} (a name and ${columnNames.length} values)`, path);
    }
    const r = rowNames.length;
    rowNames.push(fields[0]!);
    for (let c = 0; c < columnNames.length; c++) {
      const text = fields[c + 1]!;
      if (text === "0") continue;
      const v = Number(text);
      if (!(v >= 0 && v < Infinity) || text.trim() === "") {
        const what = text.trim() === "" || Number.isNaN(v) ? "is not a number" : v < 0 ? "is negative; expected non-negative counts" : "is infinite";
        throw new InputError(`line ${lineNo}, column '${columnNames[c]}': '${text.slice(0, 40)}' ${what}`, path);
      }
      if (v === 0) continue;
      if (v !== Math.floor(v) && nonIntegerCount++ === 0) nonInteger = { count: 0, row: r, col: c, value: v };
      rows.push(c, v);
    }
    rows.endRow();
  }
  if (header === undefined) throw new InputError("file is empty", path);
  if (rowNames.length === 0) throw new InputError("the table has a header but no rows", path);
  if (nonInteger) nonInteger.count = nonIntegerCount;
  return { rowNames, columnNames, matrix: rows.finish(columnNames.length), ...(nonInteger ? { nonInteger } : {}) };
}
