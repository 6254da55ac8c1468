import * as tf from "@tensorflow/tfjs-core";

/*
 * Tensors a training step uses unchanged every step (Adam's and the EMA's coefficients, the loss
 * masks), made once per backend instead of uploaded again by every op that takes a number or a
 * host array. Same values, same kernels: the results are bit-identical, only the per-op uploads go.
 */
const cache = new Map<string, tf.Tensor>();

function cached<T extends tf.Tensor>(key: string, make: () => T): T {
  const full = `${tf.getBackend()}:${key}`;
  let t = cache.get(full) as T | undefined;
  if (!t || t.isDisposed) {
    // Bounded: batch sizes and coefficients are few; a long-lived process trying many clears and refills.
    if (cache.size > 256) disposeConstants();
    t = tf.keep(make());
    cache.set(full, t);
  }
  return t;
}

/** A float32 scalar kept across steps. */
export function constantScalar(value: number): tf.Scalar {
  return cached(`s:${value}`, () => tf.scalar(value, "float32"));
}

/** A [rows, cols] float32 matrix built once from `fill` and kept across steps, under `name`. */
export function constantMatrix(name: string, rows: number, cols: number, fill: () => Float32Array): tf.Tensor2D {
  return cached(`m:${name}:${rows}x${cols}`, () => tf.tensor2d(fill(), [rows, cols]));
}

export function disposeConstants(): void {
  for (const t of cache.values()) t.dispose();
  cache.clear();
}
