/**
 * Cell Ranger output: matrix folders (v2: matrix.mtx, genes.tsv, barcodes.tsv; v3: the same gzipped
 * with features.tsv.gz) and filtered_feature_bc_matrix.h5 files (v3: a `matrix` group; v2: one group
 * per genome). Both store genes × cells, i.e. CSC with one column per cell, which is our cells × genes
 * CSR as it stands. Genes are named by their feature ID (unique, unlike symbols), and the symbols are
 * kept beside them as scanpy names the columns (`gene_ids`, `gene_symbols`); features whose type is
 * not "Gene Expression" (antibody capture, CRISPR guides…) are dropped with a warning.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.ts";
import { csrSubset, type CsrMatrix } from "../pp/csr.ts";
import { assertHdf5 } from "./detectFormat.ts";
import { childDataset, elementName, isH5Group, readNumberSlice, readNumbers, readStrings, type H5Group } from "./h5elements.ts";
import { describeKeys, loadH5wasm, withH5File, type H5File } from "./hdf5.ts";
import { statInputFile } from "./inputFile.ts";
import { readLabelFile } from "./labelFile.ts";
import { readMatrixMarket } from "./matrixMarket.ts";
import { checkIndptr, readCompressed } from "./sparse.ts";
import { readAllLines } from "./textFile.ts";
import type { Dataset, ReadOptions } from "./types.ts";
import { checkDataset } from "./validate.ts";

const GENE_EXPRESSION = "Gene Expression";

/** Reads a Cell Ranger matrix folder; labels come from options.labelsFile, else a labels.csv/tsv in the folder. */
export async function read10xMtx(dir: string, options: ReadOptions = {}): Promise<Dataset> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    await statInputFile(dir); // names the problem (not found, permission, not a folder)
    throw new InputError("is not a folder of a 10x matrix", dir);
  }
  const find = (...candidates: string[]) => candidates.find((c) => names.includes(c));
  const matrixName = find("matrix.mtx.gz", "matrix.mtx");
  const featuresName = find("features.tsv.gz", "features.tsv", "genes.tsv.gz", "genes.tsv");
  const barcodesName = find("barcodes.tsv.gz", "barcodes.tsv");
  if (!matrixName || !featuresName || !barcodesName) {
    const lacking = [!matrixName && "matrix.mtx(.gz)", !featuresName && "features.tsv.gz or genes.tsv", !barcodesName && "barcodes.tsv(.gz)"].filter(Boolean);
    throw new InputError(`not a 10x matrix folder: no ${lacking.join(", ")} (found: ${describeKeys(names)})`, dir);
  }
  const warnings: string[] = [];
  const featuresPath = join(dir, featuresName);
  const barcodesPath = join(dir, barcodesName);
  const features = (await readAllLines(featuresPath)).map((l) => l.split("\t"));
  const barcodes = (await readAllLines(barcodesPath)).map((l) => l.split("\t")[0]!);
  features.forEach((f, i) => {
    if (f.length < 2 || f[0] === "") throw new InputError(`line ${i + 1} is not 'id<TAB>name[<TAB>type]'`, featuresPath);
  });

  const mtxPath = join(dir, matrixName);
  const { matrix, nonInteger, nGenes, nCells } = await readMatrixMarket(mtxPath, options);
  if (nGenes !== features.length) throw new InputError(`${matrixName} has ${nGenes} genes (rows) but ${featuresName} lists ${features.length}`, dir);
  if (nCells !== barcodes.length) throw new InputError(`${matrixName} has ${nCells} cells (columns) but ${barcodesName} lists ${barcodes.length}`, dir);
  if (nonInteger) warnings.push(`${matrixName}: ${nonInteger}`);

  const { counts, genes, geneColumns } = keepGeneExpression(matrix, features.map((f) => f[0]!), features.map((f) => f[1]!), features.map((f) => f[2]), warnings);
  let labels: Pick<Dataset, "labels" | "labelKey"> = {};
  const labelsFile = options.labelsFile ?? (find("labels.csv", "labels.tsv", "labels.csv.gz") && join(dir, find("labels.csv", "labels.tsv", "labels.csv.gz")!));
  if (labelsFile) labels = await readLabelFile(labelsFile, barcodes, options.labelKey, warnings);
  else if (options.labelKey !== undefined) throw new InputError(`labelKey '${options.labelKey}' given but the folder has no labels.csv and no labelsFile was given`, dir);
  return checkDataset(
    { counts, cells: barcodes, genes, geneColumns, geneNameColumn: "gene_symbols", ...labels, source: dir, ...(warnings.length ? { warnings } : {}) },
    { cells: barcodesName, genes: featuresName },
  );
}

/** Drops features whose type is given and is not Gene Expression, with a warning counting them by type. */
function keepGeneExpression(
  m: CsrMatrix,
  ids: string[],
  symbols: string[],
  types: (string | undefined)[],
  warnings: string[],
): { counts: CsrMatrix; genes: string[]; geneColumns: Record<string, string[]> } {
  const keep: number[] = [];
  const dropped = new Map<string, number>();
  types.forEach((t, i) => {
    if (t === undefined || t === GENE_EXPRESSION) keep.push(i);
    else dropped.set(t, (dropped.get(t) ?? 0) + 1);
  });
  if (dropped.size === 0) return { counts: m, genes: ids, geneColumns: { gene_ids: ids, gene_symbols: symbols } };
  const n = ids.length - keep.length;
  warnings.push(`dropped ${n} ${n === 1 ? "feature that is" : "features that are"} not Gene Expression (${[...dropped].map(([t, c]) => `${t}: ${c}`).join(", ")})`);
  const genes = keep.map((i) => ids[i]!);
  return { counts: csrSubset(m, null, keep), genes, geneColumns: { gene_ids: genes, gene_symbols: keep.map((i) => symbols[i]!) } };
}

/** Reads a Cell Ranger HDF5 matrix (v3 `matrix` group, or the one genome group of v2; options.matrix picks a genome). */
export async function read10xH5(path: string, options: ReadOptions = {}): Promise<Dataset> {
  await assertHdf5(path);
  await loadH5wasm();
  const warnings: string[] = [];
  const partial = withH5File(path, (file) => read10xGroup(file, path, options, warnings));
  let labels: Pick<Dataset, "labels" | "labelKey"> = {};
  if (options.labelsFile) labels = await readLabelFile(options.labelsFile, partial.cells, options.labelKey, warnings);
  return checkDataset({ ...partial, ...labels, ...(warnings.length ? { warnings } : {}) }, { cells: "barcodes", genes: "features/id" });
}

function read10xGroup(file: H5File, path: string, options: ReadOptions, warnings: string[]): Dataset {
  const group = pickGroup(file, path, options.matrix);
  const where = elementName(group);
  const shape = Array.from(readNumbers(childDataset(group, "shape", path), path));
  if (shape.length !== 2) throw new InputError(`${where}/shape has ${shape.length} values; expected 2 (genes, cells)`, path);
  const [nGenes, nCells] = shape as [number, number];
  const cells = readStrings(childDataset(group, "barcodes", path), path, { n: nCells, what: "cells (columns)" });
  const v3 = isH5Group(group.get("features"));
  const featureGroup = v3 ? (group.get("features") as H5Group) : group;
  const ids = readStrings(childDataset(featureGroup, v3 ? "id" : "genes", path), path, { n: nGenes, what: "genes (rows)" });
  // v3 names symbols features/name, v2 gene_names; files without them get the ids as names.
  const nameKey = v3 ? "name" : "gene_names";
  const symbols = featureGroup.get(nameKey) !== null ? readStrings(childDataset(featureGroup, nameKey, path), path, { n: nGenes, what: "genes (rows)" }) : ids;
  const types = v3 && featureGroup.get("feature_type") !== null ? readStrings(childDataset(featureGroup, "feature_type", path), path, { n: nGenes, what: "genes (rows)" }) : [];

  const data = childDataset(group, "data", path);
  const indices = childDataset(group, "indices", path);
  const indptr = readNumbers(childDataset(group, "indptr", path), path);
  const nnz = data.shape?.[0] ?? 0;
  if ((indices.shape?.[0] ?? -1) !== nnz) throw new InputError(`${where}/indices has ${indices.shape?.[0]} entries but ${where}/data has ${nnz}`, path);
  checkIndptr(indptr, nCells, nnz, where, path);
  const { matrix, nonInteger } = readCompressed(
    { nMajor: nCells, nMinor: nGenes, indptr, readEntries: (a, b) => ({ indices: readNumberSlice(indices, a, b, path), data: readNumberSlice(data, a, b, path) }) },
    { matrix: where, major: "cell", minor: "gene" },
    path,
    options,
  );
  if (nonInteger) warnings.push(nonInteger);
  const { counts, genes, geneColumns } = keepGeneExpression(matrix, ids, symbols, types, warnings);
  return { counts, cells, genes, geneColumns, geneNameColumn: "gene_symbols", source: path };
}

function pickGroup(file: H5File, path: string, name: string | undefined): H5Group {
  if (name !== undefined) {
    const g = file.get(name);
    if (!isH5Group(g)) throw new InputError(`no group '${name}' (found: ${describeKeys(file.keys())})`, path);
    return g;
  }
  const matrix = file.get("matrix");
  if (isH5Group(matrix)) return matrix;
  const genomes = file.keys().filter((k) => {
    const g = file.get(k);
    return isH5Group(g) && g.keys().includes("indptr");
  });
  if (genomes.length === 1) return file.get(genomes[0]!) as H5Group;
  if (genomes.length === 0) throw new InputError(`no 10x matrix group (found: ${describeKeys(file.keys())})`, path);
  throw new InputError(`has ${genomes.length} genome groups (${genomes.join(", ")}); choose one with the matrix option`, path);
}
