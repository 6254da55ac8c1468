/**
 * The package's `tl` namespace, as scanpy's: the tools a notebook calls, from the method registry
 * (`tl.cluster`) down to the plain algorithms. The folders below keep their layers apart
 * (neighbors < tl < nn < methods); this file only gathers their public faces.
 */
export * from "./methods/index.ts";
export * from "./tl/index.ts";
export type { ClusterProgress, OnClusterProgress, EpochStats } from "./progress.ts";
