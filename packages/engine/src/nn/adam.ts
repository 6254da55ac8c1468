import * as tf from "@tensorflow/tfjs-core";
import { constantScalar } from "../model/constants.ts";

/**
 * Adam exactly as PyTorch writes it (eps added after the square root of the bias-corrected
 * second moment), with the learning rate passed per step so the schedule is explicit and the
 * moments can be saved in a checkpoint.
 *
 * The moments are kept per parameter tensor. (One flat vector over all parameters would save
 * kernel launches, but splitting it back is ~100 ms per step on wasm, whose slice kernel is slow.)
 */
export interface Adam {
  readonly vars: tf.Variable[];
  /** First and second moments, one per entry of `vars`. */
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];
  /** Each variable's share of the step's learning rate (1 for all unless given). */
  readonly lrScale: readonly number[];
  step: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPS = 1e-8;

export function createAdam(vars: tf.Variable[], lrScale: readonly number[] = vars.map(() => 1)): Adam {
  if (lrScale.length !== vars.length) throw new Error(`createAdam: ${lrScale.length} learning-rate scales for ${vars.length} variables`);
  const zeros = () => vars.map((x) => tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
  return { vars, m: zeros(), v: zeros(), lrScale, step: 0 };
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
    // One upload of each coefficient per step (not one per parameter tensor): same values, same bits.
    const b1 = constantScalar(ADAM_BETA1);
    const b1c = constantScalar(1 - ADAM_BETA1);
    const b2 = constantScalar(ADAM_BETA2);
    const b2c = constantScalar(1 - ADAM_BETA2);
    const eps = constantScalar(ADAM_EPS);
    const stepSizes = new Map<number, tf.Scalar>();
    const stepSize = (scale: number) => {
      if (!stepSizes.has(scale)) stepSizes.set(scale, tf.scalar((lr * scale) / c1));
      return stepSizes.get(scale)!;
    };
    const unbias2 = tf.scalar(1 / c2);
    adam.vars.forEach((x, i) => {
      const g = grads[x.name] ?? tf.zerosLike(x);
      const m = tf.add(tf.mul(adam.m[i]!, b1), tf.mul(g, b1c));
      const v = tf.add(tf.mul(adam.v[i]!, b2), tf.mul(tf.square(g), b2c));
      adam.m[i]!.assign(m);
      adam.v[i]!.assign(v);
      // lr·m̂/(√v̂ + ε) with the bias corrections folded into scalars.
      x.assign(tf.sub(x, tf.div(tf.mul(m, stepSize(adam.lrScale[i]!)), tf.add(tf.sqrt(tf.mul(v, unbias2)), eps))));
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
