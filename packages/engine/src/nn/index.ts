/** `nn`: the contrastive trainers' machinery: the training loop, its checkpoints and the embedding of a trained model. */
export { train, resolveConfig, disposeModel, TRAIN_DEFAULTS, TrainAbortedError } from "./train.ts";
export type { TrainConfig, TrainOptions, TrainResult, TrainedModel, ExtraLoss, StepTensors } from "./train.ts";
export { embed, argmaxClusters, type Embedding } from "./embed.ts";
export { saveCheckpoint, loadCheckpoint } from "./checkpoint.ts";
