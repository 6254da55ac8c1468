import * as tf from "@tensorflow/tfjs-core";

/**
 * `a · b` whose gradient transposes explicitly before a plain matMul.
 *
 * tfjs's built-in matMul gradient calls matMul with transposeA/transposeB flags; on the wasm
 * backend (XNNPACK) a flagged matMul is 10–20× slower than a plain one, while an explicit
 * `transpose` costs little (`pnpm bench:matmul` measures both). On other backends the flags are
 * free, so there we keep tfjs's own gradient.
 */
const explicitGradMatMul = tf.customGrad((a, b, save) => {
  const x = a as tf.Tensor2D;
  const w = b as tf.Tensor2D;
  (save as (ts: tf.Tensor[]) => void)([x, w]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, tf.transpose(sw)), tf.matMul(tf.transpose(sx), g)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === "wasm" ? explicitGradMatMul(a, b) : tf.matMul(a, b);
}

/** `a · bᵀ` without the transpose flag where the flag is slow. */
export function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === "wasm" ? matMul(a, tf.transpose(b)) : tf.matMul(a, b, false, true);
}

/** `aᵀ · b` without the transpose flag where the flag is slow. */
export function matMulAT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.getBackend() === "wasm" ? matMul(tf.transpose(a), b) : tf.matMul(a, b, true, false);
}

const constInputMatMul = tf.customGrad((a, b, save) => {
  const x = a as tf.Tensor2D;
  const w = b as tf.Tensor2D;
  (save as (ts: tf.Tensor[]) => void)([x]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx] = saved as [tf.Tensor2D];
      // The input is data, not a parameter: its gradient is never used, so skip the
      // [batch, genes] matMul that would compute it (a third of a training step's FLOPs).
      return [tf.zerosLike(sx), matMulAT(sx, dy as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** `x · w` for a data input `x` that needs no gradient (the first layer). */
export function matMulData(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return constInputMatMul(x, w);
}

const precomputedInputMatMul = tf.customGrad((a, b, c, save) => {
  const x = a as tf.Tensor2D;
  (save as (ts: tf.Tensor[]) => void)([x]);
  return {
    value: (c as tf.Tensor2D).clone(),
    // The same gradient as matMulData's (and none for the product, a value only).
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx] = saved as [tf.Tensor2D];
      return [tf.zerosLike(sx), matMulAT(sx, dy as tf.Tensor2D), tf.zerosLike(c as tf.Tensor2D)];
    },
  };
}) as (a: tf.Tensor2D, b: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor2D;

/**
 * `matMulData(x, w)` whose value `product` (= x · w) was computed elsewhere, e.g. on another thread
 * while this one did other work; on the gradient tape it behaves exactly as `matMulData`.
 */
export function matMulDataFrom(x: tf.Tensor2D, w: tf.Tensor2D, product: tf.Tensor2D): tf.Tensor2D {
  return precomputedInputMatMul(x, w, product);
}
