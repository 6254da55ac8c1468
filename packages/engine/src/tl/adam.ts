import * as tf from "@tensorflow/tfjs-core";

/**
 * Adam exactly as PyTorch writes it (eps added after the square root of the bias-corrected
 * second moment), with the learning rate passed per step so the schedule is explicit and
 * the moments can be saved in a checkpoint.
 */
export interface Adam {
  readonly vars: tf.Variable[];
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];
  step: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export function createAdam(vars: tf.Variable[]): Adam {
  return {
    vars,
    m: vars.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false))),
    v: vars.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false))),
    step: 0,
  };
}

/** Apply one update; `grads` is keyed by variable name, as tf.variableGrads returns it. */
export function adamStep(adam: Adam, grads: Record<string, tf.Tensor>, lr: number): void {
  adam.step++;
  const c1 = 1 - ADAM_BETA1 ** adam.step;
  const c2 = 1 - ADAM_BETA2 ** adam.step;
  tf.tidy(() => {
    adam.vars.forEach((x, i) => {
      const g = grads[x.name];
      if (!g) return; // not on the loss's path this step: PyTorch skips it too
      const m = adam.m[i]!;
      const v = adam.v[i]!;
      m.assign(tf.add(tf.mul(m, ADAM_BETA1), tf.mul(g, 1 - ADAM_BETA1)));
      v.assign(tf.add(tf.mul(v, ADAM_BETA2), tf.mul(tf.square(g), 1 - ADAM_BETA2)));
      const denom = tf.add(tf.sqrt(tf.div(v, c2)), ADAM_EPS);
      x.assign(tf.sub(x, tf.mul(tf.div(m, denom), lr / c1)));
    });
  });
}

export function disposeAdam(adam: Adam): void {
  for (const t of [...adam.m, ...adam.v]) t.dispose();
}

/**
 * The reference's cosine schedule: lr·floor + (lr − lr·floor)·(1 + cos(π·epoch/period))/2.
 * With its period of 500 epochs and 200 epochs of training, lr only falls to ~65% of its start.
 */
export function cosineLearningRate(base: number, epoch: number, options: { period: number; floor: number }): number {
  const min = base * options.floor;
  return min + ((base - min) * (1 + Math.cos((Math.PI * epoch) / options.period))) / 2;
}
