import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";
import { sureShrinkageLoss } from "./sure.ts";

beforeAll(async () => {
  await initBackend();
});

function rows(n: number, d: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}

/** L_SURE written out per cluster the way the paper's public code does it (NumPy loop), averaged over cells. */
function sureByHand(z: number[][], labels: number[], k: number): { value: number; shrinkage: number[]; centroids: number[][] } {
  const p = z[0]!.length;
  let total = 0;
  const shrinkage: number[] = [];
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) {
    const members = z.filter((_, i) => labels[i] === c);
    const n = members.length;
    const mu = Array.from({ length: p }, (_, d) => members.reduce((s, r) => s + r[d]!, 0) / Math.max(n, 1));
    centroids.push(mu);
    if (n < 2) {
      shrinkage.push(0);
      continue;
    }
    // np.var(..., ddof=1) per dimension, then the mean over dimensions.
    const variances = mu.map((m, d) => members.reduce((s, r) => s + (r[d]! - m) ** 2, 0) / (n - 1));
    const sigma2 = variances.reduce((a, b) => a + b, 0) / p;
    const tau2 = sigma2 / n;
    const factor = sigma2 / (tau2 + sigma2);
    shrinkage.push(factor);
    for (const r of members) total += factor * (r.reduce((s, v, d) => s + (v - mu[d]!) ** 2, 0) + p * (tau2 - sigma2));
  }
  return { value: total / z.length, shrinkage, centroids };
}

describe("sureShrinkageLoss", () => {
  const z = rows(9, 4, 1);
  // Cluster 2 has a single cell, which the estimate skips (no variance to estimate).
  const labels = [0, 0, 0, 1, 1, 1, 1, 0, 2];

  it("has the value of the paper's per-cluster formula, which is zero with plug-in variances", () => {
    const expected = sureByHand(z, labels, 3);
    const out = sureShrinkageLoss(tf.tensor2d(z), Int32Array.from(labels), 3);
    expect(out.loss.dataSync()[0]).toBeCloseTo(expected.value, 5);
    expect(expected.value).toBeCloseTo(0, 10);
    // B_k = σ²/(σ²/N + σ²) = N/(N+1).
    expect(Array.from(out.shrinkage)).toEqual(expected.shrinkage.map((f) => expect.closeTo(f, 12)));
    expect(out.shrinkage[0]).toBeCloseTo(4 / 5, 12);
    expect(out.shrinkage[2]).toBe(0);
    expect(out.dispersion).toBeGreaterThan(0);
    out.loss.dispose();
  });

  it("pulls each cell towards its centroid: the gradient is 2·B_k·(z_i − μ_k)/B", () => {
    const expected = sureByHand(z, labels, 3);
    const grad = tf.tidy(() =>
      tf.grad((x: tf.Tensor) => sureShrinkageLoss(x as tf.Tensor2D, Int32Array.from(labels), 3).loss)(tf.tensor2d(z)).arraySync(),
    ) as number[][];
    grad.forEach((row, i) =>
      row.forEach((g, d) => {
        const c = labels[i]!;
        const want = (2 * expected.shrinkage[c]! * (z[i]![d]! - expected.centroids[c]![d]!)) / z.length;
        expect(g).toBeCloseTo(want, 5);
      }),
    );
  });

  it("rejects assignments that do not match the rows or the number of clusters", () => {
    expect(() => sureShrinkageLoss(tf.tensor2d(z), new Int32Array(3), 3)).toThrow(/3 assignments for 9 rows/);
    expect(() => sureShrinkageLoss(tf.tensor2d(z), Int32Array.from(labels, () => 5), 3)).toThrow(/outside 0..2/);
  });
});
