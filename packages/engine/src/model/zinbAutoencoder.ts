import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random.ts";
import { batchNorm as batchNormForward, l2Normalize, linear } from "./forward.ts";
import { batchNorm, dense, type BatchNorm, type Dense } from "./params.ts";

/** Sizes of scDCCA's network. */
export interface ZinbAutoencoderSpec {
  nGenes: number;
  /** Encoder hidden widths: Linear → BN → ReLU each (scDeepCluster/scDCCA use 256, 64). */
  encoderDims: number[];
  /** Bottleneck (the embedding clustered at the end), linear. */
  latentDim: number;
  /** Decoder hidden widths: Linear → ReLU each (the encoder's mirror). */
  decoderDims: number[];
  /** Instance projection head output (L2-normalised). */
  instanceDim: number;
  /** Number of clusters (the cluster head's width). */
  k: number;
}

export interface ZinbAutoencoderParams {
  spec: ZinbAutoencoderSpec;
  encoder: { dense: Dense; bn: BatchNorm }[];
  latent: Dense;
  decoder: Dense[];
  /** ZINB heads on the last decoder layer: mean (before size factors), dispersion, dropout. */
  mean: Dense;
  dispersion: Dense;
  dropout: Dense;
  instance: [Dense, Dense];
  cluster: [Dense, Dense];
}

export function createZinbAutoencoder(spec: ZinbAutoencoderSpec, rng: Rng): ZinbAutoencoderParams {
  const enc = [spec.nGenes, ...spec.encoderDims];
  const dec = [spec.latentDim, ...spec.decoderDims];
  const last = dec[dec.length - 1]!;
  const h = spec.latentDim;
  return {
    spec,
    encoder: spec.encoderDims.map((_, i) => ({ dense: dense(enc[i]!, enc[i + 1]!, rng, `ae_enc${i}`, true), bn: batchNorm(enc[i + 1]!, `ae_enc${i}_bn`) })),
    latent: dense(enc[enc.length - 1]!, h, rng, "ae_latent", true),
    decoder: spec.decoderDims.map((_, i) => dense(dec[i]!, dec[i + 1]!, rng, `ae_dec${i}`, true)),
    mean: dense(last, spec.nGenes, rng, "ae_mean", true),
    dispersion: dense(last, spec.nGenes, rng, "ae_disp", true),
    dropout: dense(last, spec.nGenes, rng, "ae_pi", true),
    instance: [dense(h, h, rng, "ae_inst0"), dense(h, spec.instanceDim, rng, "ae_inst1")],
    cluster: [dense(h, h, rng, "ae_clu0"), dense(h, spec.k, rng, "ae_clu1")],
  };
}

/** Every variable in a fixed order (the trainable ones are what Adam updates). */
export function zinbAutoencoderVariables(p: ZinbAutoencoderParams): tf.Variable[] {
  const d = (x: Dense) => [x.w, x.b];
  return [
    ...p.encoder.flatMap((l) => [...d(l.dense), l.bn.gamma, l.bn.beta, l.bn.runningMean, l.bn.runningVar]),
    ...d(p.latent),
    ...p.decoder.flatMap(d),
    ...d(p.mean),
    ...d(p.dispersion),
    ...d(p.dropout),
    ...p.instance.flatMap(d),
    ...p.cluster.flatMap(d),
  ];
}

export function disposeZinbAutoencoder(p: ZinbAutoencoderParams): void {
  for (const v of zinbAutoencoderVariables(p)) v.dispose();
}

export interface ZinbForward {
  /** Bottleneck embedding [B, latent]. */
  z: tf.Tensor2D;
  /** ZINB parameters [B, genes] (`mean` times the cells' size factors); only when size factors were given. */
  recon?: { mean: tf.Tensor2D; dispersion: tf.Tensor2D; pi: tf.Tensor2D };
  /** L2-normalised instance projection [B, instanceDim] and cluster probabilities [B, K]. */
  instance: tf.Tensor2D;
  cluster: tf.Tensor2D;
}

/**
 * One pass: encoder → latent → (decoder → ZINB heads) and the two contrastive heads on the latent.
 * The heads' activations follow DCA: mean = clip(exp(·), 1e-5, 1e6)·size factor, dispersion =
 * clip(softplus(·), 1e-4, 1e4), dropout = sigmoid(·).
 *
 * @param sizeFactors [B, 1] each cell's library size over the median; omitted, the decoder is skipped
 */
export function zinbForward(p: ZinbAutoencoderParams, x: tf.Tensor2D, training: boolean, sizeFactors?: tf.Tensor2D): ZinbForward {
  let h = x;
  p.encoder.forEach((l, i) => {
    h = tf.relu(batchNormForward(linear(h, l.dense, i === 0), l.bn, training, true));
  });
  const z = linear(h, p.latent);
  const instance = l2Normalize(linear(tf.relu(linear(z, p.instance[0])), p.instance[1]));
  const cluster = tf.softmax(linear(tf.relu(linear(z, p.cluster[0])), p.cluster[1]), -1);
  if (!sizeFactors) return { z, instance, cluster };
  let d = z;
  for (const layer of p.decoder) d = tf.relu(linear(d, layer));
  const mean = tf.mul(tf.clipByValue(tf.exp(tf.minimum(linear(d, p.mean), 15)), 1e-5, 1e6), sizeFactors) as tf.Tensor2D;
  const dispersion = tf.clipByValue(tf.softplus(linear(d, p.dispersion)), 1e-4, 1e4);
  const pi = tf.sigmoid(linear(d, p.dropout));
  return { z, instance, cluster, recon: { mean, dispersion, pi } };
}
