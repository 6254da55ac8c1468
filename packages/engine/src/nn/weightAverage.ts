import * as tf from "@tensorflow/tfjs-core";
import type { EncoderParams } from "../model/params.ts";

/**
 * Running mean of the trainable weights over the last epochs of a training (stochastic weight
 * averaging, Izmailov et al. 2018). At the reference's rate the end-of-epoch weights wander around
 * a good region rather than settle in it, so the last epoch is one noisy draw of it; their mean
 * sits nearer its centre. Kept beside Adam's moments so a checkpoint carries it and a resumed run
 * averages the same epochs to the same bits.
 */
export interface WeightAverage {
  /** One per trainable variable, in the model's `adam.vars` order. */
  readonly values: tf.Variable[];
  /** Epochs averaged so far. */
  count: number;
}

/** The epoch (1-based, inclusive) from which the end-of-epoch weights enter the average; Infinity when off. */
export function firstAveragedEpoch(epochs: number, averageShare: number): number {
  const n = Math.round(averageShare * epochs);
  return n > 0 ? epochs - n + 1 : Infinity;
}

/** Which weights a training of these settings ends on, in words (for metrics files and run details). */
export function finalWeights(epochs: number, averageShare: number): string {
  const first = firstAveragedEpoch(epochs, averageShare);
  if (first > epochs) return "last epoch (chosen without labels)";
  return first === epochs ? "last epoch, BatchNorm re-measured (chosen without labels)" : `mean of epochs ${first}–${epochs} (chosen without labels)`;
}

export function createWeightAverage(vars: readonly tf.Variable[]): WeightAverage {
  return { values: vars.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false))), count: 0 };
}

/** Fold the weights as they are now into the mean. */
export function addToAverage(average: WeightAverage, vars: readonly tf.Variable[]): void {
  average.count++;
  const share = 1 / average.count;
  tf.tidy(() => average.values.forEach((a, i) => a.assign(tf.add(a, tf.mul(tf.sub(vars[i]!, a), share)))));
}

/** Replace the weights by their mean. */
export function applyAverage(average: WeightAverage, vars: readonly tf.Variable[]): void {
  vars.forEach((v, i) => v.assign(average.values[i]!));
}

export function disposeWeightAverage(average: WeightAverage): void {
  for (const v of average.values) v.dispose();
}

/**
 * Re-measure an encoder's BatchNorm running statistics: the running statistics of training belong to
 * the weights each step had, not to their mean. `forward(batch, momentum)` runs one batch through the
 * encoder in training mode with that running-statistics momentum; a momentum of 1/(t+1) at the t-th batch
 * leaves the plain mean of the batches' statistics, as PyTorch's `update_bn` does.
 */
export function remeasureBatchNorm(encoder: EncoderParams, batches: number, forward: (batch: number, momentum: number) => void): void {
  for (const { bn } of encoder.layers) {
    tf.tidy(() => {
      bn.runningMean.assign(tf.zerosLike(bn.runningMean));
      bn.runningVar.assign(tf.zerosLike(bn.runningVar));
    });
  }
  for (let t = 0; t < batches; t++) forward(t, 1 / (t + 1));
}
