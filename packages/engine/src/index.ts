/**
 * @scfnccl/engine — scFNCCL single-cell clustering on TensorFlow.js.
 * Namespaces follow scanpy: `io` (read/write), `pp` (preprocessing), `tl` (methods and tools), `metrics`;
 * `nn` (the trainers' loop, checkpoints, embedding) and `neighbors` (kNN and SNN graphs) for notebooks.
 */
export * as io from "./io/index.ts";
export * as pp from "./pp/index.ts";
export * as model from "./model/index.ts";
export * as losses from "./losses/index.ts";
export * as tl from "./tools.ts";
export * as nn from "./nn/index.ts";
export * as neighbors from "./neighbors/index.ts";
export * as metrics from "./metrics/index.ts";
export { initBackend, activeBackend, releaseBackend, adapterLine, BACKENDS, type BackendName, type BackendInfo, type GpuAdapter } from "./backend.ts";
export { InputError } from "./errors.ts";
export { createRng, type Rng } from "./random.ts";
