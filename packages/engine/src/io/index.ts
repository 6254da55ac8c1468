export { readDataset, detectHdf5Layout, type Hdf5Layout } from "./readDataset.ts";
export { readScDeepClusterH5 } from "./scDeepCluster.ts";
export { readH5ad } from "./h5ad.ts";
export { read10xH5, read10xMtx } from "./tenx.ts";
export { readDelimited } from "./delimited.ts";
export { readLoom } from "./loom.ts";
export { detectFormat, type FileFormat } from "./detectFormat.ts";
export { encodeNpy } from "./npy.ts";
export { DEFAULT_LABEL_KEYS, FORMATS, type Dataset, type Format, type ReadOptions } from "./types.ts";
