import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { digamma, lgamma, zinbLoss } from "./zinb.ts";

beforeAll(async () => {
  await initBackend();
});

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
};

describe("lgamma and digamma", () => {
  it("match known values of log Γ and ψ", () => {
    // Γ(1) = Γ(2) = 1, Γ(1/2) = √π, Γ(10) = 9!, Γ(0.01) ≈ 99.4326; log Γ(123.4) from Python's math.lgamma.
    const xs = [1, 2, 0.5, 10, 0.01, 123.4];
    const want = [0, 0, Math.log(Math.sqrt(Math.PI)), Math.log(362880), Math.log(99.43258511915059), 469.3360974421906];
    xs.forEach((x, i) => expect(lgamma(x)).toBeCloseTo(want[i]!, 6));
    // ψ(1) = −γ, ψ(1/2) = −γ − 2 log 2, ψ(n + 1) = ψ(n) + 1/n.
    const euler = 0.5772156649015329;
    expect(digamma(1)).toBeCloseTo(-euler, 10);
    expect(digamma(0.5)).toBeCloseTo(-euler - 2 * Math.LN2, 10);
    expect(digamma(7.25) - digamma(6.25)).toBeCloseTo(1 / 6.25, 10);
    expect(digamma(1000)).toBeCloseTo(6.907255195648812, 10); // scipy.special.digamma
  });
});

describe("zinbLoss", () => {
  it("is the zero-inflated negative binomial's negative log-likelihood, worked out by hand", () => {
    // θ = 2 (an integer, so the binomial coefficient is a plain ratio of factorials), μ = 3, π = 0.25.
    // NB(4) = Γ(6)/(Γ(2)·4!)·(2/5)²·(3/5)⁴ = 5 · 0.16 · 0.1296 = 0.10368; NB(0) = (2/5)² = 0.16.
    // NB(1) = Γ(3)/(Γ(2)·1!)·(2/5)²·(3/5) = 2 · 0.16 · 0.6 = 0.192.
    const pi = 0.25;
    const expected = [-Math.log((1 - pi) * 0.10368), -Math.log(pi + (1 - pi) * 0.16), -Math.log((1 - pi) * 0.192)];
    const x = tf.tensor2d([[4, 0, 1]]);
    const full = (v: number) => tf.fill([1, 3], v) as tf.Tensor2D;
    const loss = value(zinbLoss(x, full(3), full(2), full(pi)));
    expect(loss).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / 3, 4);
    // The ridge adds ridge·π² to every entry.
    expect(value(zinbLoss(x, full(3), full(2), full(pi), { ridge: 0.5 }))).toBeCloseTo(loss + 0.5 * pi * pi, 4);
  });

  it("has the gradient in μ, θ and π that finite differences give", () => {
    const x = tf.tensor2d([[0, 3, 7], [1, 0, 12]]);
    const mean = [[1.5, 2.5, 6], [0.7, 0.4, 9]];
    const disp = [[0.8, 2, 1.3], [3, 0.5, 1.1]];
    const pi = [[0.2, 0.1, 0.35], [0.05, 0.4, 0.15]];
    const f = (m: tf.Tensor, d: tf.Tensor, p: tf.Tensor) => zinbLoss(x, m as tf.Tensor2D, d as tf.Tensor2D, p as tf.Tensor2D);
    const grads = tf.tidy(() => tf.grads(f)([tf.tensor2d(mean), tf.tensor2d(disp), tf.tensor2d(pi)]).map((g) => g.arraySync() as number[][]));
    const inputs = [mean, disp, pi];
    const h = 1e-3;
    inputs.forEach((input, which) => {
      input.forEach((row, i) =>
        row.forEach((_, j) => {
          const shifted = (delta: number) => {
            const args = inputs.map((a, w) => a.map((r, ri) => r.map((v, ci) => (w === which && ri === i && ci === j ? v + delta : v))));
            return tf.tidy(() => value(f(tf.tensor2d(args[0]!), tf.tensor2d(args[1]!), tf.tensor2d(args[2]!))));
          };
          const numeric = (shifted(h) - shifted(-h)) / (2 * h);
          expect(Math.abs(grads[which]![i]![j]! - numeric)).toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
        }),
      );
    });
  });
});
