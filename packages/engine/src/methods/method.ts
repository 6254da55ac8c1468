/**
 * What a clustering method is: the options every method gets, what it returns, and its registry
 * entry. Below the registry (`cluster.ts`) and the methods, so neither imports the other's file.
 */
import type { Dataset } from "../io/types.ts";
import type { KSelection } from "../tl/kSelection.ts";
import type { OnClusterProgress } from "../progress.ts";
import type { MethodSettings } from "./settings.ts";

/** What every method gets. Options a method has no use for are ignored by it. */
export interface MethodOptions {
  /** Number of clusters: required by methods with `needsK` (filled from the labels when the data has them, else estimated). */
  k?: number;
  /** Set (with k undefined) for methods with `estimatesK` when the number of clusters is to be estimated by the method itself. */
  estimateK?: boolean;
  /** Modularity resolution for graph methods (used when k is not given). */
  resolution?: number;
  seed: number;
  /** Highly variable genes kept. Default 2000. */
  nTopGenes?: number;
  emptyCells: "error" | "drop";
  /** Method settings by name (e.g. training settings of deep methods, `embedding: "h"`). */
  settings: Record<string, number | string>;
  onProgress?: OnClusterProgress;
  signal?: AbortSignal;
  /**
   * Trainers that checkpoint (`resumable` in the registry): resume from bytes an earlier
   * `onCheckpoint` gave, and hand over checkpoints every `checkpointEvery` epochs and after the last.
   * Other methods ignore these and run from the start.
   */
  resumeFrom?: Uint8Array;
  checkpointEvery?: number;
  onCheckpoint?: (bytes: Uint8Array, epoch: number) => void | Promise<void>;
}

/** What a method returns; `tl.cluster` adds timing and scores. */
export interface MethodOutput {
  /** Indices (into the dataset's cells) of the cells clustered, in output order. */
  cells: Int32Array;
  clusters: Int32Array;
  k: number;
  /** Row-major [cells, dim] embedding the clusters were found in, when the method has one. */
  embedding?: { values: Float32Array; dim: number };
  resolution?: number;
  /** Further per-cell clusterings worth keeping (e.g. scFNCCL's cluster-head argmax), by column name. */
  extraClusters?: Record<string, Int32Array>;
  /** Method-specific figures for metrics.json. */
  details?: Record<string, unknown>;
  /** How k was estimated (each candidate k with its score), when it was. */
  kSelection?: KSelection;
  /** Method-specific files to save beside the clusters (e.g. a model checkpoint), by file name. */
  files?: Record<string, Uint8Array>;
}

export interface ClusterMethod {
  /** One line for the CLI's and the web app's method lists. */
  description: string;
  /** The method needs k; it is taken from the labels when the dataset has them and k is not given. */
  needsK: boolean;
  /** The method has a resolution (and searches it when k is given). */
  usesResolution: boolean;
  /** The method checkpoints its training and resumes from a checkpoint (`MethodOptions.resumeFrom`). */
  resumable?: boolean;
  /** The method estimates k itself when asked (`estimateK`), reusing its own graph. */
  estimatesK?: boolean;
  /** Settings it takes by name, with their defaults; `tl.cluster` refuses any other. */
  settings: MethodSettings;
  run(data: Dataset, options: MethodOptions): Promise<MethodOutput>;
}

