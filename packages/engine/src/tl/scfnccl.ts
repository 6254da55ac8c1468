import { activeBackend, type BackendInfo } from "../backend.ts";
import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { encodeLabels } from "../metrics/encodeLabels.ts";
import { evaluate, type ClusteringScores } from "../metrics/evaluate.ts";
import { preprocess } from "../pp/preprocess.ts";
import { argmaxClusters, embed } from "./embed.ts";
import { kmeansAuto } from "./kmeans.ts";
import { disposeModel, train, type EpochStats, type TrainOptions } from "./train.ts";
import { saveCheckpoint } from "./checkpoint.ts";

export interface ScfncclOptions extends Omit<TrainOptions, "k"> {
  /** Number of clusters; defaults to the number of label classes when the data has labels. */
  k?: number;
  nTopGenes?: number;
  emptyCells?: "error" | "drop";
  /**
   * Which learned representation k-means clusters: `h`, the encoder output both heads read, or `z`,
   * the instance head's projection (the reference's choice). Contrastive projection heads are known
   * to discard information the downstream task needs, so the representation before the head is
   * usually the better one to cluster.
   */
  embedding?: "h" | "z";
}

export interface ScfncclResult {
  /** Indices (into the dataset's cells) of the cells that were clustered, in output order. */
  cells: Int32Array;
  /** k-means on the embedding (the method's clusters). */
  clusters: Int32Array;
  /** Argmax of the cluster head, a second clustering from the same model. */
  headClusters: Int32Array;
  /** [cells, dim] embedding that k-means clustered (see `embeddingName`). */
  embedding: Float32Array;
  dim: number;
  embeddingName: "h" | "z";
  k: number;
  /** Present when the dataset has labels: scores of `clusters` and of `headClusters`. */
  scores?: ClusteringScores;
  headScores?: ClusteringScores;
  /** With labels: scores of k-means on each representation, so the choice can be reported. */
  scoresByEmbedding?: { h: ClusteringScores; z: ClusteringScores };
  history: EpochStats[];
  secondsPerEpoch: number;
  backend: BackendInfo;
  /** Trained model weights (checkpoint bytes; `tl.loadCheckpoint` restores them). */
  checkpoint: Uint8Array;
  nGenesUsed: number;
}

/** The reference clusters z; h is better on PBMC only with other settings changed too (issue-2 note). */
export const SCFNCCL_DEFAULTS = { embedding: "z" as "h" | "z" };

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
  const { model, history, secondsPerEpoch } = await train(pre.scaled, pre.nCells, pre.nGenes, { ...options, k });
  try {
    const emb = embed(model, pre.scaled, pre.nCells, pre.nGenes);
    const embeddingName = options.embedding ?? SCFNCCL_DEFAULTS.embedding;
    const views = { h: { x: emb.h, d: emb.hDim }, z: { x: emb.z, d: emb.dim } };
    const cluster = (name: "h" | "z") =>
      kmeansAuto(views[name].x, { n: pre.nCells, d: views[name].d, k, nInit: 10, seed: model.config.seed, signal: options.signal }).labels;
    const clusters = cluster(embeddingName);
    const head = argmaxClusters(emb);
    let scores: ClusteringScores | undefined;
    let headScores: ClusteringScores | undefined;
    let scoresByEmbedding: ScfncclResult["scoresByEmbedding"];
    if (labels) {
      const kept = Int32Array.from(pre.keptCells, (i) => labels.codes[i]!);
      scores = evaluate(kept, clusters);
      headScores = evaluate(kept, head);
      const other = embeddingName === "h" ? "z" : "h";
      const otherScores = evaluate(kept, cluster(other));
      scoresByEmbedding = embeddingName === "h" ? { h: scores, z: otherScores } : { h: otherScores, z: scores };
    }
    return {
      cells: pre.keptCells,
      clusters,
      headClusters: head,
      embedding: views[embeddingName].x,
      dim: views[embeddingName].d,
      embeddingName,
      k,
      scores,
      headScores,
      scoresByEmbedding,
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
