import { activeBackend, type BackendInfo } from "../backend.ts";
import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { encodeKnownLabels } from "../metrics/encodeLabels.ts";
import { evaluateLabelled as evaluate, type ClusteringScores } from "../metrics/evaluate.ts";
import { DEFAULT_N_TOP_GENES, preprocess } from "../pp/preprocess.ts";
import { argmaxClusters, embed } from "../nn/embed.ts";
import { clusterGraph } from "../tl/clusterGraph.ts";
import { kmeansAuto } from "../tl/kmeans.ts";
import { disposeModel, train, type EpochStats, type TrainOptions } from "../nn/train.ts";
import { saveCheckpoint } from "../nn/checkpoint.ts";
import { finalWeights } from "../nn/weightAverage.ts";

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
  /**
   * How the embedding becomes clusters: `kmeans` (k-means++, 10 starts; the reference's) or `graph`
   * (Seurat's graph clustering of the embedding: SNN graph of its 20 nearest neighbours, Louvain at the
   * resolution found to give k clusters).
   */
  clustering?: Clustering;
  /**
   * With labels, also score every other clustering of every representation (`scoresByReadout`), so a
   * benchmark can compare them from one training. Off by default: the graph readouts cost a kNN each.
   */
  scoreEveryReadout?: boolean;
}

export type Clustering = "kmeans" | "graph";
export type Readout = `${Clustering}-${"h" | "z"}`;
/** Every clustering of every representation, in the order benchmarks print them. */
export const READOUTS: readonly Readout[] = ["kmeans-h", "kmeans-z", "graph-h", "graph-z"];

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
  clustering: Clustering;
  /** With labels and `scoreEveryReadout`: scores of every clustering of every representation. */
  scoresByReadout?: Record<Readout, ClusteringScores>;
  history: EpochStats[];
  /** Which weights the model is (the last epoch's or a mean over the last ones), never picked with labels. */
  finalWeights: string;
  secondsPerEpoch: number;
  backend: BackendInfo;
  /** Trained model weights (checkpoint bytes; `nn.loadCheckpoint` restores them). */
  checkpoint: Uint8Array;
  nGenesUsed: number;
}

/** The reference clusters z; h is better on PBMC only with other settings changed too (issue-2 note). */
export const SCFNCCL_DEFAULTS = { embedding: "z" as "h" | "z", clustering: "kmeans" as Clustering };

/**
 * The whole scFNCCL method on a dataset: preprocessing as the reference, training, embedding of
 * all cells with the final model (chosen without labels), k-means on the embedding, and scores
 * against the labels when the dataset has them (labels are never used for anything else).
 */
export async function runScfnccl(data: Dataset, options: ScfncclOptions = {}): Promise<ScfncclResult> {
  const file = data.source;
  const labels = data.labels ? encodeKnownLabels(data.labels) : undefined;
  const k = options.k ?? labels?.classes.length;
  if (k === undefined) throw new InputError("has no labels, so the number of clusters is required (--clusters K)", file);
  const nCells = data.counts.nRows;
  if (!Number.isInteger(k) || k < 2) throw new InputError(`number of clusters must be an integer ≥ 2 (got ${k})`, file);
  if (k > nCells) throw new InputError(`number of clusters (${k}) exceeds the number of cells (${nCells})`, file);

  const pre = preprocess(data.counts, { nTopGenes: options.nTopGenes ?? DEFAULT_N_TOP_GENES, emptyCells: options.emptyCells ?? "error", file });
  const backend = await activeBackend();
  const { model, history, secondsPerEpoch } = await train(pre.scaled, pre.nCells, pre.nGenes, { ...options, k });
  try {
    const emb = await embed(model, pre.scaled, pre.nCells, pre.nGenes);
    const embeddingName = options.embedding ?? SCFNCCL_DEFAULTS.embedding;
    const clustering = options.clustering ?? SCFNCCL_DEFAULTS.clustering;
    const views = { h: { x: emb.h, d: emb.hDim }, z: { x: emb.z, d: emb.dim } };
    const seed = model.config.seed;
    const cluster = (how: Clustering, name: "h" | "z"): Int32Array => {
      const m = { x: views[name].x, nRows: pre.nCells, nCols: views[name].d };
      return how === "kmeans"
        ? kmeansAuto(m.x, { n: m.nRows, d: m.nCols, k, nInit: 10, seed, signal: options.signal }).labels
        : clusterGraph(m, { k, seed, signal: options.signal }).grouped.labels;
    };
    const clusters = cluster(clustering, embeddingName);
    const head = argmaxClusters(emb);
    let scores: ClusteringScores | undefined;
    let headScores: ClusteringScores | undefined;
    let scoresByReadout: ScfncclResult["scoresByReadout"];
    if (labels) {
      const kept = Int32Array.from(pre.keptCells, (i) => labels.codes[i]!);
      scores = evaluate(kept, clusters);
      headScores = evaluate(kept, head);
      if (options.scoreEveryReadout) {
        scoresByReadout = Object.fromEntries(
          READOUTS.map((readout) => {
            const [how, name] = readout.split("-") as [Clustering, "h" | "z"];
            return [readout, how === clustering && name === embeddingName ? scores! : evaluate(kept, cluster(how, name))];
          }),
        ) as Record<Readout, ClusteringScores>;
      }
    }
    return {
      cells: pre.keptCells,
      clusters,
      headClusters: head,
      embedding: views[embeddingName].x,
      dim: views[embeddingName].d,
      embeddingName,
      clustering,
      k,
      scores,
      headScores,
      scoresByReadout,
      history,
      finalWeights: finalWeights(model.config.epochs, model.config.averageShare),
      secondsPerEpoch,
      backend,
      checkpoint: await saveCheckpoint(model),
      nGenesUsed: pre.nGenes,
    };
  } finally {
    disposeModel(model);
  }
}
