import { availableParallelism } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { activeBackend, type BackendInfo } from "../backend.ts";
import { ccClusterLoss, correlationClusterLoss } from "../losses/cluster-losses.ts";
import { fnInstanceLoss } from "../losses/fn-instance-loss.ts";
import { augmentInto, augmentParams, normals } from "../model/augment.ts";
import { constantScalar } from "../model/constants.ts";
import { clusterHead, encode, instanceHead, type Mode } from "../model/forward.ts";
import {
  createParams,
  disposeParams,
  learningRateScales,
  trainableVariables,
  type EncoderParams,
  type ModelParams,
  type ModelSpec,
} from "../model/params.ts";
import { denseRows, type RowMatrix } from "../pp/scale.ts";
import { createRng, permutation, type Rng } from "../random.ts";
import { adamStep, cosineLearningRate, createAdam, disposeAdam } from "./adam.ts";
import { startAugmentThread, type AugmentThread } from "./augmentThread.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { TRAIN_DEFAULTS, type TrainConfig, type TrainedModel } from "./trainConfig.ts";
import {
  addToAverage,
  applyAverage,
  createWeightAverage,
  disposeWeightAverage,
  firstAveragedEpoch,
  remeasureBatchNorm,
} from "./weightAverage.ts";
import type { EpochStats } from "../progress.ts";

export type { EpochStats };


/** What one training step computed, for an `extraLoss` to build on (all on the gradient tape but the key side). */
export interface StepTensors {
  /** Query view: encoder output [B, h], instance projection [B, instanceDim], cluster probabilities [B, K]. */
  hq: tf.Tensor2D;
  zq: tf.Tensor2D;
  pq: tf.Tensor2D;
  /** Key (EMA) view, off the tape. */
  hk: tf.Tensor2D;
  zk: tf.Tensor2D;
  pk: tf.Tensor2D;
  /** This epoch's seeded generator, for any random draw the term needs. */
  rng: Rng;
}

/**
 * A further loss term added to every step's total (and its gradient), for methods that are this
 * training plus one term: JojoSCL's SURE shrinkage loss. Runs inside the step's gradient scope.
 */
export type ExtraLoss = (step: StepTensors) => tf.Scalar;

export interface TrainOptions extends Partial<Omit<TrainConfig, "k">> {
  k: number;
  extraLoss?: ExtraLoss;
  onProgress?: (stats: EpochStats) => void;
  signal?: AbortSignal;
  /** Resume from these checkpoint bytes (saved by `onCheckpoint` or `saveCheckpoint`). */
  resumeFrom?: Uint8Array;
  /** Called with checkpoint bytes every `checkpointEvery` epochs and after the last. */
  onCheckpoint?: (bytes: Uint8Array, epoch: number) => void | Promise<void>;
  checkpointEvery?: number;
  /**
   * Make the next batch's augmented views on a worker thread during the current step (same bits).
   * Default: where the machine has a second core, the batch is large enough to be worth it, and no
   * `extraLoss` takes draws the thread cannot foresee.
   */
  augmentThread?: boolean;
}

export interface TrainResult {
  model: TrainedModel;
  history: EpochStats[];
  backend: BackendInfo;
  /** Mean wall seconds of a training epoch (no evaluation inside). */
  secondsPerEpoch: number;
}

export { TRAIN_DEFAULTS, type TrainConfig, type TrainedModel };

/**
 * One epoch's statistics from the sums over its batches of [loss, instance loss, cluster loss,
 * entropy, dropped share, extra loss]; a non-finite loss stops the training (`what` names it).
 */
export function epochStatsFrom(
  sums: readonly [number, number, number, number, number, number],
  at: { epoch: number; epochs: number; batches: number; cells: number; seconds: number; learningRate: number },
  what = "training",
): EpochStats {
  const [loss, instanceLoss, clusterLoss, entropy, droppedShare, extraLoss] = sums.map((v) => v / at.batches);
  const stats: EpochStats = {
    epoch: at.epoch,
    epochs: at.epochs,
    loss: loss!,
    instanceLoss: instanceLoss!,
    clusterLoss: clusterLoss!,
    entropy: entropy!,
    learningRate: at.learningRate,
    droppedShare: droppedShare!,
    extraLoss: extraLoss!,
    cellsPerSecond: at.cells / at.seconds,
    seconds: at.seconds,
  };
  if (!Number.isFinite(stats.loss)) throw new Error(`${what} diverged at epoch ${at.epoch} (loss ${stats.loss})`);
  return stats;
}

export class TrainAbortedError extends Error {
  override readonly name = "TrainAbortedError";
  constructor(readonly epoch: number) {
    super(`training stopped at epoch ${epoch}`);
  }
}

function epochRng(seed: number, epoch: number): Rng {
  return createRng((Math.imul(seed + 1, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77)) >>> 0);
}

export function resolveConfig(options: TrainOptions): TrainConfig {
  const config: TrainConfig = { ...TRAIN_DEFAULTS, k: options.k };
  for (const key of Object.keys(TRAIN_DEFAULTS) as (keyof typeof TRAIN_DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  return config;
}

export function createModel(nGenes: number, config: TrainConfig): TrainedModel {
  const spec: ModelSpec = {
    nGenes,
    k: config.k,
    encoderDims: config.encoderDims,
    instanceHidden: config.instanceHidden,
    instanceDim: config.instanceDim,
    attentionHeads: config.attentionHeads,
    clusterHidden: config.clusterHidden,
  };
  const params = createParams(spec, createRng(config.seed));
  return { params, config, epoch: 0, adam: createAdam(trainableVariables(params), learningRateScales(params, config.clusterHeadLrScale)) };
}

export function disposeModel(model: TrainedModel): void {
  disposeAdam(model.adam);
  if (model.average) disposeWeightAverage(model.average);
  disposeParams(model.params);
}

/** The parameters the key encoder copies by EMA, query and key side in the same order. */
function emaPairs(p: ModelParams): { query: tf.Variable[]; key: tf.Variable[] } {
  const pick = (e: EncoderParams) => e.layers.flatMap((l) => [l.dense.w, l.dense.b, l.bn.gamma, l.bn.beta]);
  return { query: pick(p.encoder), key: pick(p.keyEncoder) };
}

/** key ← momentum·key + (1 − momentum)·query. */
function emaUpdate(pairs: { query: tf.Variable[]; key: tf.Variable[] }, momentum: number): void {
  tf.tidy(() => {
    const keep = constantScalar(momentum);
    const take = constantScalar(1 - momentum);
    pairs.key.forEach((k, i) => k.assign(tf.add(tf.mul(k, keep), tf.mul(pairs.query[i]!, take))));
  });
}

/** Batch boundaries of one epoch; a last batch of one cell joins the one before (BatchNorm needs two). */
export function batchBounds(n: number, batchSize: number): [number, number][] {
  const out: [number, number][] = [];
  for (let s = 0; s < n; s += batchSize) out.push([s, Math.min(n, s + batchSize)]);
  const last = out[out.length - 1];
  if (out.length > 1 && last && last[1] - last[0] < 2) {
    out.pop();
    out[out.length - 1]![1] = n;
  }
  return out;
}

/** Throws unless `x` is an nCells × nGenes matrix. */
export function checkShape(what: string, x: RowMatrix, nCells: number, nGenes: number): void {
  if (x instanceof Float32Array) {
    if (x.length !== nCells * nGenes) throw new Error(`${what}: ${x.length} values for ${nCells}×${nGenes}`);
  } else if (x.nRows !== nCells || x.nCols !== nGenes) {
    throw new Error(`${what}: a ${x.nRows}×${x.nCols} matrix for ${nCells}×${nGenes}`);
  }
}

/**
 * Train scFNCCL (or its ScCCL ablation) on a preprocessed [cells, genes] matrix: dense, or sparse and
 * scaled a mini-batch at a time (`pp.scaleSparse`, what `preprocess` returns as `scaled`), which
 * trains identically. Runs on the active TensorFlow.js backend; every random draw comes from `seed`.
 */
export async function train(x: RowMatrix, nCells: number, nGenes: number, options: TrainOptions): Promise<TrainResult> {
  checkShape("train", x, nCells, nGenes);
  const backend = await activeBackend();
  const config = resolveConfig(options);
  if (!Number.isInteger(config.k) || config.k < 2) throw new Error(`k must be an integer ≥ 2 (got ${config.k})`);
  if (config.k > nCells) throw new Error(`k (${config.k}) cannot exceed the number of cells (${nCells})`);
  if (nCells < 2) throw new Error("training needs at least 2 cells");

  const model = options.resumeFrom ? loadCheckpoint(options.resumeFrom) : createModel(nGenes, config);
  if (options.resumeFrom) {
    model.config = { ...model.config, epochs: config.epochs };
    if (model.params.spec.nGenes !== nGenes) {
      disposeModel(model);
      throw new Error(`checkpoint was trained on ${model.params.spec.nGenes} genes, the data has ${nGenes}`);
    }
  }
  const cfg = model.config;
  const p = model.params;
  const trainable = model.adam.vars;
  const ema = emaPairs(p);
  const bounds = batchBounds(nCells, cfg.batchSize);
  const maxBatch = Math.max(...bounds.map(([s, e]) => e - s));
  const view1 = new Float32Array(maxBatch * nGenes);
  const view2 = new Float32Array(maxBatch * nGenes);
  // The batch's scaled rows are written densely here (from either kind of matrix), then augmented
  // as batch rows 0..b-1, on this thread or the worker's.
  const sparse = x instanceof Float32Array ? null : x;
  const batchRows = new Float32Array(maxBatch * nGenes);
  const identity = Int32Array.from({ length: maxBatch }, (_, i) => i);
  // Loss parts are summed on the backend and read once per epoch: [total, instance, cluster, entropy, dropped, extra].
  const sums = tf.tidy(() => tf.variable(tf.zeros([6]), false));
  const history: EpochStats[] = [];
  let trainSeconds = 0;
  const augment = { dropout: cfg.augmentDropout, noise: cfg.augmentNoise };
  // Draws a step takes after its views: the attention dropout of the key and the query branch.
  const hDim = cfg.encoderDims.at(-1)!;
  const stepDraws = (b: number) => (cfg.attentionDropout > 0 ? 2 * b * hDim : 0);
  // How many negatives φ may drop per row of a batch of b cells (2b − 2 candidates).
  const dropShare = cfg.maxDroppedShare > 0 ? cfg.maxDroppedShare : 1 / cfg.k;
  const maxDropped = (b: number) => (dropShare >= 1 ? Infinity : Math.floor(dropShare * (2 * b - 2)));
  const useThread = options.augmentThread ?? (availableParallelism() > 1 && !options.extraLoss && maxBatch * nGenes >= 100_000);
  if (useThread && options.extraLoss) throw new Error("augmentThread cannot be used with an extraLoss (its draws are not known ahead)");
  // On wasm the worker also computes the key branch's first-layer product with its own wasm
  // instance: the same kernel on the same inputs, so the same bits (other backends thread themselves).
  const firstUnits = cfg.encoderDims[0]!;
  const keyUnits = tf.getBackend() === "wasm" ? firstUnits : undefined;
  const thread: AugmentThread | null = useThread ? startAugmentThread(nGenes, maxBatch, { table: normals(), ...augmentParams(augment), keyUnits }) : null;
  /** Batch rows of the preprocessed matrix, dense, into `out`. */
  const fillRows = (rows: Int32Array, out: Float32Array) => {
    if (sparse) denseRows(sparse, rows, out);
    else for (let i = 0; i < rows.length; i++) out.set((x as Float32Array).subarray(rows[i]! * nGenes, (rows[i]! + 1) * nGenes), i * nGenes);
  };

  try {
    for (let epoch = model.epoch; epoch < cfg.epochs; epoch++) {
      const started = performance.now();
      const rng = epochRng(cfg.seed, epoch);
      const order = permutation(nCells, rng);
      const lr = cosineLearningRate(cfg.learningRate, epoch, { period: cfg.schedulePeriod || cfg.epochs, floor: cfg.scheduleFloor });
      tf.tidy(() => sums.assign(tf.zeros([6])));
      const postBatch = (j: number, state: Int32Array) => {
        const [s, e] = bounds[j]!;
        thread!.post(j, e - s, (out) => fillRows(order.subarray(s, e), out), state, stepDraws(e - s));
      };
      if (thread) postBatch(0, rng.state);
      for (let j = 0; j < bounds.length; j++) {
        const [start, end] = bounds[j]!;
        if (options.signal?.aborted) throw new TrainAbortedError(epoch);
        const rows = order.subarray(start, end);
        const b = end - start;
        const batch = thread?.take(j);
        let x1Data = batch?.view1;
        let x2Data = batch?.view2;
        if (!x1Data || !x2Data) {
          fillRows(rows, batchRows);
          x1Data = augmentInto(view1, batchRows, nGenes, identity.subarray(0, b), rng, augment).subarray(0, b * nGenes);
          x2Data = augmentInto(view2, batchRows, nGenes, identity.subarray(0, b), rng, augment).subarray(0, b * nGenes);
        }
        emaUpdate(ema, cfg.momentum);
        if (thread && batch) {
          // The key encoder's new weights go with view 2 to the worker, before the next batch's views.
          if (thread.keyProduct) thread.postKey(j, p.keyEncoder.layers[0]!.dense.w.dataSync() as Float32Array, firstUnits);
          if (j + 1 < bounds.length) postBatch(j + 1, batch.next);
          rng.state.set(batch.afterViews);
        }
        const mode: Mode = { training: true, attentionDropout: cfg.attentionDropout, rng };
        tf.tidy(() => {
          const x1 = tf.tensor2d(x1Data, [b, nGenes]);
          const x2 = tf.tensor2d(x2Data, [b, nGenes]);
          // With the key product on the worker, this thread computes the query's meanwhile.
          const queryProduct = thread?.keyProduct ? tf.matMul(x1, p.encoder.layers[0]!.dense.w) : undefined;
          const keyProduct = thread?.keyProduct ? tf.tensor2d(thread.takeKey(j), [b, firstUnits]) : undefined;
          // The key branch runs before the gradient scope: it is off the tape, as under no_grad.
          const hk = encode(p.keyEncoder, x2, { ...mode, trackRunningStats: false }, keyProduct);
          const zk = instanceHead(p, hk);
          const pk = clusterHead(p, hk, mode);
          const { grads } = tf.variableGrads(() => {
            const hq = encode(p.encoder, x1, mode, queryProduct as tf.Tensor2D | undefined);
            const zq = instanceHead(p, hq);
            const pq = clusterHead(p, hq, mode);
            const inst = fnInstanceLoss(zq, zk, { temperature: cfg.temperature, phi: cfg.phi, maxDropped: maxDropped(b) });
            const clu =
              cfg.clusterLoss === "cc"
                ? ccClusterLoss(pq, pk, { temperature: cfg.clusterTemperature, entropyWeight: cfg.entropyWeight })
                : correlationClusterLoss(pq, pk, { entropyWeight: cfg.entropyWeight });
            const extra = options.extraLoss ? options.extraLoss({ hq, zq, pq, hk, zk, pk, rng }) : tf.scalar(0);
            const total = tf.addN([inst.loss, clu.loss, extra]) as tf.Scalar;
            sums.assign(tf.add(sums, tf.stack([total, inst.loss, clu.loss, clu.entropy, inst.droppedShare, extra])));
            return total;
          }, trainable);
          adamStep(model.adam, grads, lr);
        });
        if (thread && batch) {
          // The thread foresaw this step's draws; a step that drew otherwise would get other bits.
          if (!rng.state.every((v, i) => v === batch.next[i])) throw new Error("augmentation thread out of step with the training's draws");
          thread.release(j);
        }
        // Let the event loop run so an abort (SIGINT, a cancelled job) is seen between steps.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const [total, inst, clu, ent, dropped, extra] = Array.from(await sums.data());
      const seconds = (performance.now() - started) / 1000;
      trainSeconds += seconds;
      model.epoch = epoch + 1;
      const stats = epochStatsFrom([total!, inst!, clu!, ent!, dropped!, extra!], {
        epoch: epoch + 1,
        epochs: cfg.epochs,
        batches: bounds.length,
        cells: nCells,
        seconds,
        learningRate: lr,
      });
      if (model.epoch >= firstAveragedEpoch(cfg.epochs, cfg.averageShare)) {
        model.average ??= createWeightAverage(trainable);
        addToAverage(model.average, trainable);
      }
      history.push(stats);
      options.onProgress?.(stats);
      const every = options.checkpointEvery ?? 0;
      if (options.onCheckpoint && ((every > 0 && model.epoch % every === 0) || model.epoch === cfg.epochs)) {
        await options.onCheckpoint(await saveCheckpoint(model), model.epoch);
      }
    }
    // After the last checkpoint, so a run resumed from it takes this same step to the same bits.
    if (model.average && model.epoch >= cfg.epochs) {
      applyAverage(model.average, trainable);
      disposeWeightAverage(model.average);
      model.average = undefined;
      // One pass of training views, drawn as the epoch after the last would draw them: the statistics
      // describe what the encoder saw in training, which is what evaluation normalises by.
      const rng = epochRng(cfg.seed, cfg.epochs);
      const order = permutation(nCells, rng);
      remeasureBatchNorm(p.encoder, bounds.length, (j, bnMomentum) => {
        const [s, e] = bounds[j]!;
        fillRows(order.subarray(s, e), batchRows);
        const v = augmentInto(view1, batchRows, nGenes, identity.subarray(0, e - s), rng, augment).subarray(0, (e - s) * nGenes);
        // Only the running statistics are wanted: the output stays inside the scope, which frees it.
        tf.tidy(() => {
          encode(p.encoder, tf.tensor2d(v, [e - s, nGenes]), { training: true, bnMomentum });
        });
      });
    }
  } catch (err) {
    sums.dispose();
    disposeModel(model);
    await thread?.close();
    throw err;
  }
  sums.dispose();
  await thread?.close();
  return { model, history, backend, secondsPerEpoch: history.length ? trainSeconds / history.length : 0 };
}
