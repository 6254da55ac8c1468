/**
 * The one entry point for reading a dataset whatever its format: the format is detected from the
 * file's content (HDF5 layouts from their root entries, text from its first bytes), then the
 * matching reader runs. A folder is read as a 10x Cell Ranger matrix folder, a text file (plain or
 * gzip) as a CSV/TSV table.
 */
import { stat } from "node:fs/promises";
import { InputError } from "../errors.ts";
import { detectFormat } from "./detectFormat.ts";
import { isH5Group, stringAttr } from "./h5elements.ts";
import { readH5ad } from "./h5ad.ts";
import { describeKeys, entityKind, isH5Dataset, loadH5wasm, withH5File } from "./hdf5.ts";
import { readScDeepClusterH5, SCDEEPCLUSTER_MATRIX_KEY } from "./scDeepCluster.ts";
import { readDelimited } from "./delimited.ts";
import { readLabelFile } from "./labelFile.ts";
import { readLoom } from "./loom.ts";
import { read10xH5, read10xMtx } from "./tenx.ts";
import type { Dataset, Format, ReadOptions } from "./types.ts";

/** Which reader an HDF5 file needs, judged from its root entries. */
export type Hdf5Layout =
  | { kind: "h5ad" }
  | { kind: "loom" }
  | { kind: "10x-h5" }
  | { kind: "scdeepcluster" }
  | { kind: "unknown"; rootKeys: string[]; xKind: string };

/** Looks at the root of an HDF5 file (opened and closed again) to choose its reader. */
export async function detectHdf5Layout(path: string): Promise<Hdf5Layout> {
  await loadH5wasm();
  return withH5File(path, (file): Hdf5Layout => {
    const keys = file.keys();
    const has = (k: string) => keys.includes(k);
    if (stringAttr(file, "encoding-type") === "anndata" || (has("obs") && has("var"))) return { kind: "h5ad" };
    const matrix = file.get("matrix");
    if (isH5Dataset(matrix) && has("row_attrs") && has("col_attrs")) return { kind: "loom" };
    if (isH5Group(matrix) && matrix.keys().includes("indptr")) return { kind: "10x-h5" };
    const x = file.get(SCDEEPCLUSTER_MATRIX_KEY);
    if (isH5Dataset(x)) return { kind: "scdeepcluster" };
    // Cell Ranger 2: one group per genome, each a CSC matrix with barcodes and genes.
    for (const k of keys) {
      const g = file.get(k);
      if (isH5Group(g) && ["barcodes", "indptr", "genes"].every((c) => g.keys().includes(c))) return { kind: "10x-h5" };
    }
    return { kind: "unknown", rootKeys: keys, xKind: entityKind(x) };
  });
}

/**
 * Reads a dataset from `path`, choosing the reader from the file's content (or `options.format`).
 * Any problem with the input is an InputError whose one-line message names the file.
 */
export async function readDataset(path: string, options: ReadOptions = {}): Promise<Dataset> {
  try {
    return await readAs(path, options.format && options.format !== "auto" ? options.format : await detect(path), options);
  } catch (e) {
    // A corrupt size field can claim more memory than exists; say so about the file instead of crashing.
    if (e instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer/i.test(e.message)) {
      throw new InputError(`too large to hold in memory (${e.message}); the file may be corrupt`, path);
    }
    throw e;
  }
}

function readAs(path: string, format: Exclude<Format, "auto">, options: ReadOptions): Promise<Dataset> {
  switch (format) {
    case "h5ad":
      return withLabelFile(readH5ad, path, options);
    case "scdeepcluster":
      return withLabelFile(readScDeepClusterH5, path, options);
    case "10x-mtx":
      return read10xMtx(path, options);
    case "10x-h5":
      return read10xH5(path, options);
    case "loom":
      return withLabelFile(readLoom, path, options);
    case "csv":
      return readDelimited(path, options);
  }
}

/**
 * Runs a reader of a format that carries its own labels; with options.labelsFile the labels come from
 * that file instead (labelKey then names its column), matched to the cells by name.
 */
async function withLabelFile(read: (path: string, options: ReadOptions) => Promise<Dataset>, path: string, options: ReadOptions): Promise<Dataset> {
  if (options.labelsFile === undefined) return read(path, options);
  const { labelKey: _labelKey, ...rest } = options;
  const { labels: _labels, labelKey: _key, ...data } = await read(path, rest);
  const warnings = [...(data.warnings ?? [])];
  const labels = await readLabelFile(options.labelsFile, data.cells, options.labelKey, warnings);
  return { ...data, ...labels, ...(warnings.length ? { warnings } : {}) };
}

/** File names whose extension says HDF5 (scDeepCluster and 10x .h5, .hdf5, h5ad, loom). */
const HDF5_NAME = /\.(h5|hdf5|h5ad|loom)$/i;

async function detect(path: string): Promise<Exclude<Format, "auto">> {
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (isDir) return "10x-mtx";
  const format = await detectFormat(path);
  if (format.kind === "hdf5") {
    const layout = await detectHdf5Layout(path);
    if (layout.kind !== "unknown") return layout.kind;
    throw new InputError(
      layout.xKind === "nothing"
        ? `an HDF5 file of no known layout (not h5ad, loom, 10x or X/Y; found: ${describeKeys(layout.rootKeys)})`
        : `'X' is ${layout.xKind}, not a dataset (found: ${describeKeys(layout.rootKeys)})`,
      path,
    );
  }
  // The content decides the format, but a name that promises HDF5 makes "not HDF5" the diagnosis
  // the user needs (a text or truncated download saved as .h5), rather than what else it is not.
  const namedHdf5 = HDF5_NAME.test(path);
  if (format.kind === "text") {
    if (/^%%MatrixMarket/i.test(format.firstLine)) {
      throw new InputError("is a Matrix Market file, which holds no cell or gene names; read the 10x folder it belongs to", path);
    }
    if (namedHdf5) {
      const table = /[,\t;]/.test(format.firstLine);
      throw new InputError(
        `the name says HDF5 (${path.match(HDF5_NAME)![0]}) but the content is ${table ? "a text table (CSV/TSV), not HDF5; rename it to .csv, or upload the real HDF5 file" : "text, not HDF5 (no HDF5 signature), and not a CSV/TSV table either"}`,
        path,
      );
    }
    if (/[,\t;]/.test(format.firstLine)) return "csv";
    throw new InputError("is a text file but not a CSV/TSV table (no comma, tab or semicolon in its first line)", path);
  }
  if (namedHdf5) throw new InputError(`the name says HDF5 (${path.match(HDF5_NAME)![0]}) but the content is not HDF5 (no HDF5 signature at byte 0 or after a user block; truncated or another format)`, path);
  throw new InputError("unrecognised format (not HDF5, not text; gzip is read only when it holds text)", path);
}
