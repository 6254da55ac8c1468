export { train, resolveConfig, createModel, disposeModel, batchBounds, TRAIN_DEFAULTS, TrainAbortedError } from "./train.ts";
export type { TrainConfig, TrainOptions, TrainResult, TrainedModel, EpochStats } from "./train.ts";
export { embed, argmaxClusters, type Embedding } from "./embed.ts";
export { kmeans, type KMeansOptions, type KMeansResult } from "./kmeans.ts";
export { saveCheckpoint, loadCheckpoint } from "./checkpoint.ts";
export { cosineLearningRate } from "./adam.ts";
export { runScfnccl, type ScfncclOptions, type ScfncclResult } from "./scfnccl.ts";
