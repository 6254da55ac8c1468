export { readDataset, detectHdf5Layout, type Hdf5Layout } from "./readDataset.ts";
export { readScDeepClusterH5 } from "./scDeepCluster.ts";
export { detectFormat, type FileFormat } from "./detectFormat.ts";
export { encodeNpy } from "./npy.ts";
export type { Dataset, ReadOptions } from "./types.ts";
