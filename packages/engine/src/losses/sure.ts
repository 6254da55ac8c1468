import * as tf from "@tensorflow/tfjs-core";

export interface SureLoss {
  /** The loss: its value is JojoSCL's L_SURE (per cell), its gradient the shrinkage pull towards the centroids. */
  loss: tf.Scalar;
  /** Per-cluster shrinkage factor B_k = σ²_k / (σ²_k + τ²_k) (0 for clusters of fewer than 2 cells). */
  shrinkage: Float64Array;
  /** Per-cluster intra-cluster variance σ²_k (mean over dimensions of the unbiased per-dimension variance). */
  sigma2: Float64Array;
  /** Mean over cells of the squared distance to the cluster centroid (the dispersion the term pulls down). */
  dispersion: number;
}

/**
 * JojoSCL's SURE shrinkage term on one batch of instance embeddings z [B, P], given a clustering of
 * the batch (k-means, computed by the caller). Per cluster k with N_k ≥ 2 cells: centroid μ_k,
 * σ²_k = mean over dimensions of the unbiased variance, τ²_k = σ²_k / N_k (the centroid's own
 * variance, by the central limit theorem), shrinkage B_k = σ²_k / (τ²_k + σ²_k), and
 *   L_SURE = Σ_k Σ_{i∈k} B_k (‖z_i − μ_k‖² + P (τ²_k − σ²_k)),
 * as the paper and its public code write it.
 *
 * Two deliberate differences from the public code, which computes the term in NumPy on detached
 * embeddings (so it never reaches the gradient):
 * - the squared distances carry a gradient (through z and the centroids) while σ²_k, τ²_k and B_k
 *   are plug-in estimates held constant, so the term does what the paper says it is for: it pulls
 *   each cell towards its cluster's centroid by the shrinkage factor, reducing intra-cluster
 *   dispersion. With those estimates, the value is Σ B_k (Σ‖z_i − μ_k‖² − (N_k − 1) P σ²_k) = 0 up to
 *   rounding: the loss reads ~0 while its gradient is 2 B_k (z_i − μ_k) / B per cell.
 * - it is averaged over the batch's cells rather than summed, so its scale does not grow with the
 *   batch size (a sum over 200 cells with a gradient would swamp the contrastive losses).
 */
export function sureShrinkageLoss(z: tf.Tensor2D, assignments: Int32Array, k: number): SureLoss {
  const [b, p] = z.shape;
  if (assignments.length !== b) throw new Error(`sureShrinkageLoss: ${assignments.length} assignments for ${b} rows`);
  const values = z.dataSync();
  const counts = new Float64Array(k);
  const centroids = new Float64Array(k * p);
  for (let i = 0; i < b; i++) {
    const c = assignments[i]!;
    if (!(c >= 0 && c < k)) throw new Error(`sureShrinkageLoss: assignment ${c} of row ${i} is outside 0..${k - 1}`);
    counts[c]!++;
    for (let d = 0; d < p; d++) centroids[c * p + d]! += values[i * p + d]!;
  }
  for (let c = 0; c < k; c++) for (let d = 0; d < p; d++) centroids[c * p + d]! /= Math.max(counts[c]!, 1);
  const sq = new Float64Array(b);
  const sqSum = new Float64Array(k);
  for (let i = 0; i < b; i++) {
    const c = assignments[i]!;
    let s = 0;
    for (let d = 0; d < p; d++) s += (values[i * p + d]! - centroids[c * p + d]!) ** 2;
    sq[i] = s;
    sqSum[c]! += s;
  }
  const sigma2 = new Float64Array(k);
  const shrinkage = new Float64Array(k);
  let constant = 0;
  for (let c = 0; c < k; c++) {
    const n = counts[c]!;
    if (n < 2) continue; // a lone cell has no variance to estimate: the public code skips it too
    sigma2[c] = sqSum[c]! / ((n - 1) * p);
    const tau2 = sigma2[c]! / n;
    const denom = tau2 + sigma2[c]!;
    shrinkage[c] = denom > 0 ? sigma2[c]! / denom : 0;
    constant += n * shrinkage[c]! * p * (tau2 - sigma2[c]!);
  }
  const rowWeight = Float32Array.from(assignments, (c) => shrinkage[c]! / b);
  const loss = tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d(assignments, "int32"), k).toFloat() as tf.Tensor2D; // [B, K]
    const inv = tf.tensor1d(Float32Array.from(counts, (n) => 1 / Math.max(n, 1)));
    const mu = tf.mul(tf.matMul(onehot, z, true, false), tf.reshape(inv, [k, 1])); // [K, P]
    const residual = tf.sub(z, tf.matMul(onehot, mu)); // [B, P]
    const dist = tf.sum(tf.square(residual), 1); // [B]
    return tf.add(tf.sum(tf.mul(dist, tf.tensor1d(rowWeight))), constant / b) as tf.Scalar;
  });
  return { loss, shrinkage, sigma2, dispersion: sq.reduce((a, v) => a + v, 0) / b };
}
