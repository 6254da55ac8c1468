/**
 * pnpm bench:trajectory — how one training run's clusters evolve, to study label-free model
 * selection and defaults. Every `--every` epochs it embeds all cells with the model as it stands
 * and prints the losses beside ARI/NMI of k-means on z (the method's embedding), k-means on h
 * (the encoder output) and the cluster head's argmax, with the share of the cluster head's hidden ReLU
 * units that fire for any cell (a dead head passes no cluster-loss gradient to the encoder).
 * Labels are only printed, never used.
 *
 * The last column clusters the mean of the last `--window` checkpoints' z (renormalised): whether a
 * temporal ensemble of the embedding is steadier than the last epoch's alone.
 *
 * `--dump DIR` also writes the labels (`truth.npy`), each checkpoint's z (`z-e<epoch>.npy`) and the final
 * model's z and h (`z-final.npy`, `h-final.npy`) as .npy, so other clusterings of the same embeddings can be
 * studied without training again (`bench/readouts.py DIR` scores the ones docs/experiments/engine-defaults.md quotes).
 *
 * Usage: see USAGE below (`--help` prints it).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { attention, l2Normalize, linear } from "../src/model/forward.ts";
import { initBackend, type BackendName } from "../src/backend.ts";
import { readDataset } from "../src/io/readDataset.ts";
import { parseMethodSettings } from "../src/methods/cluster.ts";
import { encodeLabels } from "../src/metrics/encodeLabels.ts";
import { evaluate } from "../src/metrics/evaluate.ts";
import { encodeNpy } from "../src/io/npy.ts";
import { preprocess } from "../src/pp/preprocess.ts";
import { loadCheckpoint } from "../src/nn/checkpoint.ts";
import { argmaxClusters, embed } from "../src/nn/embed.ts";
import { kmeans } from "../src/tl/kmeans.ts";
import { disposeModel, train, type EpochStats, type TrainedModel, type TrainOptions } from "../src/nn/train.ts";
import { finalWeights } from "../src/nn/weightAverage.ts";
import { benchArgs, usageError } from "./args.ts";

/** Share of the cluster head's hidden ReLU units positive for at least one cell of h (the embedded encoder output). */
function liveHeadUnits(model: TrainedModel, h: Float32Array, nCells: number, hDim: number): number {
  const hidden = tf.tidy(() =>
    tf.max(linear(attention(model.params.attention, tf.tensor2d(h, [nCells, hDim]), model.params.spec.attentionHeads, { training: false }), model.params.cluster[0]), 0),
  );
  const maxima = hidden.dataSync();
  hidden.dispose();
  return maxima.filter((v) => v > 0).length / maxima.length;
}

const USAGE = `usage:
  pnpm bench:trajectory <dataset.h5> [--seed 0] [--epochs 200] [--every 20] [--window 5] [--set name=value ...]
                         [--dump DIR]   (write the labels and every checkpoint's embedding as .npy)`;

const { values, positionals } = benchArgs(USAGE, {
  allowPositionals: true,
  options: {
    seed: { type: "string", default: "0" },
    epochs: { type: "string", default: "200" },
    every: { type: "string", default: "20" },
    window: { type: "string", default: "5" },
    dump: { type: "string" },
    backend: { type: "string" },
    set: { type: "string", multiple: true, default: [] },
  },
});
const file = positionals[0];
if (!file) usageError(USAGE, "a dataset file is required");

const backend = await initBackend(values.backend as BackendName | undefined);
const data = await readDataset(file);
if (!data.labels) throw new Error(`${file}: the trajectory study needs labels to report against`);
const labels = encodeLabels(data.labels);
const k = labels.classes.length;
const pre = preprocess(data.counts, { nTopGenes: 2000, emptyCells: "error", file });
const truth = Int32Array.from(pre.keptCells, (i) => labels.codes[i]!);
const seed = Number(values.seed);
const dump = values.dump;
if (dump) {
  mkdirSync(dump, { recursive: true });
  writeFileSync(join(dump, "truth.npy"), encodeNpy(truth, [truth.length]));
}
const dumpEmbedding = (name: string, x: Float32Array, d: number) => {
  if (dump) writeFileSync(join(dump, `${name}.npy`), encodeNpy(x, [pre.nCells, d]));
};

const overrides = parseMethodSettings("scfnccl", values.set);

const fmt = (x: number) => x.toFixed(4);
console.log(`# ${file} seed ${seed} k ${k} backend ${backend.name} ${JSON.stringify(overrides)}`);
console.log(`| epoch | loss | inst | clu | entropy | dropped | lr | ARI z | NMI z | ARI h | NMI h | ARI head | head clusters used | live head units | ARI mean z of last ${values.window} |`);
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
const recentZ: Float32Array[] = [];

/** Row-wise mean of the recent z's, back on the unit sphere (as each z is). */
function meanZ(zs: Float32Array[], dim: number): Float32Array {
  const mean = tf.tidy(() => l2Normalize(tf.addN(zs.map((z) => tf.tensor2d(z, [z.length / dim, dim])))));
  const out = mean.dataSync() as Float32Array;
  mean.dispose();
  return out;
}
/** ARI/NMI of k-means (the method's: 10 starts, the run's seed) on an embedding of all cells. */
const scoreKmeans = (x: Float32Array, d: number) => evaluate(truth, kmeans(x, { n: pre.nCells, d, k, nInit: 10, seed }).labels);
let last: EpochStats | undefined;
const options: TrainOptions = {
  ...overrides,
  k,
  seed,
  epochs: Number(values.epochs),
  checkpointEvery: Number(values.every),
  onProgress: (s) => {
    last = s;
  },
  onCheckpoint: async (bytes, epoch) => {
    const model = loadCheckpoint(bytes);
    try {
      const e = await embed(model, pre.x, pre.nCells, pre.nGenes);
      dumpEmbedding(`z-e${epoch}`, e.z, e.dim);
      const head = argmaxClusters(e);
      const z = scoreKmeans(e.z, e.dim);
      const h = scoreKmeans(e.h, e.hDim);
      const hd = evaluate(truth, head);
      const used = new Set(head).size;
      recentZ.push(e.z);
      if (recentZ.length > Number(values.window)) recentZ.shift();
      const ensemble = scoreKmeans(meanZ(recentZ, e.dim), e.dim);
      const s = last!;
      console.log(
        `| ${epoch} | ${fmt(s.loss)} | ${fmt(s.instanceLoss)} | ${fmt(s.clusterLoss)} | ${fmt(s.entropy)} | ${fmt(s.droppedShare)} | ${s.learningRate.toExponential(2)} | ${fmt(z.ari)} | ${fmt(z.nmi)} | ${fmt(h.ari)} | ${fmt(h.nmi)} | ${fmt(hd.ari)} | ${used} | ${fmt(liveHeadUnits(model, e.h, pre.nCells, e.hDim))} | ${fmt(ensemble.ari)} |`,
      );
    } finally {
      disposeModel(model);
    }
  },
};
const r = await train(pre.x, pre.nCells, pre.nGenes, options);
// The checkpoints hold each epoch's own weights; the model a run ends on may be their mean.
const final = await embed(r.model, pre.x, pre.nCells, pre.nGenes);
dumpEmbedding("z-final", final.z, final.dim);
dumpEmbedding("h-final", final.h, final.hDim);
const finalZ = scoreKmeans(final.z, final.dim);
const finalH = scoreKmeans(final.h, final.hDim);
console.log(`# final model (${finalWeights(r.model.config.epochs, r.model.config.averageShare)}): ARI z ${fmt(finalZ.ari)} NMI z ${fmt(finalZ.nmi)} ARI h ${fmt(finalH.ari)} NMI h ${fmt(finalH.nmi)}`);
console.log(`# ${r.secondsPerEpoch.toFixed(2)} s/epoch`);
disposeModel(r.model);

