import * as tf from "@tensorflow/tfjs-core";
import { activeBackend, type BackendInfo } from "../backend.ts";
import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { ccClusterLoss } from "../losses/cluster-losses.ts";
import { fnInstanceLoss } from "../losses/fn-instance-loss.ts";
import { zinbLoss } from "../losses/zinb.ts";
import { augmentInto } from "../model/augment.ts";
import {
  createZinbAutoencoder,
  disposeZinbAutoencoder,
  zinbAutoencoderVariables,
  zinbForward,
  type ZinbAutoencoderParams,
} from "../model/zinbAutoencoder.ts";
import { csrSubset } from "../pp/csr.ts";
import { DEFAULT_N_TOP_GENES, preprocess, validateCounts } from "../pp/preprocess.ts";
import { createRng, permutation } from "../random.ts";
import { adamStep, createAdam, disposeAdam, type Adam } from "../nn/adam.ts";
import { assignTensors, packTensors, unpackTensors } from "../nn/checkpoint.ts";
import { kmeans } from "../tl/kmeans.ts";
import { batchBounds, epochStatsFrom, TrainAbortedError, type EpochStats } from "../nn/train.ts";

/** scDCCA's settings. Network sizes follow scDeepCluster's autoencoder, which scDCCA builds on. */
export const SCDCCA_DEFAULTS = {
  epochs: 100,
  batchSize: 256,
  learningRate: 1e-3,
  /** The two views: inverted dropout of input entries, then Gaussian noise (the denoising corruption). */
  augmentDropout: 0.2,
  augmentNoise: 1,
  /** Instance (NT-Xent) and cluster (Contrastive Clustering) temperatures, CC's defaults. */
  temperature: 0.5,
  clusterTemperature: 1,
  entropyWeight: 1,
  zinbWeight: 1,
  instanceWeight: 1,
  clusterWeight: 1,
  encoderDims: [256, 64],
  latentDim: 32,
  decoderDims: [64, 256],
  instanceDim: 32,
};

export type ScdccaConfig = typeof SCDCCA_DEFAULTS;

export interface ScdccaOptions extends Partial<ScdccaConfig> {
  k: number;
  seed?: number;
  nTopGenes?: number;
  emptyCells?: "error" | "drop";
  /** Per epoch; `extraLoss` carries the ZINB reconstruction loss, `instanceLoss`/`clusterLoss` the contrastive ones. */
  onProgress?: (stats: EpochStats) => void;
  signal?: AbortSignal;
  /** Resume from bytes `onCheckpoint` gave (same data, k, seed and settings). */
  resumeFrom?: Uint8Array;
  /** Called with checkpoint bytes every `checkpointEvery` epochs and after the last. */
  onCheckpoint?: (bytes: Uint8Array, epoch: number) => void | Promise<void>;
  checkpointEvery?: number;
}

export interface ScdccaResult {
  cells: Int32Array;
  /** k-means on the bottleneck embedding. */
  clusters: Int32Array;
  /** Argmax of the cluster head. */
  headClusters: Int32Array;
  /** [cells, latentDim] bottleneck embedding. */
  embedding: Float32Array;
  dim: number;
  k: number;
  /** The epochs this call trained (a resumed run's start after its checkpoint). */
  history: EpochStats[];
  secondsPerEpoch: number;
  backend: BackendInfo;
  nGenesUsed: number;
  config: ScdccaConfig;
  /** The trained network and its optimiser state (`resumeFrom` takes it). */
  checkpoint: Uint8Array;
}

/** Checkpoint bytes: nn/checkpoint.ts's tensor bundle under its own magic, so neither trainer loads the other's. */
const MAGIC = "SCDCCAK1";
interface CheckpointHeader {
  config: ScdccaConfig;
  k: number;
  seed: number;
  nGenes: number;
  epoch: number;
  adamStep: number;
}

function checkpointTensors(params: ZinbAutoencoderParams, adam: Adam): [string, tf.Variable][] {
  const vars = zinbAutoencoderVariables(params);
  const train = new Map(adam.vars.map((v, i) => [v, i]));
  return vars.flatMap((v, i): [string, tf.Variable][] => {
    const j = train.get(v);
    return j === undefined ? [[`p${i}`, v]] : [[`p${i}`, v], [`adam.m.${i}`, adam.m[j]!], [`adam.v.${i}`, adam.v[j]!]];
  });
}

async function saveScdccaCheckpoint(params: ZinbAutoencoderParams, adam: Adam, header: Omit<CheckpointHeader, "adamStep">): Promise<Uint8Array> {
  return packTensors(MAGIC, { ...header, adamStep: adam.step }, checkpointTensors(params, adam));
}

/** Restores a checkpoint into a freshly built network; a checkpoint of other data or settings is refused by name. */
function loadScdccaCheckpoint(bytes: Uint8Array, params: ZinbAutoencoderParams, adam: Adam, expected: Omit<CheckpointHeader, "epoch" | "adamStep">): number {
  const { header, tensors } = unpackTensors<CheckpointHeader>(bytes, MAGIC, "an scDCCA checkpoint");
  for (const key of ["k", "seed", "nGenes"] as const) {
    if (header[key] !== expected[key]) throw new InputError(`the scDCCA checkpoint was trained with ${key} ${header[key]}, this run has ${expected[key]}`);
  }
  if (JSON.stringify(header.config) !== JSON.stringify(expected.config)) throw new InputError("the scDCCA checkpoint was trained with other settings than this run's");
  assignTensors(checkpointTensors(params, adam), tensors, "scDCCA checkpoint");
  adam.step = header.adamStep;
  return header.epoch;
}

function epochRng(seed: number, epoch: number) {
  return createRng((Math.imul(seed + 7, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0);
}

/** Raw counts of the kept cells over the kept genes, dense [cells, genes], and each cell's size factor (total / median total). */
function countsAndSizeFactors(data: Dataset, cells: Int32Array, genes: Int32Array): { counts: Float32Array; sizeFactors: Float32Array } {
  const valid = validateCounts(data.counts, data.source);
  const totals = new Float64Array(cells.length);
  cells.forEach((c, i) => {
    for (let p = valid.indptr[c]!; p < valid.indptr[c + 1]!; p++) totals[i]! += valid.data[p]!;
  });
  const sorted = Float64Array.from(totals).sort();
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const sub = csrSubset(valid, cells, genes);
  const counts = new Float32Array(sub.nRows * sub.nCols);
  for (let i = 0; i < sub.nRows; i++) {
    for (let p = sub.indptr[i]!; p < sub.indptr[i + 1]!; p++) counts[i * sub.nCols + sub.indices[p]!] = sub.data[p]!;
  }
  return { counts, sizeFactors: Float32Array.from(totals, (t) => t / median) };
}

/**
 * scDCCA (Wang et al., Briefings in Bioinformatics 2023): a denoising autoencoder whose decoder
 * models the raw counts with a zero-inflated negative binomial (mean scaled by each cell's size
 * factor, dispersion, dropout), trained jointly with instance-level (NT-Xent) and cluster-level
 * (Contrastive Clustering) contrastive losses on two corrupted views; the cells are clustered by
 * k-means on the bottleneck embedding of the uncorrupted data. Preprocessing is scFNCCL's
 * (median normalisation, log1p, 2000 highly variable genes, scaling), so methods see the same genes.
 */
export async function runScdcca(data: Dataset, options: ScdccaOptions): Promise<ScdccaResult> {
  const file = data.source;
  const { k, seed = 0, signal } = options;
  const cfg: ScdccaConfig = { ...SCDCCA_DEFAULTS };
  for (const key of Object.keys(SCDCCA_DEFAULTS) as (keyof ScdccaConfig)[]) {
    if (options[key] !== undefined) (cfg as Record<string, unknown>)[key] = options[key];
  }
  const pre = preprocess(data.counts, { nTopGenes: options.nTopGenes ?? DEFAULT_N_TOP_GENES, emptyCells: options.emptyCells ?? "error", file });
  const { nCells: n, nGenes: g, x } = pre;
  if (!Number.isInteger(k) || k < 2 || k > n) throw new InputError(`number of clusters must be an integer between 2 and ${n} (got ${k})`, file);
  const { counts, sizeFactors } = countsAndSizeFactors(data, pre.keptCells, pre.keptGenes);
  const backend = await activeBackend();

  const params: ZinbAutoencoderParams = createZinbAutoencoder(
    { nGenes: g, encoderDims: cfg.encoderDims, latentDim: cfg.latentDim, decoderDims: cfg.decoderDims, instanceDim: cfg.instanceDim, k },
    createRng(seed),
  );
  const adam = createAdam(zinbAutoencoderVariables(params).filter((v) => v.trainable));
  const identity = { config: cfg, k, seed, nGenes: g };
  const firstEpoch = options.resumeFrom ? loadScdccaCheckpoint(options.resumeFrom, params, adam, identity) : 0;
  const bounds = batchBounds(n, cfg.batchSize);
  const maxBatch = Math.max(...bounds.map(([s, e]) => e - s));
  const view1 = new Float32Array(maxBatch * g);
  const view2 = new Float32Array(maxBatch * g);
  const target = new Float32Array(maxBatch * g);
  const sf = new Float32Array(maxBatch);
  const history: EpochStats[] = [];
  let trainSeconds = 0;
  try {
    for (let epoch = firstEpoch; epoch < cfg.epochs; epoch++) {
      const started = performance.now();
      const rng = epochRng(seed, epoch);
      const order = permutation(n, rng);
      // [total, instance, cluster, entropy, zinb], summed over the epoch's batches on the backend.
      let sums = tf.zeros([5]);
      for (const [start, end] of bounds) {
        if (signal?.aborted) throw new TrainAbortedError(epoch);
        const rows = order.subarray(start, end);
        const b = end - start;
        augmentInto(view1, x, g, rows, rng, { dropout: cfg.augmentDropout, noise: cfg.augmentNoise });
        augmentInto(view2, x, g, rows, rng, { dropout: cfg.augmentDropout, noise: cfg.augmentNoise });
        rows.forEach((r, i) => {
          target.set(counts.subarray(r * g, (r + 1) * g), i * g);
          sf[i] = sizeFactors[r]!;
        });
        const next = tf.tidy(() => {
          const x1 = tf.tensor2d(view1.subarray(0, b * g), [b, g]);
          const x2 = tf.tensor2d(view2.subarray(0, b * g), [b, g]);
          const y = tf.tensor2d(target.subarray(0, b * g), [b, g]);
          const s = tf.tensor2d(sf.subarray(0, b), [b, 1]);
          let parts: tf.Tensor1D | undefined;
          const { grads } = tf.variableGrads(() => {
            const f1 = zinbForward(params, x1, true, s);
            const f2 = zinbForward(params, x2, true);
            // Denoising: the first corrupted view reconstructs the raw counts (the second only feeds the
            // contrastive losses, which halves the cost of the widest layers' backward pass).
            const r1 = f1.recon!;
            const zinb = zinbLoss(y, r1.mean, r1.dispersion, r1.pi);
            const inst = fnInstanceLoss(f1.instance, f2.instance, { temperature: cfg.temperature, phi: Infinity });
            const clu = ccClusterLoss(f1.cluster, f2.cluster, { temperature: cfg.clusterTemperature, entropyWeight: cfg.entropyWeight });
            const total = tf.addN([tf.mul(zinb, cfg.zinbWeight), tf.mul(inst.loss, cfg.instanceWeight), tf.mul(clu.loss, cfg.clusterWeight)]) as tf.Scalar;
            parts = tf.keep(tf.stack([total, inst.loss, clu.loss, clu.entropy, zinb]) as tf.Tensor1D);
            return total;
          });
          adamStep(adam, grads, cfg.learningRate);
          const added = tf.add(sums, parts!);
          parts!.dispose();
          return added;
        });
        sums.dispose();
        sums = next;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const [total, inst, clu, ent, zinb] = Array.from(await sums.data());
      sums.dispose();
      const seconds = (performance.now() - started) / 1000;
      trainSeconds += seconds;
      const stats = epochStatsFrom(
        [total!, inst!, clu!, ent!, 0, zinb!],
        { epoch: epoch + 1, epochs: cfg.epochs, batches: bounds.length, cells: n, seconds, learningRate: cfg.learningRate },
        "scDCCA training",
      );
      history.push(stats);
      options.onProgress?.(stats);
      const every = options.checkpointEvery ?? 0;
      if (options.onCheckpoint && ((every > 0 && (epoch + 1) % every === 0) || epoch + 1 === cfg.epochs)) {
        await options.onCheckpoint(await saveScdccaCheckpoint(params, adam, { ...identity, epoch: epoch + 1 }), epoch + 1);
      }
    }
    const checkpoint = await saveScdccaCheckpoint(params, adam, { ...identity, epoch: cfg.epochs });

    // The uncorrupted data through the trained encoder, in evaluation mode (BatchNorm running statistics).
    const dim = cfg.latentDim;
    const embedding = new Float32Array(n * dim);
    const probs = new Float32Array(n * k);
    for (let s = 0; s < n; s += 4096) {
      const e = Math.min(n, s + 4096);
      const [zb, pb] = tf.tidy(() => {
        const f = zinbForward(params, tf.tensor2d(x.subarray(s * g, e * g), [e - s, g]), false);
        return [f.z, f.cluster];
      });
      embedding.set(zb!.dataSync(), s * dim);
      probs.set(pb!.dataSync(), s * k);
      tf.dispose([zb!, pb!]);
    }
    const clusters = kmeans(embedding, { n, d: dim, k, nInit: 10, seed, signal }).labels;
    const headClusters = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (probs[i * k + j]! > probs[i * k + best]!) best = j;
      headClusters[i] = best;
    }
    return {
      cells: pre.keptCells,
      clusters,
      headClusters,
      embedding,
      dim,
      k,
      history,
      secondsPerEpoch: history.length ? trainSeconds / history.length : 0,
      backend,
      nGenesUsed: g,
      config: cfg,
      checkpoint,
    };
  } finally {
    disposeAdam(adam);
    disposeZinbAutoencoder(params);
  }
}
