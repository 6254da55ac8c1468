/**
 * What the platform derives from a dataset once, at upload, so that per-cell questions are one
 * lookup: the log-normalised expression stored gene by gene (CSC: one gene's values for every cell
 * are one contiguous slice, so colouring 100k cells by a gene reads only that gene's entries), the
 * per-cell QC columns (total counts, genes detected, % mitochondrial), and the gene table (ids and
 * the file's symbol columns). The engine computes; this module only lays the results out.
 */
import { io, tl, type pp } from "@scfnccl/engine";
import { decodeArrays, encodeArrays } from "./arrays.ts";

type Dataset = Awaited<ReturnType<typeof io.readDataset>>;

export const datasetKeys = {
  expression: (datasetId: string) => `datasets/${datasetId}/derived/expression.bin`,
  obs: (datasetId: string) => `datasets/${datasetId}/derived/obs.bin`,
  /** `DatasetNames` as JSON: cell names and the gene table. */
  names: (datasetId: string) => `datasets/${datasetId}/derived/names.json`,
};

/** Per-cell QC columns, in the dataset's cell order (scanpy's `calculate_qc_metrics` names). */
export const OBS_KEYS = ["total_counts", "n_genes_by_counts", "pct_counts_mt"] as const;
export type ObsKey = (typeof OBS_KEYS)[number];

/** The dataset's genes: ids (unique), the file's text columns about them, and which one names them for people. */
export interface GeneTable {
  ids: string[];
  columns: Record<string, string[]>;
  /** A key of columns, or null when genes are shown by id. */
  nameColumn: string | null;
}

/** Genes as stored: gene j's values are values[colPtr[j] .. colPtr[j+1]), for the cells rows[…] (dataset order). */
export interface ExpressionStore {
  nCells: number;
  nGenes: number;
  colPtr: Float64Array;
  rows: Int32Array;
  values: Float32Array;
}

export function geneTableOf(data: Pick<Dataset, "genes" | "geneColumns" | "geneNameColumn">): GeneTable {
  const columns: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(data.geneColumns ?? {})) if (values !== data.genes && name !== "var_names") columns[name] = values;
  const nameColumn = data.geneNameColumn && data.geneNameColumn in columns ? data.geneNameColumn : null;
  return { ids: data.genes, columns, nameColumn };
}

/** The display name of every gene: the name column's value, or the id where that is empty. */
export function displayNames(table: GeneTable, nameColumn: string | null = table.nameColumn): string[] {
  const col = nameColumn ? table.columns[nameColumn] : undefined;
  return col ? table.ids.map((id, j) => col[j] || id) : table.ids;
}

/** log1p(counts / total · 1e4) of every cell (engine tl.logNormalize), stored gene by gene. */
export function encodeExpression(counts: pp.CsrMatrix): Uint8Array {
  const byGene = io.transposeCsr(tl.logNormalize(counts, null));
  return encodeArrays(
    { nCells: counts.nRows, nGenes: counts.nCols },
    { colPtr: Float64Array.from(byGene.indptr), rows: Int32Array.from(byGene.indices), values: Float32Array.from(byGene.data) },
  );
}

export function decodeExpression(bytes: Uint8Array): ExpressionStore {
  const { meta, arrays } = decodeArrays<{ nCells: number; nGenes: number }>(bytes);
  return { ...meta, colPtr: arrays["colPtr"] as Float64Array, rows: arrays["rows"] as Int32Array, values: arrays["values"] as Float32Array };
}

/**
 * Gene j's expression for the cells of a run: `position[c]` is dataset cell c's place in the run's
 * cell order (-1 = not clustered), `n` the run's cell count. Zero where the cell does not express it.
 */
export function geneValues(store: ExpressionStore, j: number, position: Int32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  const end = store.colPtr[j + 1]!;
  for (let k = store.colPtr[j]!; k < end; k++) {
    const p = position[store.rows[k]!]!;
    if (p >= 0) out[p] = store.values[k]!;
  }
  return out;
}

/** Where each dataset cell sits in a run's cell order (-1 when the run left it out). */
export function cellPositions(nCells: number, runCells: Int32Array): Int32Array {
  const position = new Int32Array(nCells).fill(-1);
  runCells.forEach((c, i) => (position[c] = i));
  return position;
}

/** Genes counted as mitochondrial for `pct_counts_mt`: names starting MT- (human) or mt- (mouse), as scanpy's tutorials. */
export const isMitochondrial = (name: string) => name.startsWith("MT-") || name.startsWith("mt-");

/** total_counts, n_genes_by_counts and pct_counts_mt of every cell, from the raw counts. */
export function encodeObs(counts: pp.CsrMatrix, names: readonly string[]): Uint8Array {
  const mt = Uint8Array.from(names, (g) => (isMitochondrial(g) ? 1 : 0));
  const total = new Float32Array(counts.nRows);
  const detected = new Float32Array(counts.nRows);
  const pctMt = new Float32Array(counts.nRows);
  for (let r = 0; r < counts.nRows; r++) {
    let t = 0;
    let d = 0;
    let m = 0;
    for (let k = counts.indptr[r]!; k < counts.indptr[r + 1]!; k++) {
      const v = counts.data[k]!;
      t += v;
      if (v !== 0) d++;
      if (mt[counts.indices[k]!]) m += v;
    }
    total[r] = t;
    detected[r] = d;
    pctMt[r] = t > 0 ? (100 * m) / t : 0;
  }
  return encodeArrays({ mitochondrialGenes: mt.reduce((a, b) => a + b, 0) }, { total_counts: total, n_genes_by_counts: detected, pct_counts_mt: pctMt });
}

export function decodeObs(bytes: Uint8Array): { mitochondrialGenes: number; columns: Record<ObsKey, Float32Array> } {
  const { meta, arrays } = decodeArrays<{ mitochondrialGenes: number }>(bytes);
  return { mitochondrialGenes: meta.mitochondrialGenes, columns: arrays as Record<ObsKey, Float32Array> };
}

/**
 * Genes whose display name or id matches `query` (case-insensitive): prefix matches first (shorter
 * names first), then substring matches, at most `first`.
 */
export function searchGenes(table: GeneTable, names: readonly string[], query: string, first: number): number[] {
  const q = query.trim().toLowerCase();
  const prefix: number[] = [];
  const inside: number[] = [];
  for (let j = 0; j < table.ids.length; j++) {
    const name = names[j]!.toLowerCase();
    const id = table.ids[j]!.toLowerCase();
    if (name.startsWith(q) || id.startsWith(q)) prefix.push(j);
    else if (q && (name.includes(q) || id.includes(q))) inside.push(j);
  }
  const byLength = (a: number, b: number) => names[a]!.length - names[b]!.length || names[a]!.localeCompare(names[b]!);
  return [...prefix.sort(byLength), ...inside.sort(byLength)].slice(0, first);
}

/** Finds one gene by display name or id (exact, then case-insensitive); -1 when none. */
export function findGene(table: GeneTable, names: readonly string[], gene: string): number {
  let j = names.indexOf(gene);
  if (j < 0) j = table.ids.indexOf(gene);
  if (j >= 0) return j;
  const g = gene.toLowerCase();
  j = names.findIndex((n) => n.toLowerCase() === g);
  return j >= 0 ? j : table.ids.findIndex((n) => n.toLowerCase() === g);
}

/** The dataset's cell names (in its cell order) and gene table. */
export interface DatasetNames {
  cells: string[];
  genes: GeneTable;
}

/** Everything derived at upload, ready to store under datasetKeys. */
export function deriveDatasetFiles(data: Dataset): { expression: Uint8Array; obs: Uint8Array; names: DatasetNames } {
  const genes = geneTableOf(data);
  return { expression: encodeExpression(data.counts), obs: encodeObs(data.counts, displayNames(genes)), names: { cells: data.cells, genes } };
}
