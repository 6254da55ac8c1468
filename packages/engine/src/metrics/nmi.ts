import { checkLabelings } from "./check.ts";
import { contingency } from "./contingency.ts";

/** Entropy (natural log) of a labeling given its class counts, as sklearn's `entropy`. */
function entropy(counts: Float64Array, n: number): number {
  if (n === 0) return 1;
  let nonzero = 0;
  for (const c of counts) if (c > 0) nonzero++;
  if (nonzero === 1) return 0;
  const logN = Math.log(n);
  let h = 0;
  for (const c of counts) if (c > 0) h += (c / n) * (Math.log(c) - logN);
  return -h;
}

/**
 * Normalized mutual information with arithmetic-mean normalisation, as sklearn's
 * `normalized_mutual_info_score(labels, pred)`: MI / ((H(labels) + H(pred)) / 2).
 * Both labelings with a single cluster (or empty input) gives 1; MI = 0 otherwise gives 0.
 */
export function nmi(labels: ArrayLike<number>, pred: ArrayLike<number>): number {
  checkLabelings("nmi", labels, pred);
  const ct = contingency(labels, pred);
  const { rows, cols, counts } = ct;
  if ((rows === 1 && cols === 1) || (rows === 0 && cols === 0)) return 1;
  const n = labels.length;
  const pi = new Float64Array(rows);
  const pj = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = counts[i * cols + j]!;
      pi[i]! += c;
      pj[j]! += c;
    }
  }
  // mutual_info_score: a single cluster on either side means MI = 0.
  if (rows === 1 || cols === 1) return 0;
  const logN = Math.log(n);
  const eps = Number.EPSILON;
  let mi = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = counts[i * cols + j]!;
      if (c === 0) continue;
      const cNm = c / n;
      const logOuter = -Math.log(pi[i]! * pj[j]!) + logN + logN;
      const term = cNm * (Math.log(c) - logN) + cNm * logOuter;
      if (Math.abs(term) >= eps) mi += term;
    }
  }
  if (mi < 0) mi = 0;
  if (mi === 0) return 0;
  const normalizer = (entropy(pi, n) + entropy(pj, n)) / 2;
  return mi / normalizer;
}
