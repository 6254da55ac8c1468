export { createParams, namedVariables, trainableVariables, disposeParams, DEFAULT_SPEC } from "./params.ts";
export type { ModelParams, ModelSpec, EncoderParams, AttentionParams, Dense, BatchNorm } from "./params.ts";
export { encode, instanceHead, clusterHead, attention, l2Normalize, stopGradient, type Mode } from "./forward.ts";
export { augmentInto, inverseNormalCdf, type AugmentOptions } from "./augment.ts";
export { matMul, matMulAT, matMulBT, matMulData } from "./matmul.ts";
export { createZinbAutoencoder, zinbForward, zinbAutoencoderVariables, disposeZinbAutoencoder, type ZinbAutoencoderParams, type ZinbAutoencoderSpec, type ZinbForward } from "./zinbAutoencoder.ts";
