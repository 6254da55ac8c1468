import type { ClusterMethod, MethodOptions, MethodOutput } from "./method.ts";
import { runScfnccl, SCFNCCL_DEFAULTS, type ScfncclOptions, type ScfncclResult } from "./scfnccl.ts";
import { settingsFrom } from "./settings.ts";
import { TRAIN_DEFAULTS, type TrainOptions } from "../nn/train.ts";
import type { EpochStats } from "../progress.ts";

/**
 * ScCCL (TCBB 2023) as scFNCCL's ablation: the same preprocessing, encoder, views, momentum branch,
 * schedule and k-means as scFNCCL, so whatever scFNCCL's defaults are (or a `--set` changes) ScCCL
 * follows; only the two losses differ. φ = ∞ turns the false-negative instance loss into plain
 * NT-Xent, and `cc` is Contrastive Clustering's cluster loss with its entropy term (Li et al., AAAI 2021).
 */
export const SCCCL_LOSSES = { phi: Infinity, clusterLoss: "cc" } as const satisfies Partial<TrainOptions>;

/** Settings (`--set`) of scFNCCL: every scalar training option (the seed has its own flag) plus its own. */
export const SCFNCCL_SETTINGS = settingsFrom(
  { ...TRAIN_DEFAULTS, ...SCFNCCL_DEFAULTS },
  { instanceLoss: ["fn"], clusterLoss: ["correlation", "cc"], embedding: ["h", "z"], clustering: ["kmeans", "graph"] },
  ["seed"],
);

/** ScCCL's: scFNCCL's but the losses it pins (a `--set phi=…` would silently do nothing, so it is refused). */
export const SCCCL_SETTINGS = Object.fromEntries(Object.entries(SCFNCCL_SETTINGS).filter(([name]) => !(name in SCCCL_LOSSES) && name !== "instanceLoss"));

/** Settings already checked by `tl.cluster` against the method's list, as scFNCCL options. */
export function contrastiveSettings(settings: MethodOptions["settings"]): Partial<ScfncclOptions> {
  return settings as Partial<ScfncclOptions>;
}

/** The fields every trained method's result shares (scFNCCL's pipeline and scDCCA). */
type TrainedClustering = Pick<
  ScfncclResult,
  "cells" | "clusters" | "k" | "embedding" | "dim" | "headClusters" | "history" | "secondsPerEpoch" | "backend" | "nGenesUsed"
>;

/** What the registry hands every trainer: the run-level options, cancel, checkpoints and progress per epoch. */
export function trainerOptions(o: MethodOptions) {
  return {
    seed: o.seed,
    nTopGenes: o.nTopGenes,
    emptyCells: o.emptyCells,
    signal: o.signal,
    resumeFrom: o.resumeFrom,
    checkpointEvery: o.checkpointEvery,
    onCheckpoint: o.onCheckpoint,
    onProgress: (s: EpochStats) => o.onProgress?.({ stage: "train", fraction: s.epoch / s.epochs, epoch: s }),
  };
}

/** What the registry keeps of a trained method's run; `details` adds to the shared ones. */
export function trainedOutput(r: TrainedClustering, details: Record<string, unknown> = {}): MethodOutput {
  return {
    cells: r.cells,
    clusters: r.clusters,
    k: r.k,
    embedding: { values: r.embedding, dim: r.dim },
    extraClusters: { cluster_head: r.headClusters },
    details: {
      epochs: r.history.length,
      secondsPerEpoch: r.secondsPerEpoch,
      backend: r.backend.name,
      backendDetail: r.backend.detail,
      // The GPU the webgpu backend ran on: vendor, architecture, device, description, software.
      backendAdapter: r.backend.adapter ?? null,
      genesUsed: r.nGenesUsed,
      ...details,
      history: r.history,
    },
  };
}

/** What the registry keeps of a scFNCCL-pipeline run. */
export function contrastiveOutput(r: ScfncclResult, extraDetails: Record<string, unknown> = {}): MethodOutput {
  return {
    ...trainedOutput(r, { embedding: r.embeddingName, clustering: r.clustering, clusterHead: r.headScores ?? null, finalWeights: r.finalWeights, ...extraDetails }),
    files: { "model.ckpt": r.checkpoint },
  };
}

/**
 * A method that is scFNCCL's pipeline with some training options pinned (`fixed` wins over the
 * user's settings, so a `--set phi=…` cannot turn ScCCL back into scFNCCL).
 */
export function contrastiveMethod(name: string, fixed: Partial<ScfncclOptions>): ClusterMethod["run"] {
  return async (data, o) => {
    const r = await runScfnccl(data, {
      ...contrastiveSettings(o.settings),
      ...fixed,
      k: o.k,
      ...trainerOptions(o),
    });
    return contrastiveOutput(r);
  };
}
