/**
 * Reader for the scDeepCluster/scDCC "X/Y" HDF5 layout: a dense `X` (cells × genes, any integer or
 * float type, usually gzip-chunked) and optionally a 1-D `Y` of integer-valued label codes (stored as
 * int or float). The files carry no cell or gene names.
 */
import { InputError } from "../errors.ts";
import { assertHdf5 } from "./detectFormat.ts";
import { DenseToCsr, planRowBlocks, type DenseValues } from "./denseToCsr.ts";
import {
  describeKeys,
  describeShape,
  entityKind,
  H5T_FLOAT,
  H5T_INTEGER,
  H5T_STRING,
  isH5Dataset,
  loadH5wasm,
  withH5File,
  type H5Dataset,
  type H5File,
} from "./hdf5.ts";
import type { Dataset, ReadOptions } from "./types.ts";

export const SCDEEPCLUSTER_MATRIX_KEY = "X";
export const SCDEEPCLUSTER_DEFAULT_LABEL_KEY = "Y";

/**
 * Reads an scDeepCluster X/Y HDF5 file. `X` is read in row blocks straight into CSR, so the dense
 * matrix is never held whole on the JS side; values must be finite and non-negative. Labels come
 * from `labelKey` (default `Y`; a missing default `Y` gives `labels: undefined`) and are printed as
 * strings, integer-valued floats without ".0". Cells and genes are named `cell0…`, `gene0…`.
 * Every problem with the file is an InputError naming it.
 */
export async function readScDeepClusterH5(path: string, options: ReadOptions = {}): Promise<Dataset> {
  await assertHdf5(path);
  await loadH5wasm();
  return withH5File(path, (file) => readXY(file, path, options));
}

function readXY(file: H5File, path: string, options: ReadOptions): Dataset {
  const keys = file.keys();
  const x = file.get(SCDEEPCLUSTER_MATRIX_KEY);
  if (!isH5Dataset(x)) {
    if (x === null) throw new InputError(`no dataset 'X' (found: ${describeKeys(keys)})`, path);
    throw new InputError(`'X' is ${entityKind(x)}, not a dataset`, path);
  }
  const shape = x.shape;
  if (shape === null || shape.length !== 2) throw new InputError(`X is not 2-D (shape: ${describeShape(shape)})`, path);
  const [nCells, nGenes] = shape as [number, number];
  const meta = x.metadata;
  if (meta.type !== H5T_INTEGER && meta.type !== H5T_FLOAT) {
    throw new InputError(`X has a non-numeric type (dtype ${JSON.stringify(x.dtype)})`, path);
  }
  if (meta.type === H5T_FLOAT && meta.size !== 4 && meta.size !== 8) {
    throw new InputError(`X has ${meta.size * 8}-bit floats; only 32- and 64-bit floats are supported`, path);
  }
  if (nCells === 0 || nGenes === 0) throw new InputError(`X is empty (${nCells} × ${nGenes})`, path);

  // Labels first: they are small, and their problems should not wait for X to be read.
  const labelKey = options.labelKey ?? SCDEEPCLUSTER_DEFAULT_LABEL_KEY;
  const labels = readLabels(file, path, labelKey, nCells, options.labelKey !== undefined, keys);

  const builder = new DenseToCsr(nCells, nGenes, "X", path);
  const chunkRows = meta.chunks?.[0] ?? null;
  for (const [r0, r1] of planRowBlocks(nCells, nGenes, meta.size, chunkRows, options)) {
    options.signal?.throwIfAborted();
    builder.addRows(readRows(x, r0, r1, nGenes, path));
    options.onProgress?.(r1 / nCells);
  }
  const counts = builder.finish();
  return {
    counts,
    cells: Array.from({ length: nCells }, (_, i) => `cell${i}`),
    genes: Array.from({ length: nGenes }, (_, j) => `gene${j}`),
    ...(labels ? { labels, labelKey } : {}),
    source: path,
  };
}

function readRows(x: H5Dataset, r0: number, r1: number, nCols: number, path: string): DenseValues {
  const block = x.slice([[r0, r1], []]);
  if (!ArrayBuffer.isView(block) || block instanceof DataView || (block as DenseValues).length !== (r1 - r0) * nCols) {
    throw new InputError(`X rows ${r0}–${r1} could not be read as numbers`, path);
  }
  return block as DenseValues;
}

function readLabels(
  file: H5File,
  path: string,
  key: string,
  nCells: number,
  required: boolean,
  keys: string[],
): string[] | undefined {
  const y = file.get(key);
  if (y === null) {
    if (required) throw new InputError(`no dataset '${key}' for labels (found: ${describeKeys(keys)})`, path);
    return undefined;
  }
  if (!isH5Dataset(y)) throw new InputError(`'${key}' is ${entityKind(y)}, not a dataset of labels`, path);
  const shape = y.shape;
  if (shape === null || shape.length !== 1) throw new InputError(`${key} is not 1-D (shape: ${describeShape(shape)})`, path);
  const n = shape[0]!;
  if (n !== nCells) throw new InputError(`${key} has ${n} labels for ${nCells} cells`, path);
  const type = y.metadata.type;
  if (type !== H5T_INTEGER && type !== H5T_FLOAT && type !== H5T_STRING) {
    throw new InputError(`${key} has an unsupported type for labels (dtype ${JSON.stringify(y.dtype)})`, path);
  }
  const value = y.value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) return Array.from(value, (v) => v.toString());
  if (!ArrayBuffer.isView(value) || value instanceof DataView) {
    throw new InputError(`${key} could not be read as labels`, path);
  }
  const codes = value as Exclude<DenseValues, BigInt64Array | BigUint64Array>;
  if (codes.length !== nCells) throw new InputError(`${key} has ${codes.length} labels for ${nCells} cells`, path);
  let nan = 0;
  let infinite = 0;
  let first = -1;
  const labels = new Array<string>(nCells);
  for (let i = 0; i < nCells; i++) {
    const v = codes[i]!;
    if (!Number.isFinite(v)) {
      if (nan + infinite === 0) first = i;
      if (Number.isNaN(v)) nan++;
      else infinite++;
      continue;
    }
    labels[i] = String(v); // String(3) === "3": float codes print without ".0"
  }
  if (nan + infinite > 0) {
    const bad = nan + infinite;
    const what = infinite === 0 ? "NaN" : nan === 0 ? "infinite" : "NaN/infinite";
    throw new InputError(`${key} has ${bad} ${what} label${bad === 1 ? "" : "s"} (first at cell ${first})`, path);
  }
  return labels;
}
