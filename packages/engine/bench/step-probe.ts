// Kernel count and time of one training epoch on PBMC-sized input (2000 genes, batch 200).
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/backend.ts";
import { train } from "../src/tl/train.ts";
import { disposeModel } from "../src/tl/train.ts";
const backend = await initBackend((process.argv[2] as "wasm" | undefined) ?? undefined);
const n = Number(process.argv[3] ?? 1000), g = 2000;
const x = new Float32Array(n * g).map((_, i) => Math.sin(i * 0.37) * 2);
let kernels = 0;
const warm = await train(x.subarray(0, 400 * g), 400, g, { k: 8, epochs: 1 });
disposeModel(warm.model);
const prof = await tf.profile(async () => {
  const r = await train(x.subarray(0, 200 * g), 200, g, { k: 8, epochs: 1 });
  disposeModel(r.model);
});
kernels = prof.kernels.length;
const r = await train(x, n, g, { k: 8, epochs: 3 });
console.log(backend.name, `kernels/step ${kernels}`, `s/epoch ${r.history.slice(1).reduce((s, h) => s + h.seconds, 0) / 2}`, `ms/step ${(1000 * r.history.slice(1).reduce((s, h) => s + h.seconds, 0)) / 2 / Math.ceil(n / 200)}`);
disposeModel(r.model);
const hist = new Map<string, [number, number]>();
for (const k of prof.kernels) { const e = hist.get(k.name) ?? [0, 0]; e[0]++; e[1] += k.kernelTimeMs as number; hist.set(k.name, e); }
console.log([...hist.entries()].sort((a, b) => b[1][0] - a[1][0]).map(([k, [c, t]]) => `${k}:${c}:${t.toFixed(0)}ms`).join(" "));
for (const k of prof.kernels.filter((k) => k.name === "BatchMatMul" || (k.kernelTimeMs as number) > 2)) console.log(k.name, (k.kernelTimeMs as number).toFixed(1), JSON.stringify(k.inputShapes));
