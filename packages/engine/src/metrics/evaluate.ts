import { acc } from "./acc.ts";
import { ari } from "./ari.ts";
import { nmi } from "./nmi.ts";

export interface ClusteringScores {
  acc: number;
  nmi: number;
  ari: number;
}

/** All three clustering scores of `pred` against the true `labels`. */
export function evaluate(labels: ArrayLike<number>, pred: ArrayLike<number>): ClusteringScores {
  return { acc: acc(labels, pred), nmi: nmi(labels, pred), ari: ari(labels, pred) };
}
