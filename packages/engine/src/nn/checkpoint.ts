import * as tf from "@tensorflow/tfjs-core";
import { createParams, learningRateScales, namedVariables, trainableVariables } from "../model/params.ts";
import { createRng } from "../random.ts";
import { createAdam } from "./adam.ts";
import { createWeightAverage } from "./weightAverage.ts";
import type { TrainConfig, TrainedModel } from "./trainConfig.ts";

/**
 * Checkpoint bytes: "SCFNCKP1", a little-endian uint32 header length, a UTF-8 JSON header
 * (config, epoch, Adam step, epochs in the weight average, and each tensor's name, shape and float offset), padding to a
 * multiple of 4, then all tensors as little-endian float32 in header order. Self-describing so a
 * worker can resume a run another worker started, and small (PBMC: 7.0 MB, weights and Adam's moments; 1.8 MB
 * more while it carries a weight average).
 */
const MAGIC = "SCFNCKP1";

interface Header {
  config: TrainConfig;
  nGenes: number;
  epoch: number;
  adamStep: number;
  /** Epochs in the weight average the checkpoint carries (absent: none). */
  averageCount?: number;
  tensors: { name: string; shape: number[]; offset: number }[];
}

function entries(model: TrainedModel): [string, tf.Variable][] {
  const named = namedVariables(model.params);
  const trainIndex = new Map(model.adam.vars.map((v, i) => [v, i]));
  const out = [...named];
  for (const [name, v] of named) {
    const i = trainIndex.get(v);
    if (i === undefined) continue;
    out.push([`adam.m.${name}`, model.adam.m[i]!], [`adam.v.${name}`, model.adam.v[i]!]);
    if (model.average) out.push([`average.${name}`, model.average.values[i]!]);
  }
  return out;
}

/**
 * Named tensors after a JSON header, in the layout described above under the given 8-byte magic:
 * the one byte format of every trainer's checkpoint (scFNCCL's here, scDCCA's in methods/scdcca.ts).
 */
export async function packTensors(magic: string, header: object, list: readonly (readonly [string, tf.Tensor])[]): Promise<Uint8Array> {
  let offset = 0;
  const tensors = list.map(([name, v]) => {
    const t = { name, shape: v.shape, offset };
    offset += v.size;
    return t;
  });
  const json = new TextEncoder().encode(JSON.stringify({ ...header, tensors }, (_k, v: unknown) => (v === Infinity ? "Infinity" : v)));
  const headerEnd = 12 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const out = new Uint8Array(dataStart + offset * 4);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const floats = new Float32Array(out.buffer, dataStart, offset);
  // Read asynchronously: a GPU backend in Node (webgpu) has no synchronous read.
  const values = await Promise.all(list.map(([, v]) => v.data()));
  values.forEach((v, i) => floats.set(v as Float32Array, tensors[i]!.offset));
  return out;
}

/** The header and tensors `packTensors` wrote; `what` names the format in errors ("an scFNCCL checkpoint"). */
export function unpackTensors<H extends object>(bytes: Uint8Array, magic: string, what: string): { header: H; tensors: Map<string, { shape: number[]; values: Float32Array }> } {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== magic) throw new Error(`not ${what} (bad magic bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(8, true);
  if (12 + len > bytes.length) throw new Error(`${what} is truncated (header)`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)), (_k, v: unknown) => (v === "Infinity" ? Infinity : v)) as H & {
    tensors: { name: string; shape: number[]; offset: number }[];
  };
  const dataStart = Math.ceil((12 + len) / 4) * 4;
  const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const total = header.tensors.reduce((s, t) => s + size(t.shape), 0);
  if (dataStart + total * 4 > bytes.length) throw new Error(`${what} is truncated (tensors)`);
  // Copy so the floats are aligned whatever the caller's buffer offset was.
  const floats = new Float32Array(bytes.slice(dataStart, dataStart + total * 4).buffer);
  const tensors = new Map(header.tensors.map((t) => [t.name, { shape: t.shape, values: floats.subarray(t.offset, t.offset + size(t.shape)) }]));
  return { header, tensors };
}

/** Assign each variable its tensor from a bundle; a missing or misshapen one is an error naming it. */
export function assignTensors(vars: readonly (readonly [string, tf.Variable])[], tensors: Map<string, { values: Float32Array }>, what: string): void {
  for (const [name, v] of vars) {
    const t = tensors.get(name);
    if (!t || t.values.length !== v.size) throw new Error(`${what}: tensor ${name} does not fit this model`);
    tf.tidy(() => v.assign(tf.tensor(t.values, v.shape)));
  }
}

export async function saveCheckpoint(model: TrainedModel): Promise<Uint8Array> {
  const header: Omit<Header, "tensors"> = { config: model.config, nGenes: model.params.spec.nGenes, epoch: model.epoch, adamStep: model.adam.step, averageCount: model.average?.count };
  return packTensors(MAGIC, header, entries(model));
}

export function loadCheckpoint(bytes: Uint8Array): TrainedModel {
  const { header, tensors } = unpackTensors<Header>(bytes, MAGIC, "an scFNCCL checkpoint");
  // Settings added after a checkpoint was written take the value that reproduces how it was trained.
  const c: TrainConfig = {
    ...header.config,
    maxDroppedShare: header.config.maxDroppedShare ?? 1,
    clusterHeadLrScale: header.config.clusterHeadLrScale ?? 1,
    averageShare: header.config.averageShare ?? 0,
  };
  const params = createParams(
    {
      nGenes: header.nGenes,
      k: c.k,
      encoderDims: c.encoderDims,
      instanceHidden: c.instanceHidden,
      instanceDim: c.instanceDim,
      attentionHeads: c.attentionHeads,
      clusterHidden: c.clusterHidden,
    },
    createRng(0),
  );
  const model: TrainedModel = { params, config: c, epoch: header.epoch, adam: createAdam(trainableVariables(params), learningRateScales(params, c.clusterHeadLrScale)) };
  model.adam.step = header.adamStep;
  if (header.averageCount) model.average = { ...createWeightAverage(model.adam.vars), count: header.averageCount };
  const byName = new Map(entries(model));
  // Only the tensors the checkpoint lists (one written before the weight average existed has none).
  assignTensors(header.tensors.map((t) => [t.name, byName.get(t.name) ?? missing(t.name)] as const), tensors, "checkpoint");
  return model;
}

function missing(name: string): never {
  throw new Error(`checkpoint tensor ${name} does not fit this model`);
}
