/**
 * A separate label file (CSV/TSV, gzip or not) with one row per cell: the cell name first, then
 * columns such as `cell_type`. Rows are matched to the matrix's cells by name, so their order does
 * not matter; a cell without a row, or with an empty value, is unlabelled ("") and left out of scores.
 */
import { basename } from "node:path";
import { InputError } from "../errors.ts";
import { describeKeys } from "./hdf5.ts";
import { readTable } from "./textFile.ts";
import { DEFAULT_LABEL_KEYS } from "./types.ts";

/** The cell names (first field of each row) of a label file, for telling a table's orientation. */
export async function readLabelFileCells(path: string): Promise<string[]> {
  return (await readTable(path)).slice(1).map((r) => r[0]!);
}

/**
 * Labels for `cells` from `path`: column `labelKey`, else the first of DEFAULT_LABEL_KEYS present,
 * else the only column besides the cell name. Adds a warning to `warnings` for rows of unknown cells.
 */
export async function readLabelFile(
  path: string,
  cells: readonly string[],
  labelKey: string | undefined,
  warnings: string[],
): Promise<{ labels: string[]; labelKey: string }> {
  const table = await readTable(path).catch((err: unknown) => {
    throw new InputError(`not a readable CSV/TSV table: ${(err as Error).message.split("\n")[0]}`, path);
  });
  if (table.length === 0) throw new InputError("label file is empty", path);
  const header = table[0]!;
  const rows = table.slice(1);
  if (rows.length === 0) throw new InputError("label file has a header but no rows", path);
  // R and pandas write row names without a header field for them: then data rows are one field longer.
  const columns = rows[0]!.length === header.length + 1 ? header : header.slice(1);
  const width = columns.length + 1;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new InputError(`row ${i + 2} has ${r.length} fields; the header implies ${width}`, path);
  });
  let key = labelKey;
  if (key === undefined) key = DEFAULT_LABEL_KEYS.find((k) => columns.includes(k)) ?? (columns.length === 1 ? columns[0] : undefined);
  if (key === undefined) throw new InputError(`cannot tell which column holds the labels (columns: ${describeKeys(columns)}); name one with labelKey`, path);
  const col = columns.indexOf(key);
  if (col < 0) throw new InputError(`no column '${key}' for labels (columns: ${describeKeys(columns)})`, path);

  const byCell = new Map<string, string>();
  for (const r of rows) {
    if (byCell.has(r[0]!)) throw new InputError(`cell '${r[0]}' has two rows`, path);
    byCell.set(r[0]!, r[col + 1]!);
  }
  const labels = new Array<string>(cells.length);
  let missing = 0;
  let empty = 0;
  let matched = 0;
  let firstMissing = "";
  cells.forEach((cell, i) => {
    const label = byCell.get(cell);
    if (label === undefined) {
      if (missing++ === 0) firstMissing = cell;
      labels[i] = "";
    } else {
      matched++;
      if (label === "") empty++;
      labels[i] = label;
    }
  });
  if (matched === 0) throw new InputError(`names none of the ${cells.length} cells (first cell: '${cells[0]}'; first row: '${rows[0]![0]}')`, path);
  if (missing > 0) warnings.push(`${path}: no row for ${missing} of the ${cells.length} cells (first: '${firstMissing}'); they are unlabelled and left out of scores`);
  if (empty > 0) warnings.push(`${path}: ${empty} cells have an empty '${key}'; they are unlabelled and left out of scores`);
  if (matched < byCell.size) warnings.push(`${path}: ${byCell.size - matched} rows name cells that are not in the matrix; ignored`);
  return { labels, labelKey: `${basename(path)}:${key}` };
}
