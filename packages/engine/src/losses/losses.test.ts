import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { createRng } from "../random.ts";
import { ccClusterLoss, correlationClusterLoss, entropyPenalty } from "./cluster-losses.ts";
import { cappedDropMask, cappedDropMaskOnDevice, fnInstanceLoss, ntXent, selectLargest } from "./fn-instance-loss.ts";

beforeAll(async () => {
  await initBackend();
});

function randomRows(n: number, d: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}

function unit(rows: number[][]): number[][] {
  return rows.map((r) => {
    const norm = Math.hypot(...r);
    return r.map((v) => v / norm);
  });
}

function softmaxRows(rows: number[][]): number[][] {
  return rows.map((r) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  });
}

/** The instance loss written the slow, obvious way: a loop over rows, as the reference does. */
function instanceLossByHand(q: number[][], k: number[][], tau: number, phi: number): { loss: number; dropped: number } {
  const f = unit([...q, ...k]);
  const n = f.length;
  const b = n / 2;
  let total = 0;
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const partner = (i + b) % n;
    const cos = (j: number) => Math.min(1, Math.max(-1, f[i]!.reduce((s, v, d) => s + v * f[j]![d]!, 0)));
    const pos = cos(partner) / tau;
    let denom = Math.exp(pos);
    for (let j = 0; j < n; j++) {
      if (j === i || j === partner) continue;
      if (cos(j) >= phi) dropped++;
      else denom += Math.exp(cos(j) / tau);
    }
    total += -pos + Math.log(denom);
  }
  return { loss: total / n, dropped: dropped / (n * (n - 2)) };
}

function value(t: tf.Scalar): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

/** Central finite differences of a scalar function of one [n, d] input. */
function finiteDifferences(f: (x: tf.Tensor2D) => tf.Scalar, x: number[][], h = 1e-2): number[][] {
  return x.map((row, i) =>
    row.map((_, j) => {
      const plus = x.map((r) => [...r]);
      const minus = x.map((r) => [...r]);
      plus[i]![j]! += h;
      minus[i]![j]! -= h;
      const fp = tf.tidy(() => value(f(tf.tensor2d(plus))));
      const fm = tf.tidy(() => value(f(tf.tensor2d(minus))));
      return (fp - fm) / (2 * h);
    }),
  );
}

function expectClose(actual: number[][], expected: number[][], tol: number): void {
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(tol)));
}

describe("fnInstanceLoss", () => {
  it("equals the per-row loop of the reference on a tiny batch", () => {
    const q = randomRows(4, 3, 1);
    const k = randomRows(4, 3, 2);
    for (const phi of [0.95, 0.3, -0.2]) {
      const expected = instanceLossByHand(q, k, 0.5, phi);
      const out = fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.5, phi });
      expect(value(out.loss)).toBeCloseTo(expected.loss, 5);
      expect(value(out.droppedShare)).toBeCloseTo(expected.dropped, 6);
    }
  });

  it("drops negatives that are near-copies of the anchor", () => {
    // Cells 0 and 1 are the same direction: with φ = 0.95 each is a false negative of the other.
    const q = [[1, 0, 0], [1, 0.01, 0], [0, 1, 0], [0, 0, 1]];
    const k = [[1, 0.02, 0], [1, 0, 0.01], [0, 1, 0.02], [0.01, 0, 1]];
    const corrected = fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.07, phi: 0.95 });
    const plain = ntXent(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.07 });
    expect(value(corrected.droppedShare)).toBeGreaterThan(0);
    // Without the correction each near-copy is pushed away as a negative, which costs a lot.
    expect(value(corrected.loss)).toBeLessThan(value(plain) / 10);
  });

  it("drops at most maxDropped negatives per row, the most similar, so a collapsed batch still has negatives", () => {
    // Every cell points almost the same way: φ = 0.5 would drop every negative and the loss would be 0.
    const rng = createRng(9);
    const near = (n: number) => Array.from({ length: n }, () => [1, 0.05 * rng.normal(), 0.05 * rng.normal()]);
    const q = near(6);
    const k = near(6);
    const n = 12;
    const uncapped = fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.5, phi: 0.5 });
    expect(value(uncapped.droppedShare)).toBe(1);
    expect(value(uncapped.loss)).toBeCloseTo(0, 6);
    const capped = fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.5, phi: 0.5, maxDropped: 2 });
    expect(value(capped.droppedShare)).toBeCloseTo((2 * n) / (n * (n - 2)), 6);
    expect(value(capped.loss)).toBeGreaterThan(0.5);
    // The two dropped are each row's two most similar candidates: the hand-written loss with those removed.
    const f = unit([...q, ...k]);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const partner = (i + 6) % n;
      const cos = (j: number) => f[i]!.reduce((s, v, d) => s + v * f[j]![d]!, 0);
      const candidates = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i && j !== partner).sort((a, b) => cos(b) - cos(a));
      const kept = candidates.slice(2);
      total += -cos(partner) / 0.5 + Math.log(Math.exp(cos(partner) / 0.5) + kept.reduce((s, j) => s + Math.exp(cos(j) / 0.5), 0));
    }
    expect(value(fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.5, phi: 0.5, maxDropped: 2 }).loss)).toBeCloseTo(total / n, 4);
    // A cap above what φ drops changes nothing.
    const loose = fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.5, phi: 0.9999, maxDropped: 5 });
    const plain = fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.5, phi: 0.9999 });
    expect(value(loose.loss)).toBe(value(plain.loss));
  });

  it("with a cap still has the gradient that finite differences give (the cap's threshold is a constant)", () => {
    const q = randomRows(4, 3, 11);
    const k = tf.tensor2d(randomRows(4, 3, 12));
    const f = (x: tf.Tensor2D) => fnInstanceLoss(x, k, { temperature: 0.5, phi: -0.5, maxDropped: 2 }).loss;
    const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(tf.tensor2d(q)).arraySync() as number[][]);
    expectClose(analytic, finiteDifferences(f, q, 1e-3), 2e-3);
  });

  it("builds the capped drop mask on the device (a GPU's path) exactly as on the host, ties included", () => {
    const rng = createRng(21);
    for (const b of [3, 8, 25]) {
      // Rounded cosines make ties at the threshold and at the cap's k-th value common.
      const cos = tf.tensor2d(Float32Array.from({ length: 4 * b * b }, () => Math.max(-1, Math.min(1, Math.round(rng.normal() * 4) / 5))), [2 * b, 2 * b]);
      for (const phi of [0.2, 0.6, 2]) {
        for (const cap of [0, 1, 3, 2 * b - 3]) {
          const host = cappedDropMask(cos, b, phi, cap).arraySync();
          expect(cappedDropMaskOnDevice(cos, b, phi, cap).arraySync()).toEqual(host);
        }
      }
    }
  });

  it("selects the k-th largest value as a full sort would, ties and constant rows included", () => {
    const rng = createRng(13);
    for (const make of [() => rng.normal(), () => Math.round(rng.normal() * 2), () => 1]) {
      for (const len of [1, 2, 7, 398]) {
        const a = Float32Array.from({ length: len }, make);
        const sorted = Array.from(a).sort((x, y) => y - x);
        for (const rank of [0, Math.floor(len / 3), len - 1]) expect(selectLargest(Float32Array.from(a), rank)).toBe(sorted[rank]);
      }
    }
  });

  it("with φ = ∞ is NT-Xent and drops nothing", () => {
    const q = randomRows(5, 4, 3);
    const k = randomRows(5, 4, 4);
    const expected = instanceLossByHand(q, k, 0.07, Infinity);
    expect(value(ntXent(tf.tensor2d(q), tf.tensor2d(k), { temperature: 0.07 }))).toBeCloseTo(expected.loss, 4);
    expect(value(fnInstanceLoss(tf.tensor2d(q), tf.tensor2d(k), { phi: Infinity }).droppedShare)).toBe(0);
  });

  it("has the gradient that finite differences give", () => {
    const q = randomRows(3, 4, 5);
    const k = tf.tensor2d(randomRows(3, 4, 6));
    const f = (x: tf.Tensor2D) => fnInstanceLoss(x, k, { temperature: 0.5, phi: 0.9 }).loss;
    const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(tf.tensor2d(q)).arraySync() as number[][]);
    expectClose(analytic, finiteDifferences(f, q), 2e-3);
  });
});

describe("correlationClusterLoss", () => {
  it("is (S_kk − 1)² averaged plus off-diagonal S² averaged, plus the entropy penalty", () => {
    const pq = softmaxRows(randomRows(6, 3, 7));
    const pk = softmaxRows(randomRows(6, 3, 8));
    const col = (p: number[][], c: number) => p.map((r) => r[c]!);
    const norm = (v: number[]) => v.map((x) => x / Math.hypot(...v));
    let onDiag = 0;
    let offDiag = 0;
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        const s = norm(col(pq, a)).reduce((acc, v, i) => acc + v * norm(col(pk, b))[i]!, 0);
        if (a === b) onDiag += (s - 1) ** 2 / 3;
        else offDiag += s ** 2 / 6;
      }
    }
    const penalty = (p: number[][]) => {
      const mean = [0, 1, 2].map((c) => col(p, c).reduce((x, y) => x + y, 0) / p.length);
      return Math.log(3) + mean.reduce((acc, m) => acc + m * Math.log(m), 0);
    };
    const out = correlationClusterLoss(tf.tensor2d(pq), tf.tensor2d(pk));
    expect(value(out.correlation)).toBeCloseTo(onDiag + offDiag, 5);
    expect(value(out.entropy)).toBeCloseTo(penalty(pq) + penalty(pk), 5);
    expect(value(out.loss)).toBeCloseTo(onDiag + offDiag + penalty(pq) + penalty(pk), 5);
  });

  it("is zero for identical one-hot views that use every cluster evenly", () => {
    const p = [[1, 0], [0, 1], [1, 0], [0, 1]];
    expect(value(correlationClusterLoss(tf.tensor2d(p), tf.tensor2d(p)).loss)).toBeCloseTo(0, 6);
  });

  it("has the gradient that finite differences give", () => {
    const logits = randomRows(5, 3, 9);
    const pk = tf.tensor2d(softmaxRows(randomRows(5, 3, 10)));
    const f = (x: tf.Tensor2D) => correlationClusterLoss(tf.softmax(x), pk).loss;
    const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(tf.tensor2d(logits)).arraySync() as number[][]);
    expectClose(analytic, finiteDifferences(f, logits), 2e-3);
  });
});

describe("entropyPenalty", () => {
  it("is log K when every cell sits in one cluster and 0 when clusters are used evenly", () => {
    expect(value(entropyPenalty(tf.tensor2d([[1, 0, 0], [1, 0, 0]])))).toBeCloseTo(Math.log(3), 5);
    expect(value(entropyPenalty(tf.tensor2d([[1, 0], [0, 1]])))).toBeCloseTo(0, 6);
  });

  it("pushes a collapsing assignment back towards balance (its gradient is not zero)", () => {
    const logits = tf.tensor2d([[3, 0, 0], [2, 0, 0.5], [3, 1, 0]]);
    const g = tf.grad((x: tf.Tensor) => entropyPenalty(tf.softmax(x as tf.Tensor2D)))(logits);
    const grad = g.arraySync() as number[][];
    // Lowering the crowded cluster's logit lowers the penalty: its gradient is positive.
    expect(grad.every((row) => row[0]! > 0)).toBe(true);
  });
});

describe("ccClusterLoss", () => {
  it("is the cross-entropy of matching cluster columns across views, plus the entropy penalty", () => {
    const pq = softmaxRows(randomRows(6, 3, 11));
    const pk = softmaxRows(randomRows(6, 3, 12));
    const cols = [0, 1, 2].map((c) => pq.map((r) => r[c]!)).concat([0, 1, 2].map((c) => pk.map((r) => r[c]!)));
    const u = unit(cols);
    const n = u.length;
    let ce = 0;
    for (let i = 0; i < n; i++) {
      const sim = (j: number) => u[i]!.reduce((s, v, d) => s + v * u[j]![d]!, 0);
      let denom = 0;
      for (let j = 0; j < n; j++) if (j !== i) denom += Math.exp(sim(j));
      ce += -sim((i + 3) % n) + Math.log(denom);
    }
    const out = ccClusterLoss(tf.tensor2d(pq), tf.tensor2d(pk), { temperature: 1 });
    expect(value(out.correlation)).toBeCloseTo(ce / n, 5);
  });

  it("has the gradient that finite differences give", () => {
    const logits = randomRows(5, 3, 13);
    const pk = tf.tensor2d(softmaxRows(randomRows(5, 3, 14)));
    const f = (x: tf.Tensor2D) => ccClusterLoss(tf.softmax(x), pk, { temperature: 0.5 }).loss;
    const analytic = tf.tidy(() => tf.grad((x: tf.Tensor) => f(x as tf.Tensor2D))(tf.tensor2d(logits)).arraySync() as number[][]);
    expectClose(analytic, finiteDifferences(f, logits), 2e-3);
  });
});
