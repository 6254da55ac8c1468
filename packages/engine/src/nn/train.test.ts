import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.ts";
import { ari } from "../metrics/ari.ts";
import { csrFromDense } from "../pp/csr.ts";
import { preprocess } from "../pp/preprocess.ts";
import { separatedGroups } from "../test-support/synthetic.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { argmaxClusters, embed } from "./embed.ts";
import { kmeans } from "../tl/kmeans.ts";
import { namedVariables } from "../model/params.ts";
import { batchBounds, createModel, disposeModel, resolveConfig, train, TrainAbortedError, TRAIN_DEFAULTS, type EpochStats } from "./train.ts";

const CELLS = 240;
const GENES = 40;
const { x, labels } = separatedGroups({ cells: CELLS, genes: GENES, k: 3, seed: 1 });
// 90% dropout of 40 genes leaves each view ~4 genes: too few to tell groups apart, so the tests use 50%.
const small = { k: 3, batchSize: 64, augmentDropout: 0.5, encoderDims: [32, 16, 20], instanceHidden: 24, instanceDim: 16, clusterHidden: 12 };

beforeAll(async () => {
  await initBackend();
});

async function clustersAfter(epochs: number, seed: number): Promise<{ clusters: Int32Array; z: Float32Array; history: EpochStats[] }> {
  const { model, history } = await train(x, CELLS, GENES, { ...small, epochs, seed });
  const e = await embed(model, x, CELLS, GENES);
  disposeModel(model);
  const km = kmeans(e.z, { n: CELLS, d: e.dim, k: 3, seed });
  return { clusters: km.labels, z: e.z, history };
}

describe("train", () => {
  it("separates well-separated groups", async () => {
    const { clusters, history } = await clustersAfter(15, 0);
    expect(ari(labels, clusters)).toBeGreaterThan(0.9);
    expect(history).toHaveLength(15);
    expect(history.at(-1)!.loss).toBeLessThan(history[0]!.loss);
  });

  it("gives identical clusters and embeddings for the same seed, twice in a row", async () => {
    const a = await clustersAfter(3, 7);
    const b = await clustersAfter(3, 7);
    expect(Array.from(b.clusters)).toEqual(Array.from(a.clusters));
    expect(Array.from(b.z)).toEqual(Array.from(a.z));
    const c = await clustersAfter(3, 8);
    expect(Array.from(c.z)).not.toEqual(Array.from(a.z));
  });

  it("gives the same bits with the next batch's views made on a worker thread", async () => {
    for (const attentionDropout of [0.8, 0]) {
      const run = async (augmentThread: boolean) => {
        const { model } = await train(x, CELLS, GENES, { ...small, epochs: 2, seed: 5, attentionDropout, augmentThread });
        const e = await embed(model, x, CELLS, GENES);
        disposeModel(model);
        return Array.from(e.z);
      };
      const sequential = await run(false);
      expect(await run(true)).toEqual(sequential);
    }
  });

  it("refuses the augmentation thread with an extra loss, whose draws it cannot foresee", async () => {
    await expect(train(x, CELLS, GENES, { ...small, epochs: 1, augmentThread: true, extraLoss: () => tf.scalar(0) })).rejects.toThrow(/extraLoss/);
  });

  it("leaks no tensors across an epoch", async () => {
    const counts: number[] = [];
    // Epochs 3 and 4 are averaged: the average's tensors join at epoch 3, then the count holds.
    const { model } = await train(x, CELLS, GENES, { ...small, epochs: 4, averageShare: 0.5, onProgress: () => counts.push(tf.memory().numTensors) });
    expect(counts[1]).toBe(counts[0]);
    expect(counts[3]).toBe(counts[2]);
    const before = tf.memory().numTensors;
    disposeModel(model);
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it("leaves no tensors behind once the model is disposed", async () => {
    const before = tf.memory().numTensors;
    const { model } = await train(x, CELLS, GENES, { ...small, epochs: 1 });
    await embed(model, x, CELLS, GENES);
    disposeModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reports every loss part, the learning rate and the share of negatives dropped by φ", async () => {
    const seen: EpochStats[] = [];
    const { model } = await train(x, CELLS, GENES, { ...small, epochs: 2, phi: 0.5, onProgress: (s) => seen.push(s) });
    disposeModel(model);
    expect(seen.map((s) => s.epoch)).toEqual([1, 2]);
    for (const s of seen) {
      expect(s.loss).toBeCloseTo(s.instanceLoss + s.clusterLoss, 4);
      expect(s.entropy).toBeGreaterThanOrEqual(0);
      expect(s.droppedShare).toBeGreaterThan(0);
      expect(s.cellsPerSecond).toBeGreaterThan(0);
    }
    // The reference's 500-epoch cosine period by default.
    expect(seen[0]!.learningRate).toBeCloseTo(0.2, 6);
    expect(seen[1]!.learningRate).toBeCloseTo(0.2e-3 + ((0.2 - 0.2e-3) * (1 + Math.cos(Math.PI / 500))) / 2, 6);
  });

  it("spans the cosine schedule over the training when schedulePeriod is 0", async () => {
    const seen: EpochStats[] = [];
    const { model } = await train(x, CELLS, GENES, { ...small, epochs: 2, schedulePeriod: 0, onProgress: (s) => seen.push(s) });
    disposeModel(model);
    // Half-way down at the second of two epochs.
    expect(seen[1]!.learningRate).toBeCloseTo(0.2e-3 + (0.2 - 0.2e-3) / 2, 6);
  });

  it("moves the cluster head by clusterHeadLrScale of the learning rate, the rest by the whole rate", async () => {
    // One Adam step from the seeded initial weights: its first step moves each weight by lr·g/(|g|+ε) ≤ lr.
    const options = { ...small, epochs: 1, batchSize: CELLS, seed: 2, clusterHeadLrScale: 0.01 };
    const before = createModel(GENES, resolveConfig(options));
    const { model } = await train(x, CELLS, GENES, options);
    const largestMove = (part: (name: string) => boolean) => {
      const after = new Map(namedVariables(model.params));
      let most = 0;
      for (const [name, v] of namedVariables(before.params)) {
        if (!v.trainable || !part(name)) continue;
        const a = v.dataSync();
        const b = after.get(name)!.dataSync();
        for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
      }
      return most;
    };
    const head = largestMove((name) => name.startsWith("attention.") || name.startsWith("cluster."));
    const encoder = largestMove((name) => name.startsWith("encoder."));
    disposeModel(before);
    disposeModel(model);
    expect(head).toBeLessThanOrEqual(0.2 * 0.01 * (1 + 1e-5));
    expect(head).toBeGreaterThan(0.2 * 0.01 * 0.5);
    expect(encoder).toBeGreaterThan(0.1);
  });

  it("keeps the cluster head learning at a hundredth of the rate where the reference's full rate saturates it", async () => {
    const headAfter = async (clusterHeadLrScale: number) => {
      const seen: EpochStats[] = [];
      const { model } = await train(x, CELLS, GENES, { ...small, epochs: 15, seed: 0, clusterHeadLrScale, onProgress: (s) => seen.push(s) });
      const e = await embed(model, x, CELLS, GENES);
      disposeModel(model);
      return { clusters: argmaxClusters(e), entropy: seen.at(-1)!.entropy };
    };
    const fixed = await headAfter(0.01);
    expect(new Set(fixed.clusters).size).toBe(3);
    expect(ari(labels, fixed.clusters)).toBeGreaterThan(0.9);
    const reference = await headAfter(TRAIN_DEFAULTS.clusterHeadLrScale);
    expect(ari(labels, reference.clusters)).toBeLessThan(0.5);
    expect(reference.entropy).toBeGreaterThan(fixed.entropy);
  });

  it("stops on an AbortSignal and frees its tensors", async () => {
    // A finished epoch first: the step's cached constants (model/constants.ts) are kept by design,
    // so the count is taken once they exist, whichever tests ran before this one.
    disposeModel((await train(x, CELLS, GENES, { ...small, epochs: 1 })).model);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const run = train(x, CELLS, GENES, {
      ...small,
      epochs: 50,
      signal: controller.signal,
      onProgress: (s) => {
        if (s.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(TrainAbortedError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("resumes from checkpoint bytes exactly where it stopped", async () => {
    const full = await train(x, CELLS, GENES, { ...small, epochs: 4, seed: 3 });
    const zFull = (await embed(full.model, x, CELLS, GENES)).z;
    disposeModel(full.model);

    let bytes: Uint8Array | undefined;
    // The checkpoint a 4-epoch run saves after epoch 2, as a worker that died then would have left.
    const firstHalf = await train(x, CELLS, GENES, {
      ...small,
      epochs: 4,
      seed: 3,
      checkpointEvery: 2,
      onCheckpoint: (b, epoch) => {
        if (epoch === 2) bytes = b;
      },
    });
    disposeModel(firstHalf.model);
    expect(bytes).toBeDefined();
    const resumed = await train(x, CELLS, GENES, { ...small, epochs: 4, seed: 3, resumeFrom: bytes });
    expect(resumed.history.map((h) => h.epoch)).toEqual([3, 4]);
    const zResumed = (await embed(resumed.model, x, CELLS, GENES)).z;
    disposeModel(resumed.model);
    expect(Array.from(zResumed)).toEqual(Array.from(zFull));
  });

  it("ends on the mean of the last averageShare of the epochs' weights, with BatchNorm measured again for it", async () => {
    const saved = new Map<number, Uint8Array>();
    const run = await train(x, CELLS, GENES, { ...small, epochs: 4, seed: 5, averageShare: 0.5, checkpointEvery: 1, onCheckpoint: (b, e) => void saved.set(e, b) });
    const weights = (m: ReturnType<typeof loadCheckpoint>) => m.adam.vars.map((v) => Array.from(v.dataSync()));
    const [e3, e4] = [loadCheckpoint(saved.get(3)!), loadCheckpoint(saved.get(4)!)];
    expect([e3.average?.count, e4.average?.count]).toEqual([1, 2]);
    const mean = weights(e3).map((w, i) => w.map((v, j) => (v + weights(e4)[i]![j]!) / 2));
    const final = weights(run.model);
    expect(run.model.average).toBeUndefined();
    mean.forEach((w, i) => w.forEach((v, j) => expect(final[i]![j]).toBeCloseTo(v, 5)));
    // The running statistics were measured again, not kept from the last step.
    const bn = (m: ReturnType<typeof loadCheckpoint>) => Array.from(m.params.encoder.layers[0]!.bn.runningMean.dataSync());
    expect(bn(run.model)).not.toEqual(bn(e4));
    expect(bn(run.model).every(Number.isFinite)).toBe(true);
    // Separated groups stay separated under the mean weights.
    const e = await embed(run.model, x, CELLS, GENES);
    expect(ari(labels, kmeans(e.z, { n: CELLS, d: e.dim, k: 3, seed: 5 }).labels)).toBeGreaterThan(0.9);
    [run.model, e3, e4].forEach(disposeModel);
  });

  it("keeps the last epoch's weights and running statistics when averageShare is 0", async () => {
    let last: Uint8Array | undefined;
    const run = await train(x, CELLS, GENES, { ...small, epochs: 2, seed: 5, averageShare: 0, onCheckpoint: (b) => void (last = b) });
    const saved = loadCheckpoint(last!);
    expect(saved.average).toBeUndefined();
    const all = (m: ReturnType<typeof loadCheckpoint>) => namedVariables(m.params).map(([, v]) => Array.from(v.dataSync()));
    expect(all(run.model)).toEqual(all(saved));
    [run.model, saved].forEach(disposeModel);
  });

  it("resumes a weight-averaging run to the same bits, from inside the averaged epochs or from its last checkpoint", async () => {
    const options = { ...small, epochs: 4, seed: 6, averageShare: 0.5 };
    const saved = new Map<number, Uint8Array>();
    const full = await train(x, CELLS, GENES, { ...options, checkpointEvery: 1, onCheckpoint: (b, e) => void saved.set(e, b) });
    const zFull = Array.from((await embed(full.model, x, CELLS, GENES)).z);
    disposeModel(full.model);
    for (const epoch of [3, 4]) {
      const resumed = await train(x, CELLS, GENES, { ...options, resumeFrom: saved.get(epoch) });
      expect(Array.from((await embed(resumed.model, x, CELLS, GENES)).z)).toEqual(zFull);
      disposeModel(resumed.model);
    }
  });

  it("round-trips a model through checkpoint bytes", async () => {
    const { model } = await train(x, CELLS, GENES, { ...small, epochs: 1 });
    const e1 = await embed(model, x, CELLS, GENES);
    const copy = loadCheckpoint(await saveCheckpoint(model));
    const e2 = await embed(copy, x, CELLS, GENES);
    expect(Array.from(e2.z)).toEqual(Array.from(e1.z));
    expect(Array.from(argmaxClusters(e2))).toEqual(Array.from(argmaxClusters(e1)));
    disposeModel(model);
    disposeModel(copy);
    expect(() => loadCheckpoint(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]))).toThrow(/not an scFNCCL checkpoint/);
  });

  it("trains and embeds the same on the sparse scaled matrix as on the dense one", async () => {
    // Counts with a sparse pattern (about half zeros) and groups, preprocessed as the CLI does.
    const counts = csrFromDense(Float32Array.from(x, (v) => Math.max(0, Math.round(v))), CELLS, GENES);
    const pre = preprocess(counts, { nTopGenes: 30, emptyCells: "drop" });
    expect(pre.scaled.csr.data.length).toBeLessThan(0.7 * pre.nCells * pre.nGenes);
    const options = { ...small, epochs: 3, seed: 5, batchSize: 50 };
    const fromSparse = await train(pre.scaled, pre.nCells, pre.nGenes, options);
    const fromDense = await train(pre.x, pre.nCells, pre.nGenes, options);
    expect(fromSparse.history.map((h) => h.loss)).toEqual(fromDense.history.map((h) => h.loss));
    expect(Array.from(await saveCheckpoint(fromSparse.model))).toEqual(Array.from(await saveCheckpoint(fromDense.model)));
    const a = await embed(fromSparse.model, pre.scaled, pre.nCells, pre.nGenes, { batchSize: 64 });
    const b = await embed(fromDense.model, pre.x, pre.nCells, pre.nGenes, { batchSize: 64 });
    expect(Array.from(a.z)).toEqual(Array.from(b.z));
    expect(Array.from(a.h)).toEqual(Array.from(b.h));
    expect(Array.from(a.probs)).toEqual(Array.from(b.probs));
    disposeModel(fromSparse.model);
    disposeModel(fromDense.model);
    await expect(train(pre.scaled, pre.nCells + 1, pre.nGenes, options)).rejects.toThrow(/matrix for/);
  });

  it("adds an extraLoss term to every step, reports it, and follows its gradient", async () => {
    const seen: EpochStats[] = [];
    let calls = 0;
    const constant = await train(x, CELLS, GENES, {
      ...small,
      epochs: 2,
      seed: 5,
      onProgress: (s) => seen.push(s),
      extraLoss: () => {
        calls++;
        return tf.scalar(0.5);
      },
    });
    const plain = await train(x, CELLS, GENES, { ...small, epochs: 2, seed: 5 });
    // A constant term has no gradient: same model as without it, but its value is counted.
    expect(calls).toBe(2 * batchBounds(CELLS, small.batchSize).length);
    expect(Array.from((await embed(constant.model, x, CELLS, GENES)).z)).toEqual(Array.from((await embed(plain.model, x, CELLS, GENES)).z));
    for (const s of seen) {
      expect(s.extraLoss).toBeCloseTo(0.5, 6);
      expect(s.loss).toBeCloseTo(s.instanceLoss + s.clusterLoss + 0.5, 4);
    }
    expect(plain.history.every((s) => s.extraLoss === 0)).toBe(true);
    // A term with a gradient (here a pull of z towards the all-ones vector) changes the model.
    const pulled = await train(x, CELLS, GENES, { ...small, epochs: 2, seed: 5, extraLoss: ({ zq }) => tf.mean(tf.square(tf.sub(zq, 1))) });
    expect(Array.from((await embed(pulled.model, x, CELLS, GENES)).z)).not.toEqual(Array.from((await embed(plain.model, x, CELLS, GENES)).z));
    for (const m of [constant.model, plain.model, pulled.model]) disposeModel(m);
  });

  it("rejects k < 2 and k above the number of cells", async () => {
    await expect(train(x, CELLS, GENES, { ...small, k: 1, epochs: 1 })).rejects.toThrow(/k must be/);
    await expect(train(x, CELLS, GENES, { ...small, k: CELLS + 1, epochs: 1 })).rejects.toThrow(/cannot exceed/);
  });
});

describe("batchBounds", () => {
  it("keeps the last, smaller batch and folds a single leftover cell into the one before", () => {
    expect(batchBounds(450, 200)).toEqual([[0, 200], [200, 400], [400, 450]]);
    expect(batchBounds(401, 200)).toEqual([[0, 200], [200, 401]]);
    expect(batchBounds(150, 200)).toEqual([[0, 150]]);
  });
});
