import * as tf from "@tensorflow/tfjs-core";

/**
 * Adam exactly as PyTorch writes it (eps added after the square root of the bias-corrected
 * second moment), with the learning rate passed per step so the schedule is explicit and the
 * moments can be saved in a checkpoint.
 *
 * The moments live in one flat vector over all parameters: a step is then a dozen kernels
 * instead of a dozen per parameter tensor, and on wasm each kernel launch costs about as much
 * as the small tensors' arithmetic.
 */
export interface Adam {
  readonly vars: tf.Variable[];
  /** First and second moments, flat over `vars` in order. */
  readonly m: tf.Variable;
  readonly v: tf.Variable;
  step: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export function createAdam(vars: tf.Variable[]): Adam {
  const size = vars.reduce((s, x) => s + x.size, 0);
  return {
    vars,
    m: tf.tidy(() => tf.variable(tf.zeros([size]), false)),
    v: tf.tidy(() => tf.variable(tf.zeros([size]), false)),
    step: 0,
  };
}

/** Concatenate tensors (each flattened) into one vector. */
export function flatten(ts: tf.Tensor[]): tf.Tensor1D {
  return tf.concat(ts.map((t) => tf.reshape(t, [-1])));
}

/** Write a flat vector back into variables of the given shapes, in order. */
export function assignFlat(vars: tf.Variable[], flat: tf.Tensor1D): void {
  const parts = tf.split(flat, vars.map((x) => x.size));
  vars.forEach((x, i) => x.assign(tf.reshape(parts[i]!, x.shape)));
}

/**
 * Apply one update; `grads` is keyed by variable name, as tf.variableGrads returns it. A
 * parameter with no gradient this step counts as gradient zero (PyTorch would skip it; every
 * parameter here is on the loss's path, so the two agree).
 */
export function adamStep(adam: Adam, grads: Record<string, tf.Tensor>, lr: number): void {
  adam.step++;
  const c1 = 1 - ADAM_BETA1 ** adam.step;
  const c2 = 1 - ADAM_BETA2 ** adam.step;
  tf.tidy(() => {
    const g = flatten(adam.vars.map((x) => grads[x.name] ?? tf.zerosLike(x)));
    const m = tf.add(tf.mul(adam.m, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1));
    const v = tf.add(tf.mul(adam.v, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2));
    adam.m.assign(m);
    adam.v.assign(v);
    const update = tf.div(tf.mul(m, lr / c1), tf.add(tf.sqrt(tf.div(v, c2)), ADAM_EPS));
    assignFlat(adam.vars, tf.sub(flatten(adam.vars), update));
  });
}

export function disposeAdam(adam: Adam): void {
  adam.m.dispose();
  adam.v.dispose();
}

/**
 * The reference's cosine schedule: lr·floor + (lr − lr·floor)·(1 + cos(π·epoch/period))/2.
 * With its period of 500 epochs and 200 epochs of training, lr only falls to ~65% of its start.
 */
export function cosineLearningRate(base: number, epoch: number, options: { period: number; floor: number }): number {
  const min = base * options.floor;
  return min + ((base - min) * (1 + Math.cos((Math.PI * epoch) / options.period))) / 2;
}
