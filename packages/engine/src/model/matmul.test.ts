import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { matMul, matMulAT, matMulBT, matMulData } from "./matmul.ts";

beforeAll(async () => {
  await initBackend();
});

function close(a: tf.Tensor, b: tf.Tensor, tol = 1e-4): void {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(tol * (1 + Math.abs(y[i]!)));
}

describe("matMul with explicit-transpose gradients", () => {
  const a = tf.randomNormal([7, 5], 0, 1, "float32", 1) as tf.Tensor2D;
  const b = tf.randomNormal([5, 3], 0, 1, "float32", 2) as tf.Tensor2D;
  const w = tf.randomNormal([7, 3], 0, 1, "float32", 3);

  it("has the same value and gradients as tfjs's own matMul", () => {
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMul(x as tf.Tensor2D, y as tf.Tensor2D), w)));
    const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)));
    close(matMul(a, b), tf.matMul(a, b));
    const [ga, gb] = ours([a, b]);
    const [ta, tb] = theirs([a, b]);
    close(ga!, ta!);
    close(gb!, tb!);
  });

  it("matMulData gives the weight gradient and a zero gradient for the data", () => {
    const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulData(x as tf.Tensor2D, y as tf.Tensor2D), w)))([a, b]);
    const [, tb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    close(gb!, tb!);
    expect(Math.max(...Array.from(ga!.dataSync()).map(Math.abs))).toBe(0);
  });

  it("matMulAT and matMulBT equal the flagged matMuls", () => {
    const c = tf.randomNormal([7, 4], 0, 1, "float32", 4) as tf.Tensor2D;
    close(matMulAT(a, c), tf.matMul(a, c, true, false));
    close(matMulBT(a, tf.transpose(b) as tf.Tensor2D), tf.matMul(a, b));
  });
});
