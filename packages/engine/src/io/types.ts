import type { CsrMatrix } from "../pp/csr.ts";

/** What every reader returns: counts plus the cell and gene tables it could find. */
export interface Dataset {
  /** Raw counts, cells × genes. */
  counts: CsrMatrix;
  /** One name per cell (generated as `cell0…` when the file has none). */
  cells: string[];
  /** One name per gene, unique (the file's ids: 10x feature ids, the h5ad `var` index, loom `Gene`; generated as `gene0…` when the file has none). */
  genes: string[];
  /**
   * The file's text columns about genes, one entry per gene, such as `gene_ids` and `gene_symbols`
   * (10x features.tsv columns 1–2), the h5ad `var` index and its string columns (`feature_name`, …), or
   * loom `row_attrs` (`Gene`, `Accession`). Symbols repeat and may be empty, which is why `genes` stays the id.
   */
  geneColumns?: Record<string, string[]>;
  /** Which of geneColumns names genes as people read them (symbols), when the file has such a column. */
  geneNameColumn?: string;
  /**
   * The chosen label column, one entry per cell, or undefined when there are no labels. "" marks an
   * unlabelled cell (a missing value, or a cell a label file does not name): left out of every score
   * and of the number of classes, never a class of its own.
   */
  labels?: string[];
  /** Where the labels came from (e.g. `Y`, `obs/cell_type`). */
  labelKey?: string;
  /** Path of the file (or 10x folder) read. */
  source: string;
  /** What the reader skipped or doubts but read anyway (unknown encodings, non-integer counts, dropped features), one line each. */
  warnings?: string[];
}

/** The formats readDataset knows; "auto" (the default) detects them from the content. */
export const FORMATS = ["auto", "h5ad", "10x-h5", "10x-mtx", "loom", "csv", "scdeepcluster"] as const;
export type Format = (typeof FORMATS)[number];

/** Options shared by the readers. Readers ignore the ones that do not apply to their format. */
export interface ReadOptions {
  /**
   * Where to take labels from: a dataset at the root of an scDeepCluster X/Y file (default `Y`, may be
   * missing), an `obs` column of an h5ad, a `col_attrs` entry of a loom file, or a column of the label
   * file of a CSV or 10x folder. Without it, the first of DEFAULT_LABEL_KEYS present is used. A key
   * given explicitly must exist.
   */
  labelKey?: string;
  /** Format to read as, skipping detection. */
  format?: Format;
  /** h5ad only: which matrix holds the counts: "X" (default), "raw/X" or "layers/<name>". */
  matrix?: string;
  /**
   * A CSV/TSV with one row per cell (cell name first) holding the labels, matched by cell name; for
   * any format (it replaces labels the file itself has; labelKey then names the label file's column).
   */
  labelsFile?: string;
  /** CSV/TSV: whether rows are genes or cells; detected when not given. */
  orientation?: "genes-by-cells" | "cells-by-genes";
  /** Rows read per slice of a dense matrix (default 2000; rounded up to whole HDF5 chunks when that fits maxBlockBytes). */
  rowsPerBlock?: number;
  /** Upper bound on the bytes of one dense slice as stored on disk (default 256 MiB). */
  maxBlockBytes?: number;
  /** Stored entries read per slice of a sparse matrix (default 16 Mi). */
  entriesPerBlock?: number;
  /** Stops a long read between blocks. */
  signal?: AbortSignal;
  /** Called as a matrix is read, with the share done (0–1]: after each HDF5 block, or by bytes of a text file read. */
  onProgress?: (fraction: number) => void;
}

/** Label columns tried, in order, when no labelKey is given. */
export const DEFAULT_LABEL_KEYS = ["cell_type", "celltype", "cell_types", "CellType", "cell_ontology_class", "labels", "label", "ClusterName"];

/** var columns taken as gene symbols, in order of preference (10x, CELLxGENE, scanpy, Seurat, loom). */
export const GENE_SYMBOL_KEYS = ["gene_symbols", "feature_name", "gene_name", "gene_names", "symbol", "Symbol", "gene_symbol", "Gene", "features"];
