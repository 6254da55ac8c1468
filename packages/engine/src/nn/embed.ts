import * as tf from "@tensorflow/tfjs-core";
import { clusterHead, encode, instanceHead } from "../model/forward.ts";
import { rowRange, type RowMatrix } from "../pp/scale.ts";
import { checkShape, type TrainedModel } from "./train.ts";

export interface Embedding {
  /** Instance-head output of the query branch, L2-normalised: [cells, instanceDim]. */
  z: Float32Array;
  dim: number;
  /** Encoder output (the representation both heads read), L2-normalised: [cells, hDim]. */
  h: Float32Array;
  hDim: number;
  /** Cluster-head soft assignments: [cells, K]. */
  probs: Float32Array;
  k: number;
}

/**
 * Embed all cells with the trained query branch in evaluation mode (BatchNorm running
 * statistics, no dropout), in batches so memory stays flat for any number of cells; a sparse
 * scaled matrix is densified one batch at a time.
 */
export async function embed(model: TrainedModel, x: RowMatrix, nCells: number, nGenes: number, options: { batchSize?: number } = {}): Promise<Embedding> {
  const { batchSize = 4096 } = options;
  checkShape("embed", x, nCells, nGenes);
  const p = model.params;
  const dim = p.spec.instanceDim;
  const k = p.spec.k;
  const hDim = p.spec.encoderDims[p.spec.encoderDims.length - 1]!;
  const z = new Float32Array(nCells * dim);
  const hAll = new Float32Array(nCells * hDim);
  const probs = new Float32Array(nCells * k);
  const scratch = x instanceof Float32Array ? undefined : new Float32Array(Math.min(batchSize, nCells) * nGenes);
  for (let s = 0; s < nCells; s += batchSize) {
    const e = Math.min(nCells, s + batchSize);
    // Read results after the tidy scope closes (on wasm a read inside tidy measured far slower), and
    // asynchronously: a GPU backend in Node (webgpu) has no synchronous read.
    const [hb, zb, pb] = tf.tidy(() => {
      const xb = tf.tensor2d(rowRange(x, nGenes, s, e, scratch), [e - s, nGenes]);
      const h = encode(p.encoder, xb, { training: false });
      return [h, instanceHead(p, h), clusterHead(p, h, { training: false })];
    });
    const [hv, zv, pv] = await Promise.all([hb.data(), zb.data(), pb.data()]);
    hAll.set(hv as Float32Array, s * hDim);
    z.set(zv as Float32Array, s * dim);
    probs.set(pv as Float32Array, s * k);
    tf.dispose([hb, zb, pb]);
  }
  return { z, dim, h: hAll, hDim, probs, k };
}

/** The cluster head's argmax: a second way to get clusters, without k-means. */
export function argmaxClusters(e: Embedding): Int32Array {
  const n = e.probs.length / e.k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < e.k; j++) if (e.probs[i * e.k + j]! > e.probs[i * e.k + best]!) best = j;
    out[i] = best;
  }
  return out;
}
