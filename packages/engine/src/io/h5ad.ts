/**
 * Reader for AnnData's h5ad files (the anndata on-disk spec, 0.7 to current, including the pre-0.8
 * categorical layout). Counts come from `X` (dense, csr_matrix or csc_matrix), or from `raw/X` or a
 * layer on request; cell and gene names from the `obs` and `var` (or `raw/var`) indexes; labels from an
 * `obs` column. A dense X is read in row blocks and a sparse one in entry blocks, so only the CSR
 * result is ever held whole.
 */
import { InputError } from "../errors.ts";
import type { CsrMatrix } from "../pp/csr.ts";
import { assertHdf5 } from "./detectFormat.ts";
import { DenseToCsr, planRowBlocks, type DenseValues } from "./denseToCsr.ts";
import { childDataset, elementName, integerListAttr, isH5Group, readNumberSlice, readNumbers, stringAttr, type H5Group } from "./h5elements.ts";
import { columnStrings, readDataFrame, type DataFrame } from "./h5adDataframe.ts";
import { describeKeys, describeShape, entityKind, H5T_FLOAT, H5T_INTEGER, isH5Dataset, loadH5wasm, withH5File, type H5Dataset, type H5File } from "./hdf5.ts";
import { checkIndptr, readCompressed, transposeCsr } from "./sparse.ts";
import { DEFAULT_LABEL_KEYS, GENE_SYMBOL_KEYS, type Dataset, type ReadOptions } from "./types.ts";
import { checkDataset } from "./validate.ts";

/** Reads an h5ad file; see the module comment. Every problem with the file is an InputError naming it. */
export async function readH5ad(path: string, options: ReadOptions = {}): Promise<Dataset> {
  await assertHdf5(path);
  await loadH5wasm();
  return withH5File(path, (file) => readAnnData(file, path, options));
}

function readAnnData(file: H5File, path: string, options: ReadOptions): Dataset {
  const warnings: string[] = [];
  const matrixKey = options.matrix ?? "X";
  if (matrixKey !== "X" && matrixKey !== "raw/X" && !/^layers\/[^/]+$/.test(matrixKey)) {
    throw new InputError(`matrix '${matrixKey}' is not X, raw/X or layers/<name>`, path);
  }
  const element = file.get(matrixKey);
  if (element === null) throw new InputError(`no '${matrixKey}' (${availableMatrices(file)})`, path);
  const matrix = openMatrix(element, matrixKey, path);

  const obs = readDataFrame(file, "obs", matrix.nRows, path, warnings);
  const varKey = matrixKey === "raw/X" ? "raw/var" : "var";
  const vars = readDataFrame(file, varKey, matrix.nCols, path, warnings);
  const labels = chooseLabels(obs, options.labelKey, path);

  const { counts, nonInteger } = matrix.read(options);
  if (nonInteger) warnings.push(nonInteger);
  return checkDataset(
    {
      counts,
      cells: obs.index,
      genes: vars.index,
      ...geneTable(vars),
      ...labels,
      source: path,
      ...(warnings.length ? { warnings } : {}),
    },
    { cells: "obs index", genes: `${varKey} index` },
  );
}

/** The var index (as `var_names`) and var's text columns; the display name is the first symbol column found. */
function geneTable(vars: DataFrame): Pick<Dataset, "geneColumns" | "geneNameColumn"> {
  const geneColumns: Record<string, string[]> = { var_names: vars.index };
  for (const [key, column] of vars.columns) {
    if ((column.kind === "string" || column.kind === "categorical") && key !== "var_names") geneColumns[key] = columnStrings(column);
  }
  return { geneColumns, geneNameColumn: GENE_SYMBOL_KEYS.find((k) => k in geneColumns) ?? "var_names" };
}

function availableMatrices(file: H5File): string {
  const found: string[] = [];
  if (file.get("X") !== null) found.push("X");
  const raw = file.get("raw");
  if (isH5Group(raw) && raw.get("X") !== null) found.push("raw/X");
  const layers = file.get("layers");
  if (isH5Group(layers)) for (const k of layers.keys()) found.push(`layers/${k}`);
  return `matrices found: ${describeKeys(found)}`;
}

function chooseLabels(obs: DataFrame, labelKey: string | undefined, path: string): Pick<Dataset, "labels" | "labelKey"> {
  if (labelKey !== undefined) {
    const column = obs.columns.get(labelKey);
    if (!column) throw new InputError(`no obs column '${labelKey}' for labels (columns: ${describeKeys([...obs.columns.keys()])})`, path);
    return { labels: columnStrings(column), labelKey: `obs/${labelKey}` };
  }
  for (const key of DEFAULT_LABEL_KEYS) {
    const column = obs.columns.get(key);
    if (column) return { labels: columnStrings(column), labelKey: `obs/${key}` };
  }
  return {};
}

interface OpenMatrix {
  nRows: number;
  nCols: number;
  read(options: ReadOptions): { counts: CsrMatrix; nonInteger?: string };
}

/** Checks the matrix element's layout and shape; reading comes later, after obs/var are known to fit. */
function openMatrix(element: ReturnType<H5File["get"]>, key: string, path: string): OpenMatrix {
  if (isH5Dataset(element)) return openDense(element, key, path);
  if (!isH5Group(element)) throw new InputError(`'${key}' is ${entityKind(element)}, not a matrix`, path);
  const encoding = stringAttr(element, "encoding-type");
  const legacy = stringAttr(element, "h5sparse_format");
  const format = encoding ?? (legacy ? `${legacy}_matrix` : undefined);
  if (format !== "csr_matrix" && format !== "csc_matrix") {
    throw new InputError(
      format === undefined ? `${key} is a group without an encoding-type (expected csr_matrix or csc_matrix)` : `${key} has unsupported encoding-type '${format}' (expected array, csr_matrix or csc_matrix)`,
      path,
    );
  }
  return openSparse(element, key, format === "csr_matrix", path);
}

function openDense(ds: H5Dataset, key: string, path: string): OpenMatrix {
  const shape = ds.shape;
  if (shape === null || shape.length !== 2) throw new InputError(`${key} is not 2-D (shape: ${describeShape(shape)})`, path);
  const meta = ds.metadata;
  if (meta.type !== H5T_INTEGER && meta.type !== H5T_FLOAT) throw new InputError(`${key} has a non-numeric type (dtype ${JSON.stringify(ds.dtype)})`, path);
  const [nRows, nCols] = shape as [number, number];
  if (nRows === 0 || nCols === 0) throw new InputError(`${key} is empty (${nRows} × ${nCols})`, path);
  return {
    nRows,
    nCols,
    read(options) {
      const builder = new DenseToCsr(nRows, nCols, key, path);
      for (const [r0, r1] of planRowBlocks(nRows, nCols, meta.size, meta.chunks?.[0] ?? null, options)) {
        options.signal?.throwIfAborted();
        const block = ds.slice([[r0, r1], []]);
        if (!ArrayBuffer.isView(block) || block instanceof DataView || (block as DenseValues).length !== (r1 - r0) * nCols) {
          throw new InputError(`${key} rows ${r0}–${r1} could not be read as numbers`, path);
        }
        builder.addRows(block as DenseValues);
        options.onProgress?.(r1 / nRows);
      }
      const counts = builder.finish();
      const nonInteger = builder.nonIntegerWarning;
      return nonInteger ? { counts, nonInteger } : { counts };
    },
  };
}

function openSparse(group: H5Group, key: string, csr: boolean, path: string): OpenMatrix {
  const shape = integerListAttr(group, "shape", path) ?? integerListAttr(group, "h5sparse_shape", path);
  if (!shape || shape.length !== 2) throw new InputError(`${key} has no 2-element 'shape' attribute`, path);
  const [nRows, nCols] = shape as [number, number];
  if (nRows === 0 || nCols === 0) throw new InputError(`${key} is empty (${nRows} × ${nCols})`, path);
  const data = childDataset(group, "data", path);
  const indices = childDataset(group, "indices", path);
  const indptrDs = childDataset(group, "indptr", path);
  return {
    nRows,
    nCols,
    read(options) {
      const nMajor = csr ? nRows : nCols;
      const indptr = readNumbers(indptrDs, path);
      const nnz = readLength(data, path);
      if (readLength(indices, path) !== nnz) throw new InputError(`${key}/indices has ${readLength(indices, path)} entries but ${key}/data has ${nnz}`, path);
      checkIndptr(indptr, nMajor, nnz, elementName(group), path);
      const source = {
        nMajor,
        nMinor: csr ? nCols : nRows,
        indptr,
        readEntries: (start: number, end: number) => ({ indices: readNumberSlice(indices, start, end, path), data: readNumberSlice(data, start, end, path) }),
      };
      const names = csr ? ({ matrix: key, major: "cell", minor: "gene" } as const) : ({ matrix: key, major: "gene", minor: "cell" } as const);
      const { matrix, nonInteger } = readCompressed(source, names, path, options);
      const counts = csr ? matrix : transposeCsr(matrix);
      return nonInteger ? { counts, nonInteger } : { counts };
    },
  };
}

function readLength(ds: H5Dataset, path: string): number {
  const shape = ds.shape;
  if (shape === null || shape.length !== 1) throw new InputError(`${elementName(ds)} is not 1-D (shape: ${describeShape(shape)})`, path);
  return shape[0]!;
}
