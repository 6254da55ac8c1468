import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random.ts";

/** Sizes of the network; the defaults are the reference program's. */
export interface ModelSpec {
  nGenes: number;
  /** Encoder widths, input excluded: Linear(G→200) → BN → ReLU → … (reference [200, 40, 60]). */
  encoderDims: number[];
  /** Instance head: Linear(h→hidden) → ReLU → Linear(hidden→out) (reference 100, 100). */
  instanceHidden: number;
  instanceDim: number;
  /** Attention heads over the h vector of one cell (reference 2). */
  attentionHeads: number;
  /** Cluster head hidden width (reference 40). */
  clusterHidden: number;
  /** Number of clusters. */
  k: number;
}

export const DEFAULT_SPEC: Omit<ModelSpec, "nGenes" | "k"> = {
  encoderDims: [200, 40, 60],
  instanceHidden: 100,
  instanceDim: 100,
  attentionHeads: 2,
  clusterHidden: 40,
};

export interface Dense {
  w: tf.Variable; // [in, out]
  b: tf.Variable; // [out]
}
export interface BatchNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
  runningMean: tf.Variable;
  runningVar: tf.Variable;
}
export interface EncoderParams {
  layers: { dense: Dense; bn: BatchNorm }[];
}
export interface AttentionParams {
  query: Dense;
  key: Dense;
  value: Dense;
  out: Dense;
  lnGamma: tf.Variable;
  lnBeta: tf.Variable;
}
export interface ModelParams {
  spec: ModelSpec;
  encoder: EncoderParams;
  /** The EMA copy of the encoder (the key branch); never trained by gradients. */
  keyEncoder: EncoderParams;
  instance: [Dense, Dense];
  attention: AttentionParams;
  cluster: [Dense, Dense];
}

let counter = 0;
function variable(values: Float32Array, shape: number[], trainable: boolean, name: string): tf.Variable {
  // tidy frees the initial tensor; the variable keeps its data.
  return tf.tidy(() => tf.variable(tf.tensor(values, shape, "float32"), trainable, `${name}_${counter++}`));
}

function uniform(n: number, bound: number, rng: Rng): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * bound;
  return out;
}

/**
 * PyTorch's Linear init: weight and bias U(±1/√fanIn) (kaiming_uniform with a=√5), or
 * Xavier-uniform weights (the reference's encoder) with the bias unchanged.
 */
export function dense(fanIn: number, fanOut: number, rng: Rng, name: string, xavier = false, trainable = true): Dense {
  const wBound = xavier ? Math.sqrt(6 / (fanIn + fanOut)) : 1 / Math.sqrt(fanIn);
  return {
    w: variable(uniform(fanIn * fanOut, wBound, rng), [fanIn, fanOut], trainable, `${name}_w`),
    b: variable(uniform(fanOut, 1 / Math.sqrt(fanIn), rng), [fanOut], trainable, `${name}_b`),
  };
}

export function batchNorm(n: number, name: string, trainable = true): BatchNorm {
  return {
    gamma: variable(new Float32Array(n).fill(1), [n], trainable, `${name}_gamma`),
    beta: variable(new Float32Array(n), [n], trainable, `${name}_beta`),
    runningMean: variable(new Float32Array(n), [n], false, `${name}_rmean`),
    runningVar: variable(new Float32Array(n).fill(1), [n], false, `${name}_rvar`),
  };
}

function encoder(spec: ModelSpec, rng: Rng, name: string, trainable: boolean): EncoderParams {
  const dims = [spec.nGenes, ...spec.encoderDims];
  return {
    layers: spec.encoderDims.map((_, i) => ({
      dense: dense(dims[i]!, dims[i + 1]!, rng, `${name}${i}`, true, trainable),
      bn: batchNorm(dims[i + 1]!, `${name}${i}_bn`, trainable),
    })),
  };
}

export function createParams(spec: ModelSpec, rng: Rng): ModelParams {
  const h = spec.encoderDims[spec.encoderDims.length - 1]!;
  if (h % spec.attentionHeads !== 0) {
    throw new Error(`the encoder output (${h}) must divide into ${spec.attentionHeads} attention heads`);
  }
  const enc = encoder(spec, rng, "enc", true);
  const keyEncoder = encoder(spec, rng, "key", false);
  // The key branch starts as an exact copy of the query branch.
  copyEncoder(enc, keyEncoder);
  return {
    spec,
    encoder: enc,
    keyEncoder,
    instance: [dense(h, spec.instanceHidden, rng, "inst0"), dense(spec.instanceHidden, spec.instanceDim, rng, "inst1")],
    attention: {
      query: dense(h, h, rng, "att_q"),
      key: dense(h, h, rng, "att_k"),
      value: dense(h, h, rng, "att_v"),
      out: dense(h, h, rng, "att_o"),
      lnGamma: variable(new Float32Array(h).fill(1), [h], true, "att_ln_gamma"),
      lnBeta: variable(new Float32Array(h), [h], true, "att_ln_beta"),
    },
    cluster: [dense(h, spec.clusterHidden, rng, "clu0"), dense(spec.clusterHidden, spec.k, rng, "clu1")],
  };
}

export function copyEncoder(from: EncoderParams, to: EncoderParams): void {
  from.layers.forEach((l, i) => {
    const t = to.layers[i]!;
    t.dense.w.assign(l.dense.w);
    t.dense.b.assign(l.dense.b);
    t.bn.gamma.assign(l.bn.gamma);
    t.bn.beta.assign(l.bn.beta);
  });
}

/** Every variable with a stable name, in a fixed order (checkpoints rely on the order). */
export function namedVariables(p: ModelParams): [string, tf.Variable][] {
  const out: [string, tf.Variable][] = [];
  const addDense = (name: string, d: Dense) => out.push([`${name}.w`, d.w], [`${name}.b`, d.b]);
  const addEncoder = (name: string, e: EncoderParams) =>
    e.layers.forEach((l, i) => {
      addDense(`${name}.${i}`, l.dense);
      out.push(
        [`${name}.${i}.bn.gamma`, l.bn.gamma],
        [`${name}.${i}.bn.beta`, l.bn.beta],
        [`${name}.${i}.bn.runningMean`, l.bn.runningMean],
        [`${name}.${i}.bn.runningVar`, l.bn.runningVar],
      );
    });
  addEncoder("encoder", p.encoder);
  addEncoder("keyEncoder", p.keyEncoder);
  p.instance.forEach((d, i) => addDense(`instance.${i}`, d));
  const a = p.attention;
  addDense("attention.query", a.query);
  addDense("attention.key", a.key);
  addDense("attention.value", a.value);
  addDense("attention.out", a.out);
  out.push(["attention.lnGamma", a.lnGamma], ["attention.lnBeta", a.lnBeta]);
  p.cluster.forEach((d, i) => addDense(`cluster.${i}`, d));
  return out;
}

/** The variables Adam updates. */
export function trainableVariables(p: ModelParams): tf.Variable[] {
  return namedVariables(p)
    .map(([, v]) => v)
    .filter((v) => v.trainable);
}

/**
 * Each trainable variable's share of the learning rate, in `trainableVariables` order: `clusterHead`
 * for the cluster head (its attention block and two layers), 1 for the rest.
 */
export function learningRateScales(p: ModelParams, clusterHead: number): number[] {
  const head = new Set<tf.Variable>(namedVariables(p).filter(([name]) => name.startsWith("attention.") || name.startsWith("cluster.")).map(([, v]) => v));
  return trainableVariables(p).map((v) => (head.has(v) ? clusterHead : 1));
}

export function disposeParams(p: ModelParams): void {
  for (const [, v] of namedVariables(p)) v.dispose();
}
