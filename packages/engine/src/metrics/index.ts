export { acc } from "./acc.ts";
export { ari } from "./ari.ts";
export { contingency, type Contingency } from "./contingency.ts";
export { encodeKnownLabels, encodeLabels, type EncodedLabels } from "./encodeLabels.ts";
export { evaluate, evaluateLabelled, type ClusteringScores } from "./evaluate.ts";
export { linearSumAssignment, type Assignment } from "./linearSumAssignment.ts";
export { nmi } from "./nmi.ts";
