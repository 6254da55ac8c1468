import type { CsrMatrix } from "../pp/csr.ts";

/** What every reader returns: counts plus the cell and gene tables it could find. */
export interface Dataset {
  /** Raw counts, cells × genes. */
  counts: CsrMatrix;
  /** One name per cell (generated as `cell0…` when the file has none). */
  cells: string[];
  /** One name per gene (generated as `gene0…` when the file has none). */
  genes: string[];
  /** The chosen label column, one entry per cell, or undefined when the file has no labels. */
  labels?: string[];
  /** Where the labels came from (e.g. `Y`, `obs/cell_type`). */
  labelKey?: string;
  /** Path of the file read. */
  source: string;
}

/** Options shared by the readers. Readers ignore the ones that do not apply to their format. */
export interface ReadOptions {
  /**
   * Where to take labels from. For the scDeepCluster X/Y layout this is a dataset name at the file's
   * root; the default `Y` may be missing (labels are then undefined), a key given explicitly must exist.
   */
  labelKey?: string;
  /** Rows read per slice of a dense matrix (default 2000; rounded up to whole HDF5 chunks when that fits maxBlockBytes). */
  rowsPerBlock?: number;
  /** Upper bound on the bytes of one dense slice as stored on disk (default 256 MiB). */
  maxBlockBytes?: number;
}
