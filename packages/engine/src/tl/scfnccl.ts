import { activeBackend, type BackendInfo } from "../backend.ts";
import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { encodeLabels } from "../metrics/encodeLabels.ts";
import { evaluate, type ClusteringScores } from "../metrics/evaluate.ts";
import { preprocess } from "../pp/preprocess.ts";
import { argmaxClusters, embed } from "./embed.ts";
import { kmeans } from "./kmeans.ts";
import { disposeModel, train, type EpochStats, type TrainOptions } from "./train.ts";
import { saveCheckpoint } from "./checkpoint.ts";

export interface ScfncclOptions extends Omit<TrainOptions, "k"> {
  /** Number of clusters; defaults to the number of label classes when the data has labels. */
  k?: number;
  nTopGenes?: number;
  emptyCells?: "error" | "drop";
}

export interface ScfncclResult {
  /** Indices (into the dataset's cells) of the cells that were clustered, in output order. */
  cells: Int32Array;
  /** k-means on the embedding (the method's clusters). */
  clusters: Int32Array;
  /** Argmax of the cluster head, a second clustering from the same model. */
  headClusters: Int32Array;
  /** [cells, dim] embedding (instance-head output). */
  embedding: Float32Array;
  dim: number;
  k: number;
  /** Present when the dataset has labels: scores of `clusters` and of `headClusters`. */
  scores?: ClusteringScores;
  headScores?: ClusteringScores;
  history: EpochStats[];
  secondsPerEpoch: number;
  backend: BackendInfo;
  /** Trained model weights (checkpoint bytes; `tl.loadCheckpoint` restores them). */
  checkpoint: Uint8Array;
  nGenesUsed: number;
}

/**
 * The whole scFNCCL method on a dataset: preprocessing as the reference, training, embedding of
 * all cells with the final model (chosen without labels), k-means on the embedding, and scores
 * against the labels when the dataset has them (labels are never used for anything else).
 */
export async function runScfnccl(data: Dataset, options: ScfncclOptions = {}): Promise<ScfncclResult> {
  const file = data.source;
  const labels = data.labels ? encodeLabels(data.labels) : undefined;
  const k = options.k ?? labels?.classes.length;
  if (k === undefined) throw new InputError("has no labels, so the number of clusters is required (--clusters K)", file);
  const nCells = data.counts.nRows;
  if (!Number.isInteger(k) || k < 2) throw new InputError(`number of clusters must be an integer ≥ 2 (got ${k})`, file);
  if (k > nCells) throw new InputError(`number of clusters (${k}) exceeds the number of cells (${nCells})`, file);

  const pre = preprocess(data.counts, { nTopGenes: options.nTopGenes ?? 2000, emptyCells: options.emptyCells ?? "error", file });
  const backend = await activeBackend();
  const { model, history, secondsPerEpoch } = await train(pre.x, pre.nCells, pre.nGenes, { ...options, k });
  try {
    const emb = embed(model, pre.x, pre.nCells, pre.nGenes);
    const km = kmeans(emb.z, { n: pre.nCells, d: emb.dim, k, nInit: 10, seed: model.config.seed, signal: options.signal });
    const head = argmaxClusters(emb);
    let scores: ClusteringScores | undefined;
    let headScores: ClusteringScores | undefined;
    if (labels) {
      const kept = Int32Array.from(pre.keptCells, (i) => labels.codes[i]!);
      scores = evaluate(kept, km.labels);
      headScores = evaluate(kept, head);
    }
    return {
      cells: pre.keptCells,
      clusters: km.labels,
      headClusters: head,
      embedding: emb.z,
      dim: emb.dim,
      k,
      scores,
      headScores,
      history,
      secondsPerEpoch,
      backend,
      checkpoint: saveCheckpoint(model),
      nGenesUsed: pre.nGenes,
    };
  } finally {
    disposeModel(model);
  }
}
