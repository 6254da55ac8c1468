import * as tf from "@tensorflow/tfjs-core";
import { l2Normalize } from "../model/forward.ts";
import { matMulBT } from "../model/matmul.ts";

const EPS = 1e-8;

/**
 * log K − H(p̄) for the mean assignment p̄ over the batch: 0 when clusters are used evenly,
 * log K when every cell falls in one cluster. Minimising it works against collapse.
 * (The reference computes this on the transposed matrix, where it is always exactly 0.)
 *
 * @param p soft assignments, [B, K]
 */
export function entropyPenalty(p: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const k = p.shape[1];
    const mean = tf.div(tf.sum(p, 0), tf.add(tf.sum(p), EPS)); // [K]
    return tf.add(Math.log(k), tf.sum(tf.mul(mean, tf.log(tf.add(mean, EPS))))) as tf.Scalar;
  });
}

export interface ClusterLoss {
  /** The total: correlation term + entropyWeight × (entropy penalty of both views). */
  loss: tf.Scalar;
  correlation: tf.Scalar;
  entropy: tf.Scalar;
}

/**
 * Cluster-level loss on the K×K correlation matrix between the two views' soft assignments:
 * each cluster column is normalised over the batch, S = Qᵀ K, and the loss is
 * mean_k (S_kk − 1)² + mean_{k≠l} S_kl², plus the entropy penalty of each view.
 *
 * @param pq query view assignments, [B, K]
 * @param pk key view assignments, [B, K]
 */
export function correlationClusterLoss(pq: tf.Tensor2D, pk: tf.Tensor2D, options: { entropyWeight?: number } = {}): ClusterLoss {
  const { entropyWeight = 1 } = options;
  return tf.tidy(() => {
    const k = pq.shape[1];
    const s = matMulBT(l2Normalize(tf.transpose(pq)), l2Normalize(tf.transpose(pk))); // [K, K]
    const eye = tf.eye(k);
    const diag = tf.sum(tf.mul(s, eye), 1);
    const onDiag = tf.mean(tf.square(tf.sub(diag, 1)));
    const offDiag = tf.div(tf.sum(tf.square(tf.mul(s, tf.sub(1, eye)))), k * (k - 1));
    const correlation = tf.add(onDiag, offDiag) as tf.Scalar;
    const entropy = tf.add(entropyPenalty(pq), entropyPenalty(pk)) as tf.Scalar;
    const loss = tf.add(correlation, tf.mul(entropy, entropyWeight)) as tf.Scalar;
    return { loss, correlation, entropy };
  });
}

/**
 * The cluster loss of Contrastive Clustering (Li et al., AAAI 2021) used by ScCCL: cluster
 * columns of both views are compared by cosine over a temperature; each column's positive is
 * the same cluster in the other view (cross-entropy over the other 2K−1 columns), plus the
 * entropy penalty of each view.
 */
export function ccClusterLoss(pq: tf.Tensor2D, pk: tf.Tensor2D, options: { temperature?: number; entropyWeight?: number } = {}): ClusterLoss {
  const { temperature = 1.0, entropyWeight = 1 } = options;
  return tf.tidy(() => {
    const k = pq.shape[1];
    const n = 2 * k;
    const c = l2Normalize(tf.concat([tf.transpose(pq), tf.transpose(pk)], 0)); // [2K, B]
    const logits = tf.div(matMulBT(c, c), temperature); // [2K, 2K]
    const partner = new Float32Array(n * n);
    const notSelf = new Float32Array(n * n).fill(1);
    for (let i = 0; i < n; i++) {
      partner[i * n + ((i + k) % n)] = 1;
      notSelf[i * n + i] = 0;
    }
    const pos = tf.sum(tf.mul(logits, tf.tensor2d(partner, [n, n])), 1);
    // Cosines over τ are bounded, so the plain masked log-sum-exp cannot overflow.
    const lse = tf.log(tf.sum(tf.mul(tf.exp(logits), tf.tensor2d(notSelf, [n, n])), 1));
    const correlation = tf.mean(tf.sub(lse, pos)) as tf.Scalar;
    const entropy = tf.add(entropyPenalty(pq), entropyPenalty(pk)) as tf.Scalar;
    const loss = tf.add(correlation, tf.mul(entropy, entropyWeight)) as tf.Scalar;
    return { loss, correlation, entropy };
  });
}
