/** `@scfnccl/engine/testing`: fixtures for tests in any package (shared datasets, small PBMC files). */
export { sharedData } from "./sharedData.ts";
export { PBMC_PATH, hasPbmc, writePbmcSubset } from "./pbmc.ts";
