import { checkLabelings } from "./check.ts";
import { contingency } from "./contingency.ts";

/**
 * Adjusted Rand index, as sklearn's `adjusted_rand_score(labels, pred)`, from the pair confusion
 * matrix in exact integer arithmetic. Full agreement (including empty input and both labelings
 * one cluster) gives 1.
 */
export function ari(labels: ArrayLike<number>, pred: ArrayLike<number>): number {
  checkLabelings("ari", labels, pred);
  const { rows, cols, counts } = contingency(labels, pred);
  const n = BigInt(labels.length);
  const nc = new Array<bigint>(rows).fill(0n);
  const nk = new Array<bigint>(cols).fill(0n);
  let sumSquares = 0n;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const c = BigInt(counts[i * cols + j]!);
      nc[i]! += c;
      nk[j]! += c;
      sumSquares += c * c;
    }
  }
  let sumNc2 = 0n;
  for (const c of nc) sumNc2 += c * c;
  let sumNk2 = 0n;
  for (const c of nk) sumNk2 += c * c;
  // sklearn's pair_confusion_matrix (ordered pairs).
  const tp = sumSquares - n;
  const fp = sumNk2 - sumSquares;
  const fn = sumNc2 - sumSquares;
  const tn = n * n - fp - fn - sumSquares;
  if (fn === 0n && fp === 0n) return 1;
  const num = 2n * (tp * tn - fn * fp);
  const den = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return Number(num) / Number(den);
}
