import { checkLabelings } from "./check.ts";
import { contingency } from "./contingency.ts";
import { linearSumAssignment } from "./linearSumAssignment.ts";

/**
 * Clustering accuracy: the fraction of samples correctly labelled under the best one-to-one map
 * of predicted clusters to true labels (Hungarian method on the contingency table, as
 * scipy's `linear_sum_assignment(..., maximize=True)`). With more clusters than labels the extra
 * clusters map to nothing (their samples count as wrong), and vice versa. Empty input gives 1.
 */
export function acc(labels: ArrayLike<number>, pred: ArrayLike<number>): number {
  checkLabelings("acc", labels, pred);
  const n = labels.length;
  if (n === 0) return 1;
  const ct = contingency(labels, pred);
  const { rowInd, colInd } = linearSumAssignment(ct.counts, ct.rows, ct.cols, true);
  let matched = 0;
  for (let t = 0; t < rowInd.length; t++) matched += ct.counts[rowInd[t]! * ct.cols + colInd[t]!]!;
  return matched / n;
}
