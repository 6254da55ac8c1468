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

export async function saveCheckpoint(model: TrainedModel): Promise<Uint8Array> {
  const list = entries(model);
  let offset = 0;
  const tensors = list.map(([name, v]) => {
    const t = { name, shape: v.shape, offset };
    offset += v.size;
    return t;
  });
  const header: Header = { config: model.config, nGenes: model.params.spec.nGenes, epoch: model.epoch, adamStep: model.adam.step, averageCount: model.average?.count, tensors };
  const json = new TextEncoder().encode(JSON.stringify(header, (_k, v: unknown) => (v === Infinity ? "Infinity" : v)));
  const headerEnd = 12 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const out = new Uint8Array(dataStart + offset * 4);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  const floats = new Float32Array(out.buffer, dataStart, offset);
  // Read asynchronously: a GPU backend in Node (webgpu) has no synchronous read.
  const values = await Promise.all(list.map(([, v]) => v.data()));
  values.forEach((v, i) => floats.set(v as Float32Array, tensors[i]!.offset));
  return out;
}

export function loadCheckpoint(bytes: Uint8Array): TrainedModel {
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new Error("not an scFNCCL checkpoint (bad magic bytes)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = view.getUint32(8, true);
  if (12 + len > bytes.length) throw new Error("checkpoint is truncated (header)");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + len)), (_k, v: unknown) =>
    v === "Infinity" ? Infinity : v,
  ) as Header;
  const dataStart = Math.ceil((12 + len) / 4) * 4;
  const total = header.tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
  if (dataStart + total * 4 > bytes.length) throw new Error("checkpoint is truncated (tensors)");
  // Copy so the floats are aligned whatever the caller's buffer offset was.
  const floats = new Float32Array(bytes.slice(dataStart, dataStart + total * 4).buffer);
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
  for (const t of header.tensors) {
    const v = byName.get(t.name);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (!v || v.size !== size) throw new Error(`checkpoint tensor ${t.name} does not fit this model`);
    tf.tidy(() => v.assign(tf.tensor(floats.subarray(t.offset, t.offset + size), v.shape)));
  }
  return model;
}
