import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random.ts";
import { matMul, matMulData, matMulDataFrom } from "./matmul.ts";
import type { AttentionParams, BatchNorm, Dense, EncoderParams, ModelParams } from "./params.ts";

/** Training mode uses batch statistics (and updates the running ones) and dropout. */
export interface Mode {
  training: boolean;
  /** Dropout rate after the attention's output projection (reference 0.8; only while training). */
  attentionDropout?: number;
  /** Draws the dropout masks; required when training with attentionDropout > 0. */
  rng?: Rng;
  /** Update BatchNorm running statistics while training (default true; the key branch never reads its own). */
  trackRunningStats?: boolean;
  /** Weight of this batch in the running statistics (default 0.1, PyTorch's). */
  bnMomentum?: number;
}

/** Identity whose gradient is zero (tfjs-core has no stop_gradient of its own). */
export const stopGradient = tf.customGrad((x) => ({
  value: (x as tf.Tensor).clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as <T extends tf.Tensor>(x: T) => T;

const BN_EPS = 1e-5;
const BN_MOMENTUM = 0.1;
const LN_EPS = 1e-12;

/** x·W + b; `dataInput` marks x as data (no gradient), whose product x·W may then come precomputed. */
export function linear(x: tf.Tensor2D, d: Dense, dataInput = false, product?: tf.Tensor2D): tf.Tensor2D {
  const w = d.w as unknown as tf.Tensor2D;
  const xw = !dataInput ? matMul(x, w) : product ? matMulDataFrom(x, w, product) : matMulData(x, w);
  return tf.add(xw, d.b);
}

export function batchNorm(x: tf.Tensor2D, bn: BatchNorm, training: boolean, track: boolean, momentum = BN_MOMENTUM): tf.Tensor2D {
  if (!training) {
    return tf.add(tf.mul(tf.div(tf.sub(x, bn.runningMean), tf.sqrt(tf.add(bn.runningVar, BN_EPS))), bn.gamma), bn.beta);
  }
  const { mean, variance } = tf.moments(x, 0);
  const n = x.shape[0];
  if (!track) return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), bn.gamma), bn.beta);
  // assign() is not recorded on the gradient tape, so the running statistics need no stop-gradient.
  // PyTorch keeps the unbiased variance in its running estimate but normalises with the biased one.
  bn.runningMean.assign(tf.add(tf.mul(bn.runningMean, 1 - momentum), tf.mul(mean, momentum)));
  bn.runningVar.assign(tf.add(tf.mul(bn.runningVar, 1 - momentum), tf.mul(variance, (momentum * n) / Math.max(n - 1, 1))));
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), bn.gamma), bn.beta);
}

export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  // The tiny offset keeps sqrt's gradient finite for an all-zero row (a cell ReLU silenced).
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(x), 1, true), 1e-24));
  return tf.div(x, tf.maximum(norm, 1e-12));
}

/**
 * Encoder: (Linear → BN → ReLU)×3, then L2-normalised. x: [cells, genes] → h: [cells, 60].
 * `firstProduct`, when given, is x · W of the first layer already computed (the step's largest product).
 */
export function encode(enc: EncoderParams, x: tf.Tensor2D, mode: Mode, firstProduct?: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  enc.layers.forEach((l, i) => {
    h = tf.relu(batchNorm(linear(h, l.dense, i === 0, i === 0 ? firstProduct : undefined), l.bn, mode.training, mode.trackRunningStats ?? true, mode.bnMomentum));
  });
  return l2Normalize(h);
}

/** Instance head: Linear → ReLU → Linear, L2-normalised. h: [cells, 60] → z: [cells, 100]. */
export function instanceHead(p: ModelParams, h: tf.Tensor2D): tf.Tensor2D {
  return l2Normalize(linear(tf.relu(linear(h, p.instance[0])), p.instance[1]));
}

function dropout(x: tf.Tensor2D, rate: number, rng: Rng): tf.Tensor2D {
  const n = x.size;
  const keep = 1 - rate;
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = rng.next() < keep ? 1 / keep : 0;
  return tf.mul(x, tf.tensor2d(mask, x.shape));
}

/**
 * Self-attention between the heads of one cell's h (2 heads of 30: a 2×2 attention per cell),
 * with a residual and LayerNorm. Per-cell scores are formed by broadcasting rather than a
 * batched matMul: they are tiny and a transposed batched matMul is slow on wasm.
 */
export function attention(a: AttentionParams, h: tf.Tensor2D, heads: number, mode: Mode): tf.Tensor2D {
  const [n, dim] = h.shape;
  const headDim = dim / heads;
  const q = tf.reshape(linear(h, a.query), [n, heads, 1, headDim]);
  const k = tf.reshape(linear(h, a.key), [n, 1, heads, headDim]);
  const v = tf.reshape(linear(h, a.value), [n, 1, heads, headDim]);
  const scores = tf.div(tf.sum(tf.mul(q, k), 3), Math.sqrt(headDim)); // [n, heads, heads]
  const probs = tf.softmax(scores, -1);
  const context = tf.sum(tf.mul(tf.reshape(probs, [n, heads, heads, 1]), v), 2); // [n, heads, headDim]
  let out = linear(tf.reshape(context, [n, dim]), a.out);
  const rate = mode.attentionDropout ?? 0;
  if (mode.training && rate > 0) {
    if (!mode.rng) throw new Error("attention dropout needs an rng");
    out = dropout(out, rate, mode.rng);
  }
  const y = tf.add(out, h);
  const { mean, variance } = tf.moments(y, 1, true);
  return tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, LN_EPS))), a.lnGamma), a.lnBeta);
}

/** Cluster head: attention → Linear → ReLU → Linear → softmax. h: [cells, 60] → p: [cells, K]. */
export function clusterHead(p: ModelParams, h: tf.Tensor2D, mode: Mode): tf.Tensor2D {
  const att = attention(p.attention, h, p.spec.attentionHeads, mode);
  return tf.softmax(linear(tf.relu(linear(att, p.cluster[0])), p.cluster[1]), -1);
}
