import * as tf from "@tensorflow/tfjs-core";
import { l2Normalize, stopGradient } from "../model/forward.ts";
import { constantMatrix } from "../model/constants.ts";
import { matMulBT } from "../model/matmul.ts";

export interface InstanceLossOptions {
  /** Softmax temperature τ (reference 0.07). */
  temperature?: number;
  /**
   * False-negative threshold φ on the raw cosine: a candidate negative whose cosine to the
   * anchor reaches φ is dropped (reference 0.95). `Infinity` keeps every negative (NT-Xent).
   */
  phi?: number;
  /**
   * At most this many negatives per row may be dropped (the most similar ones). The reference has
   * no such limit (Infinity): once a collapsing embedding puts every cosine above φ it drops every
   * negative, the loss reads 0 and nothing pushes the cells apart again, for good. A row's true
   * false negatives are its own cluster, ~1/K of the batch, which is what the trainer allows.
   */
  maxDropped?: number;
}

export interface InstanceLoss {
  loss: tf.Scalar;
  /** Share of candidate negatives dropped by φ, in [0, 1]. */
  droppedShare: tf.Scalar;
}

/** exp(1/τ)·2B must stay finite in float32 (max ~3.4e38): τ ≥ 0.012 leaves room for any batch. */
const MIN_TEMPERATURE = 0.012;

/**
 * Clamp cosines to [−1, 1] as the reference does (rounding can push a self-similarity just past
 * 1) with a pass-through gradient: the clamp only ever bites on rounding error, and tfjs's
 * clip gradient costs four full-size ops.
 */
const clampCosine = tf.customGrad((x) => ({
  value: tf.clipByValue(x as tf.Tensor, -1, 1),
  gradFunc: (dy: tf.Tensor) => dy,
})) as (x: tf.Tensor2D) => tf.Tensor2D;

/**
 * Instance-level InfoNCE with false-negative correction, over the 2B rows of both views.
 * Row i's positive is the other view of the same cell; every other row j ≠ i is a negative
 * unless cos(i, j) ≥ φ. Loss_i = −pos_i + logsumexp(pos_i, kept negatives), averaged —
 * one masked logsumexp over the [2B, 2B] logits, no per-row loop.
 *
 * @param zq query view, [B, D]
 * @param zk key view, [B, D]
 */
export function fnInstanceLoss(zq: tf.Tensor2D, zk: tf.Tensor2D, options: InstanceLossOptions = {}): InstanceLoss {
  const { temperature = 0.07, phi = 0.95 } = options;
  if (options.maxDropped !== undefined && !(options.maxDropped >= 0)) throw new Error(`maxDropped must be ≥ 0 (got ${options.maxDropped})`);
  return tf.tidy(() => {
    const b = zq.shape[0];
    const n = 2 * b;
    const f = l2Normalize(tf.concat([zq, zk], 0)); // [2B, D]
    const raw = clampCosine(matMulBT(f, f)); // [2B, 2B]
    const logits = tf.div(raw, temperature);
    const { partner, offDiagonal } = pairMasks(b);
    const candidates = tf.sub(offDiagonal, partner); // j ≠ i and j ≠ partner(i)
    const cap = Math.floor(options.maxDropped ?? Infinity);
    const dropped =
      cap >= n - 2
        ? tf.mul(candidates, tf.cast(tf.greaterEqual(stopGradient(raw), phi), "float32"))
        : hostHoldsData()
          ? cappedDropMask(raw, b, phi, cap)
          : cappedDropMaskOnDevice(raw, b, phi, cap);
    const kept = tf.sub(offDiagonal, dropped); // positive + kept negatives
    const pos = tf.sum(tf.mul(logits, partner), 1); // [2B]
    // |logits| ≤ 1/τ, so exp cannot overflow for any τ ≥ 0.012: a plain masked log-sum-exp is
    // exact and avoids the max-subtraction's extra ops (and their gradients).
    if (temperature < MIN_TEMPERATURE) throw new Error(`temperature must be ≥ ${MIN_TEMPERATURE}`);
    const lse = tf.log(tf.sum(tf.mul(tf.exp(logits), kept), 1));
    const loss = tf.mean(tf.sub(lse, pos)) as tf.Scalar;
    const droppedShare = tf.div(tf.sum(dropped), n * (n - 2)) as tf.Scalar;
    return { loss, droppedShare };
  });
}

/**
 * The dropped-negative mask under a cap, [2B, 2B] (a constant for the gradient): candidate j of row
 * i goes when cos ≥ φ and cos is among the row's `cap` largest candidate cosines. Built on the host:
 * on wasm, tfjs's topk and a broadcast comparison with a [n, 1] threshold (a slow generic kernel,
 * 21 ms alone for 400×400) made the capped loss cost +21 ms a step forward and backward; built here
 * it costs +2 ms. Comparisons are in float32, as the backend's.
 */
export function cappedDropMask(raw: tf.Tensor2D, b: number, phi: number, cap: number): tf.Tensor2D {
  const n = 2 * b;
  const cos = raw.dataSync() as Float32Array;
  const phi32 = Math.fround(phi);
  const mask = new Float32Array(n * n);
  const row = new Float32Array(n - 2);
  for (let i = 0; i < n; i++) {
    const partner = (i + b) % n;
    let m = 0;
    for (let j = 0; j < n; j++) if (j !== i && j !== partner) row[m++] = cos[i * n + j]!;
    const kth = cap > 0 ? selectLargest(row, cap - 1) : Infinity;
    for (let j = 0; j < n; j++) {
      const c = cos[i * n + j]!;
      if (j !== i && j !== partner && c >= phi32 && c >= kth) mask[i * n + j] = 1;
    }
  }
  return tf.tensor2d(mask, [n, n]);
}

/** Whether tensors live in host memory, where reading one costs no transfer (and no wait for a GPU). */
function hostHoldsData(): boolean {
  const name = tf.getBackend();
  return name === "wasm" || name === "cpu";
}

/**
 * `cappedDropMask` computed on the backend, for a GPU, where reading the cosines back would stall
 * every step: each row's `cap`-th largest candidate cosine by top-k, then the same two
 * comparisons in float32, so the same mask (test).
 */
export function cappedDropMaskOnDevice(raw: tf.Tensor2D, b: number, phi: number, cap: number): tf.Tensor2D {
  const n = 2 * b;
  if (cap <= 0) return tf.zeros([n, n]);
  const { partner, offDiagonal } = pairMasks(b);
  // A constant for the gradient; as a custom gradient its inner ops stay off the tape (TopK has no gradient).
  const mask = tf.customGrad((x) => {
    const cos = x as tf.Tensor2D;
    const candidates = tf.sub(offDiagonal, partner);
    // Non-candidates move to cos − 4 < −1, below every cosine, so top-k ranks the candidates only.
    const ranked = tf.add(tf.mul(cos, candidates), tf.mul(tf.sub(candidates, 1), 4));
    const kth = tf.slice(tf.topk(ranked, cap).values, [0, cap - 1], [n, 1]);
    const above = tf.mul(tf.cast(tf.greaterEqual(cos, phi), "float32"), tf.cast(tf.greaterEqual(cos, kth), "float32"));
    return { value: tf.mul(candidates, above), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  }) as (x: tf.Tensor2D) => tf.Tensor2D;
  return mask(raw);
}

/** The value that would sit at `rank` (0 = largest) if `a` were sorted descending; reorders `a`. */
export function selectLargest(a: Float32Array, rank: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    // Median of three as the pivot keeps sorted or constant rows from going quadratic.
    const mid = (lo + hi) >>> 1;
    const p = Math.max(Math.min(a[lo]!, a[mid]!), Math.min(Math.max(a[lo]!, a[mid]!), a[hi]!));
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > p) i++;
      while (a[j]! < p) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (rank <= j) hi = j;
    else if (rank >= i) lo = i;
    else return a[rank]!;
  }
  return a[rank]!;
}

/** Plain NT-Xent (SimCLR): every other row is a negative. */
export function ntXent(zq: tf.Tensor2D, zk: tf.Tensor2D, options: { temperature?: number } = {}): tf.Scalar {
  return tf.tidy(() => {
    const { loss, droppedShare } = fnInstanceLoss(zq, zk, { temperature: options.temperature, phi: Infinity });
    droppedShare.dispose();
    return loss;
  });
}

/** partner[i][j] = 1 where j is i's other view; offDiagonal = 1 − I. Both [2B, 2B], kept across steps. */
function pairMasks(b: number): { partner: tf.Tensor2D; offDiagonal: tf.Tensor2D } {
  const n = 2 * b;
  const partner = constantMatrix("partner", n, n, () => {
    const m = new Float32Array(n * n);
    for (let i = 0; i < n; i++) m[i * n + ((i + b) % n)] = 1;
    return m;
  });
  const offDiagonal = constantMatrix("offDiagonal", n, n, () => {
    const m = new Float32Array(n * n).fill(1);
    for (let i = 0; i < n; i++) m[i * n + i] = 0;
    return m;
  });
  return { partner, offDiagonal };
}
