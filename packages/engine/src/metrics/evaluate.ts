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

/** evaluate() over the labelled cells only: codes of -1 (encodeKnownLabels' unlabelled cells) are left out. */
export function evaluateLabelled(labels: ArrayLike<number>, pred: ArrayLike<number>): ClusteringScores {
  let unlabelled = 0;
  for (let t = 0; t < labels.length; t++) if (labels[t] === -1) unlabelled++;
  if (unlabelled > 0) {
    const keep = labels.length - unlabelled;
    const l = new Int32Array(keep);
    const p = new Int32Array(keep);
    let u = 0;
    for (let t = 0; t < labels.length; t++) {
      if (labels[t] === -1) continue;
      l[u] = labels[t]!;
      p[u++] = pred[t]!;
    }
    return evaluate(l, p);
  }
  return evaluate(labels, pred);
}
