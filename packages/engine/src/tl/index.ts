/** `tl`'s algorithms: k-means, graph communities, UMAP, marker ranking, K estimation, co-association. */
export { kmeans, miniBatchKmeans, kmeansAuto, MINI_BATCH_ABOVE, type KMeansOptions, type KMeansResult, type MiniBatchKMeansOptions, type MiniBatchKMeansResult } from "./kmeans.ts";
export { louvain, type LouvainOptions } from "./louvain.ts";
export { leiden, type LeidenOptions } from "./leiden.ts";
export type { CommunityOptions, CommunityResult } from "./communities.ts";
export { findResolution, type FindResolutionOptions } from "./findResolution.ts";
export { seuratPca, seuratCluster, type SeuratPcaOptions, type SeuratPcaResult, type SeuratClusterOptions, type SeuratClusterResult } from "./seurat.ts";
export { umap, type UmapOptions, type UmapResult } from "./umap.ts";
export { checkMarkerFilter, logNormalize, MARKER_FILTER_DEFAULTS, passesMarkerFilter, rankGenes, rankGenesOfCounts, type MarkerFilter, type RankGenesGroup, type RankGenesOptions } from "./rankGenes.ts";
export { estimateK, inducedSubgraph, ESTIMATE_K_DEFAULTS, type EstimateKOptions, type KCandidate, type KSelection } from "./kSelection.ts";
export { pcGraph, estimateDatasetK, type PcGraph, type PcGraphOptions } from "./pcGraph.ts";
export { coassociationGraph, cutGraph, averageLinkageCut, type BasePartition } from "./coassociation.ts";
