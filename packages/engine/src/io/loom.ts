/**
 * Loom files (loompy 2/3): `matrix` is genes × cells, dense and usually chunked; `row_attrs` holds
 * per-gene arrays (names in `Gene`), `col_attrs` per-cell arrays (names in `CellID`, labels in e.g.
 * `ClusterName`); `layers/<name>` hold other matrices of the same shape. The matrix is read in blocks
 * of gene rows and transposed to cells × genes.
 */
import { InputError } from "../errors.ts";
import { assertHdf5 } from "./detectFormat.ts";
import { DenseToCsr, planRowBlocks, type DenseValues } from "./denseToCsr.ts";
import { childDataset, isH5Group, readStrings, type H5Group } from "./h5elements.ts";
import { describeKeys, describeShape, H5T_FLOAT, H5T_INTEGER, H5T_STRING, isH5Dataset, loadH5wasm, withH5File, type H5File } from "./hdf5.ts";
import { transposeCsr } from "./sparse.ts";
import { DEFAULT_LABEL_KEYS, type Dataset, type ReadOptions } from "./types.ts";
import { checkDataset } from "./validate.ts";

const GENE_NAME_KEYS = ["Gene", "gene_names", "var_names", "Accession"];
const CELL_NAME_KEYS = ["CellID", "obs_names", "cell_names"];

/** Reads a loom file; options.matrix picks a layer ("layers/<name>"), options.labelKey a col_attrs entry. */
export async function readLoom(path: string, options: ReadOptions = {}): Promise<Dataset> {
  await assertHdf5(path);
  await loadH5wasm();
  return withH5File(path, (file) => readLoomFile(file, path, options));
}

function readLoomFile(file: H5File, path: string, options: ReadOptions): Dataset {
  const key = options.matrix ?? "matrix";
  if (key !== "matrix" && !/^layers\/[^/]+$/.test(key)) throw new InputError(`matrix '${key}' is not 'matrix' or layers/<name>`, path);
  const ds = file.get(key);
  if (!isH5Dataset(ds)) throw new InputError(ds === null ? `no dataset '${key}'` : `'${key}' is not a dataset`, path);
  const shape = ds.shape;
  if (shape === null || shape.length !== 2) throw new InputError(`${key} is not 2-D (shape: ${describeShape(shape)})`, path);
  const meta = ds.metadata;
  if (meta.type !== H5T_INTEGER && meta.type !== H5T_FLOAT) throw new InputError(`${key} has a non-numeric type (dtype ${JSON.stringify(ds.dtype)})`, path);
  const [nGenes, nCells] = shape as [number, number];
  if (nGenes === 0 || nCells === 0) throw new InputError(`${key} is empty (${nGenes} genes × ${nCells} cells)`, path);

  const rowAttrs = attrsGroup(file, "row_attrs", path);
  const colAttrs = attrsGroup(file, "col_attrs", path);
  let genes = names(rowAttrs, GENE_NAME_KEYS, nGenes, "gene", path);
  // Gene symbols may repeat in `Gene` while `Accession` is unique: then the accessions are the ids.
  if (new Set(genes).size < genes.length && rowAttrs.keys().includes("Accession")) genes = readStrings(childDataset(rowAttrs, "Accession", path), path, { n: nGenes, what: "genes" });
  const geneColumns: Record<string, string[]> = {};
  for (const key of ["Gene", "Accession", "gene_names", "var_names"]) {
    const ds = rowAttrs.get(key);
    if (isH5Dataset(ds) && ds.metadata.type === H5T_STRING) geneColumns[key] = readStrings(childDataset(rowAttrs, key, path), path, { n: nGenes, what: "genes" });
  }
  const geneNameColumn = ["Gene", "gene_names"].find((k) => k in geneColumns);
  const cells = names(colAttrs, CELL_NAME_KEYS, nCells, "cell", path);
  let labels: Pick<Dataset, "labels" | "labelKey"> = {};
  const labelKey = options.labelKey ?? DEFAULT_LABEL_KEYS.find((k) => colAttrs.keys().includes(k));
  if (labelKey !== undefined) {
    if (!colAttrs.keys().includes(labelKey)) throw new InputError(`no col_attrs/${labelKey} for labels (found: ${describeKeys(colAttrs.keys())})`, path);
    labels = { labels: readStrings(childDataset(colAttrs, labelKey, path), path, { n: nCells, what: "cells" }), labelKey: `col_attrs/${labelKey}` };
  }

  const builder = new DenseToCsr(nGenes, nCells, key, path, { row: "gene", col: "cell" });
  for (const [r0, r1] of planRowBlocks(nGenes, nCells, meta.size, meta.chunks?.[0] ?? null, options)) {
    options.signal?.throwIfAborted();
    const block = ds.slice([[r0, r1], []]);
    if (!ArrayBuffer.isView(block) || block instanceof DataView || (block as DenseValues).length !== (r1 - r0) * nCells) {
      throw new InputError(`${key} rows ${r0}–${r1} could not be read as numbers`, path);
    }
    builder.addRows(block as DenseValues);
    options.onProgress?.(r1 / nGenes);
  }
  const counts = transposeCsr(builder.finish());
  const warning = builder.nonIntegerWarning;
  return checkDataset(
    { counts, cells, genes, geneColumns, ...(geneNameColumn ? { geneNameColumn } : {}), ...labels, source: path, ...(warning ? { warnings: [warning] } : {}) },
    { cells: "col_attrs cell names", genes: "row_attrs gene names" },
  );
}

function attrsGroup(file: H5File, name: string, path: string): H5Group {
  const g = file.get(name);
  if (!isH5Group(g)) throw new InputError(`no '${name}' group (loom files have row_attrs and col_attrs)`, path);
  return g;
}

function names(group: H5Group, candidates: string[], n: number, what: string, path: string): string[] {
  const key = candidates.find((k) => group.keys().includes(k));
  if (key === undefined) return Array.from({ length: n }, (_, i) => `${what}${i}`);
  return readStrings(childDataset(group, key, path), path, { n, what: `${what}s` });
}
