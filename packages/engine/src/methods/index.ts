/** `methods`: the method registry (one entry point, `cluster`, for the CLI, the worker and notebooks) and each method's own runner. */
export { cluster, CLUSTER_METHODS, CLUSTER_METHOD_NAMES, describeMethods, resolveRunSettings } from "./cluster.ts";
export type { ClusterMethod, ClusterMethodName, ClusterOptions, ClusterResult, MethodOptions, MethodOutput, MethodDescription, RunSettings, SettingDescription } from "./cluster.ts";
export { SettingError, type MethodSetting, type MethodSettings } from "./settings.ts";
export { runScfnccl, type ScfncclOptions, type ScfncclResult } from "./scfnccl.ts";
export { sureStepLoss, JOJOSCL_DEFAULTS } from "./jojoscl.ts";
export { SCCCL_LOSSES } from "./contrastiveMethods.ts";
export { runScdcca, SCDCCA_DEFAULTS, type ScdccaOptions, type ScdccaResult } from "./scdcca.ts";
export { consensusCluster, CONSENSUS_DEFAULTS, type ConsensusOptions, type ConsensusResult, type TrainedBase } from "./consensus.ts";
