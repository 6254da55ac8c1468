/**
 * Writing results as h5ad (anndata on-disk spec 0.1.0/0.2.0 encodings) so scanpy, anndata and
 * CELLxGENE open them unchanged: counts as a csr_matrix `X`, `obs` with string columns as
 * categoricals ("" = missing, code -1) and numeric columns as arrays, `obsm` embeddings, and `uns`
 * as nested dicts of scalars and arrays. Large arrays are written in slices so the whole matrix never
 * has to be copied into the HDF5 library's memory at once.
 */
import { resolve } from "node:path";
import h5wasm from "h5wasm/node";
import type { Group as H5Group } from "h5wasm/node";
import type { CsrMatrix } from "../pp/csr.ts";
import { loadH5wasm, type H5File } from "./hdf5.ts";

/** An obs column: strings become a categorical, numbers a numeric array. */
export type ObsColumn = readonly string[] | Float32Array | Float64Array | Int32Array;

/**
 * A numpy record array (anndata's `rec-array` encoding): equal-length fields of strings or numbers,
 * as scanpy keeps `uns['rank_genes_groups']['names']` (one field per group).
 */
export class RecArray {
  constructor(readonly fields: readonly (readonly [name: string, values: readonly string[] | Float32Array | Float64Array])[]) {}
}

/** A pandas DataFrame in uns (scanpy's `pts` / `pts_rest`): a string index and numeric columns. */
export class UnsDataFrame {
  constructor(
    readonly index: readonly string[],
    readonly columns: Record<string, Float32Array | Float64Array>,
  ) {}
}

/** What goes into `uns`: JSON-like values (null entries are left out), record arrays and dataframes. */
export type UnsValue = number | string | boolean | null | readonly number[] | readonly string[] | RecArray | UnsDataFrame | { [key: string]: UnsValue };

export interface H5adContent {
  counts: CsrMatrix;
  cells: readonly string[];
  genes: readonly string[];
  obs?: Record<string, ObsColumn>;
  /** Gene columns beside the var index (e.g. `gene_symbols`). */
  var?: Record<string, ObsColumn>;
  /** Row-major [cells, nCols] matrices such as X_scfnccl and X_umap. */
  obsm?: Record<string, { values: Float32Array; nCols: number }>;
  uns?: Record<string, UnsValue>;
}

/** Values written per slice (8 Mi ≈ 32 MB of float32). */
const WRITE_SLICE = 8 * 1024 * 1024;

const encoding = (group: { create_attribute: H5Group["create_attribute"] }, type: string, version: string) => {
  group.create_attribute("encoding-type", type);
  group.create_attribute("encoding-version", version);
};

/** Writes `content` to a new h5ad at `path` (replacing any file there). `sliceValues` sets the write slice (tests use a small one). */
export async function writeH5ad(path: string, content: H5adContent, { sliceValues = WRITE_SLICE }: { sliceValues?: number } = {}): Promise<void> {
  const { counts, cells, genes } = content;
  if (cells.length !== counts.nRows || genes.length !== counts.nCols) {
    throw new Error(`writeH5ad: ${cells.length} cells and ${genes.length} genes for a ${counts.nRows} × ${counts.nCols} matrix`);
  }
  await loadH5wasm();
  const file = new h5wasm.File(resolve(path), "w");
  try {
    encoding(file, "anndata", "0.1.0");
    const x = file.create_group("X");
    encoding(x, "csr_matrix", "0.1.0");
    x.create_attribute("shape", new BigInt64Array([BigInt(counts.nRows), BigInt(counts.nCols)]));
    writeArray(x, "data", counts.data, sliceValues);
    writeArray(x, "indices", counts.indices, sliceValues);
    const nnz = counts.data.length;
    writeArray(x, "indptr", nnz < 2 ** 31 ? Int32Array.from(counts.indptr) : BigInt64Array.from(counts.indptr, (v) => BigInt(v)), sliceValues);

    writeDataFrame(file, "obs", cells, content.obs ?? {});
    writeDataFrame(file, "var", genes, content.var ?? {});
    const obsm = file.create_group("obsm");
    encoding(obsm, "dict", "0.1.0");
    for (const [name, { values, nCols }] of Object.entries(content.obsm ?? {})) {
      if (values.length !== counts.nRows * nCols) throw new Error(`writeH5ad: obsm ${name} has ${values.length} values for ${counts.nRows} × ${nCols}`);
      const ds = obsm.create_dataset({ name, data: values, shape: [counts.nRows, nCols], dtype: "<f4" });
      encoding(ds, "array", "0.2.0");
    }
    for (const name of ["layers", "obsp", "varm", "varp"]) encoding(file.create_group(name), "dict", "0.1.0");
    const uns = file.create_group("uns");
    encoding(uns, "dict", "0.1.0");
    writeDict(uns, content.uns ?? {});
  } finally {
    file.close();
  }
}

/** A 1-D numeric dataset written a slice at a time (resizable, chunked) when it is large. */
function writeArray(group: H5Group, name: string, values: Float32Array | Int32Array | BigInt64Array, slice: number): void {
  const dtype = values instanceof Float32Array ? "<f4" : values instanceof Int32Array ? "<i4" : "<i8";
  if (values.length <= slice) {
    const ds = group.create_dataset({ name, data: values, dtype });
    encoding(ds, "array", "0.2.0");
    return;
  }
  const ds = group.create_dataset({ name, data: values.subarray(0, slice), dtype, maxshape: [values.length], chunks: [Math.min(slice, 1 << 20)] });
  ds.resize([values.length]);
  for (let start = slice; start < values.length; start += slice) {
    const end = Math.min(values.length, start + slice);
    ds.write_slice([[start, end]], values.subarray(start, end));
  }
  encoding(ds, "array", "0.2.0");
}

/**
 * A dataframe group. With categorical columns it uses the dataframe 0.1.0 layout (codes datasets whose
 * `categories` attribute references `__categories/<name>`): the 0.2.0 categorical group needs an
 * `ordered` attribute that anndata 0.8 (Debian's) accepts only as an HDF5 enum boolean, which h5wasm
 * cannot write. Every anndata version still reads 0.1.0 dataframes.
 */
function writeDataFrame(file: H5File, name: string, index: readonly string[], columns: Record<string, ObsColumn>): void {
  writeFrame(file, name, index, columns);
}

function writeFrame(parent: H5Group | H5File, name: string, index: readonly string[], columns: Record<string, ObsColumn>): void {
  const group = parent.create_group(name);
  const categorical = Object.values(columns).some((c) => Array.isArray(c));
  encoding(group, "dataframe", categorical ? "0.1.0" : "0.2.0");
  group.create_attribute("_index", "_index");
  const names = Object.keys(columns);
  // anndata writes an empty float64 array for a dataframe without columns; an empty string list cannot be typed.
  if (names.length) group.create_attribute("column-order", names);
  else group.create_attribute("column-order", new Float64Array(0));
  const idx = group.create_dataset({ name: "_index", data: [...index] });
  encoding(idx, "string-array", "0.2.0");
  const categories = categorical ? group.create_group("__categories") : undefined;
  for (const [col, values] of Object.entries(columns)) {
    if (values.length !== index.length) throw new Error(`writeH5ad: ${name} column ${col} has ${values.length} values for ${index.length} rows`);
    if (Array.isArray(values)) writeCategorical(group, categories!, col, values as readonly string[]);
    else {
      const ds = group.create_dataset({ name: col, data: values as Float32Array | Float64Array | Int32Array });
      encoding(ds, "array", "0.2.0");
    }
  }
}

function writeCategorical(group: H5Group, categoriesGroup: H5Group, name: string, values: readonly string[]): void {
  // All-missing columns still need one (unused) category: h5wasm cannot type an empty string array.
  const categories = [...new Set(values.filter((v) => v !== ""))].sort(naturalOrder);
  const code = new Map(categories.map((c, i) => [c, i]));
  const codes = categories.length < 128 ? new Int8Array(values.length) : categories.length < 32768 ? new Int16Array(values.length) : new Int32Array(values.length);
  values.forEach((v, i) => (codes[i] = code.get(v) ?? -1));
  const cats = categoriesGroup.create_dataset({ name, data: categories.length ? categories : [""] });
  encoding(cats, "string-array", "0.2.0");
  const ds = group.create_dataset({ name, data: codes });
  encoding(ds, "array", "0.2.0");
  ds.create_attribute("categories", cats.create_reference());
}

/** "2" before "10", as people number clusters. */
function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

function writeDict(group: H5Group, values: Record<string, UnsValue>): void {
  for (const [key, v] of Object.entries(values)) {
    if (v === null) continue;
    if (typeof v === "number" || typeof v === "boolean") {
      encoding(group.create_dataset({ name: key, data: Number(v) }), "numeric-scalar", "0.2.0");
    } else if (typeof v === "string") {
      encoding(group.create_dataset({ name: key, data: v }), "string", "0.2.0");
    } else if (v instanceof RecArray) {
      writeRecArray(group, key, v);
    } else if (v instanceof UnsDataFrame) {
      writeFrame(group, key, v.index, v.columns);
    } else if (Array.isArray(v)) {
      if (v.every((x) => typeof x === "string")) encoding(group.create_dataset({ name: key, data: [...(v as string[])] }), "string-array", "0.2.0");
      else encoding(group.create_dataset({ name: key, data: Float64Array.from(v as number[]) }), "array", "0.2.0");
    } else {
      const sub = group.create_group(key);
      encoding(sub, "dict", "0.1.0");
      writeDict(sub, v as Record<string, UnsValue>);
    }
  }
}

/**
 * A compound dataset of fixed-length strings and floats, which anndata reads back as a numpy record
 * array (it turns fixed-length bytes into str). h5wasm cannot write variable-length strings inside a
 * compound, so each string field is as wide as its longest UTF-8 value.
 */
function writeRecArray(group: H5Group, name: string, rec: RecArray): void {
  const n = rec.fields[0]?.[1].length ?? 0;
  const encoder = new TextEncoder();
  const dtype: [string, string][] = [];
  const data = new Map<string, Float32Array | Float64Array | string[]>();
  for (const [field, values] of rec.fields) {
    if (values.length !== n) throw new Error(`writeH5ad: record array ${name} field ${field} has ${values.length} values, not ${n}`);
    if (values instanceof Float32Array || values instanceof Float64Array) {
      dtype.push([field, values instanceof Float32Array ? "<f" : "<d"]); // h5wasm reads "<f8" as float32: its dtype letters are struct codes
      data.set(field, values);
    } else {
      const strings = [...(values as readonly string[])];
      dtype.push([field, `A${Math.max(1, ...strings.map((v) => encoder.encode(v).length))}`]);
      data.set(field, strings);
    }
  }
  const ds = group.create_dataset({ name, data: data as never, shape: [n], dtype: dtype as never });
  encoding(ds, "rec-array", "0.2.0");
}
