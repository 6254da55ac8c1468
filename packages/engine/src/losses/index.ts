export { fnInstanceLoss, ntXent, type InstanceLoss, type InstanceLossOptions } from "./fn-instance-loss.ts";
export { ccClusterLoss, correlationClusterLoss, entropyPenalty, type ClusterLoss } from "./cluster-losses.ts";
export { sureShrinkageLoss, type SureLoss } from "./sure.ts";
export { zinbLoss, lgamma, digamma, type ZinbLossOptions } from "./zinb.ts";
