/**
 * anndata dataframes (`obs`, `var`, `raw/var`) as stored in h5ad: a group whose `_index` attribute
 * names the index dataset and whose `column-order` lists the columns. Columns are numeric or boolean
 * arrays, string arrays, categoricals (codes + categories, code -1 = missing), nullable integer /
 * boolean / string arrays (values + mask), or, in files from anndata before 0.8, plain datasets whose
 * `categories` attribute is a reference to the category array. Columns with an encoding we do not
 * know are skipped with a warning.
 */
import { InputError } from "../errors.ts";
import {
  attrValue,
  childDataset,
  elementName,
  H5T_ENUM,
  isH5Group,
  readNumbers,
  readStrings,
  referenceAttr,
  stringAttr,
  stringListAttr,
  type H5Group,
} from "./h5elements.ts";
import { entityKind, isH5Dataset, type H5Dataset, type H5File } from "./hdf5.ts";

/** One dataframe column; `missing[i] === 1` marks a missing value. */
export type Column =
  | { kind: "numeric"; values: ArrayLike<number>; missing?: Uint8Array }
  | { kind: "boolean"; values: Uint8Array; missing?: Uint8Array }
  | { kind: "string"; values: string[]; missing?: Uint8Array }
  | { kind: "categorical"; codes: Int32Array; categories: string[]; ordered: boolean };

export interface DataFrame {
  /** Row names. */
  index: string[];
  /** Columns in `column-order`, without the skipped ones. */
  columns: Map<string, Column>;
}

/** Reads the dataframe group at `name` (e.g. "obs"); `nRows` is what the matrix says its length must be. */
export function readDataFrame(file: H5File, name: string, nRows: number, path: string, warnings: string[]): DataFrame {
  const group = file.get(name);
  if (group === null) throw new InputError(`no '${name}' dataframe (h5ad needs obs and var)`, path);
  if (isH5Dataset(group)) {
    throw new InputError(`${name} is a compound dataset (the anndata < 0.7 layout), which is not supported; re-save the file with anndata ≥ 0.7`, path);
  }
  if (!isH5Group(group)) throw new InputError(`'${name}' is ${entityKind(group)}, not a dataframe group`, path);
  const encoding = stringAttr(group, "encoding-type");
  if (encoding !== undefined && encoding !== "dataframe") {
    throw new InputError(`${name} has encoding-type '${encoding}', expected 'dataframe'`, path);
  }
  const rows = { n: nRows, what: `rows of ${name}` };
  const indexKey = stringAttr(group, "_index") ?? "_index";
  const index = readStrings(childDataset(group, indexKey, path), path, rows);

  const keys = group.keys();
  const order = stringListAttr(group, "column-order", path) ?? keys.filter((k) => k !== indexKey && k !== "__categories");
  const columns = new Map<string, Column>();
  for (const key of order) {
    const column = readColumn(file, group, key, rows, path, warnings);
    if (column) columns.set(key, column);
  }
  return { index, columns };
}

function readColumn(
  file: H5File,
  frame: H5Group,
  key: string,
  rows: { n: number; what: string },
  path: string,
  warnings: string[],
): Column | undefined {
  const element = frame.get(key);
  const where = `${elementName(frame)}/${key}`;
  if (element === null) throw new InputError(`${elementName(frame)} lists column '${key}' in column-order but has no such element`, path);
  if (isH5Dataset(element)) return readDatasetColumn(file, element, rows, path, warnings);
  if (!isH5Group(element)) {
    warnings.push(`${where} is ${entityKind(element)}; skipped`);
    return undefined;
  }
  const encoding = stringAttr(element, "encoding-type");
  switch (encoding) {
    case "categorical": {
      const codes = toCodes(readNumbers(childDataset(element, "codes", path), path, rows), `${where}/codes`, path);
      const categories = readStrings(childDataset(element, "categories", path), path);
      checkCodes(codes, categories.length, `${where}/codes`, path);
      return { kind: "categorical", codes, categories, ordered: Boolean(Number(attrValue(element, "ordered") ?? 0)) };
    }
    case "nullable-integer":
    case "nullable-boolean":
    case "nullable-string-array": {
      const missing = readMask(childDataset(element, "mask", path), rows, path);
      const valuesDs = childDataset(element, "values", path);
      if (encoding === "nullable-string-array") return { kind: "string", values: readStrings(valuesDs, path, rows), missing };
      const values = readNumbers(valuesDs, path, rows);
      return encoding === "nullable-boolean" ? { kind: "boolean", values: Uint8Array.from(values, (v) => (v ? 1 : 0)), missing } : { kind: "numeric", values, missing };
    }
    default:
      warnings.push(`${where} has ${encoding === undefined ? "no encoding-type" : `encoding-type '${encoding}'`}, which this reader does not know; skipped`);
      return undefined;
  }
}

function readDatasetColumn(file: H5File, ds: H5Dataset, rows: { n: number; what: string }, path: string, warnings: string[]): Column | undefined {
  const where = elementName(ds);
  const encoding = stringAttr(ds, "encoding-type");
  if (encoding !== undefined && encoding !== "array" && encoding !== "string-array") {
    warnings.push(`${where} has encoding-type '${encoding}', which this reader does not know; skipped`);
    return undefined;
  }
  const legacyCategories = referenceAttr(file, ds, "categories", path);
  if (legacyCategories !== undefined) {
    if (!isH5Dataset(legacyCategories)) throw new InputError(`${where} has a 'categories' reference that does not lead to a dataset`, path);
    const codes = toCodes(readNumbers(ds, path, rows), where, path);
    const categories = readStrings(legacyCategories, path);
    checkCodes(codes, categories.length, where, path);
    return { kind: "categorical", codes, categories, ordered: Boolean(Number(attrValue(ds, "ordered") ?? 0)) };
  }
  const type = ds.metadata.type;
  if (type === 3) return { kind: "string", values: readStrings(ds, path, rows) };
  if (type === H5T_ENUM) return { kind: "boolean", values: Uint8Array.from(readNumbers(ds, path, rows), (v) => (v ? 1 : 0)) };
  if (type === 0 || type === 1) {
    if (ds.shape?.length !== 1) {
      warnings.push(`${where} is not 1-D; skipped`);
      return undefined;
    }
    return { kind: "numeric", values: readNumbers(ds, path, rows) };
  }
  warnings.push(`${where} has dtype ${JSON.stringify(ds.dtype)}, which this reader does not know; skipped`);
  return undefined;
}

function readMask(ds: H5Dataset, rows: { n: number; what: string }, path: string): Uint8Array {
  return Uint8Array.from(readNumbers(ds, path, rows), (v) => (v ? 1 : 0));
}

function toCodes(values: ArrayLike<number>, where: string, path: string): Int32Array {
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v)) throw new InputError(`${where} has a non-integer category code ${v} at row ${i}`, path);
    codes[i] = v;
  }
  return codes;
}

function checkCodes(codes: Int32Array, nCategories: number, where: string, path: string): void {
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < -1 || c >= nCategories) {
      throw new InputError(`${where} has code ${c} at row ${i}, outside -1–${nCategories - 1} (${nCategories} categories)`, path);
    }
  }
}

/** A column as one string per row; missing values become "". */
export function columnStrings(column: Column): string[] {
  switch (column.kind) {
    case "categorical":
      return Array.from(column.codes, (c) => (c < 0 ? "" : column.categories[c]!));
    case "string":
      return column.values.map((s, i) => (column.missing?.[i] ? "" : s));
    case "boolean":
      return Array.from(column.values, (v, i) => (column.missing?.[i] ? "" : v ? "True" : "False"));
    case "numeric":
      return Array.from(column.values, (v, i) => (column.missing?.[i] || Number.isNaN(v) ? "" : String(v)));
  }
}
