/**
 * pnpm bench:matmul — why the engine's gradients transpose explicitly on wasm.
 * Times the training step's largest matMul shapes (batch 200, 2000 genes, 200 units) plain, with
 * a transpose flag (what tfjs's own matMul gradient does), and with an explicit transpose first.
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, type BackendName } from "../src/backend.ts";
import { createRng } from "../src/random.ts";
import { benchArgs } from "./args.ts";

const USAGE = `usage:
  pnpm bench:matmul [tensorflow|wasm|cpu]   (default: the best backend that loads)`;
const { positionals } = benchArgs(USAGE, { allowPositionals: true, options: {} });
const info = await initBackend(positionals[0] as BackendName | undefined);
const [b, g, h] = [200, 2000, 200];
// Inputs made as training makes them: host arrays uploaded with tf.tensor2d.
const rng = createRng(1);
const host = (r: number, c: number) => tf.tensor2d(Float32Array.from({ length: r * c }, () => rng.normal()), [r, c]);
const x = host(b, g);
const w = host(g, h);
const dy = host(b, h);
const flops = 2 * b * g * h;

function time(f: () => tf.Tensor, reps = 15): number {
  const once = () => {
    const r = tf.tidy(f);
    r.dataSync();
    r.dispose();
  };
  for (let i = 0; i < 3; i++) once();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) once();
  return (performance.now() - t0) / reps;
}

const rows: [string, number][] = [
  ["forward x·W (plain)", time(() => tf.matMul(x, w))],
  ["dW = xᵀ·dy, transposeA flag", time(() => tf.matMul(x, dy, true, false))],
  ["dW = transpose(x)·dy, explicit", time(() => tf.matMul(tf.transpose(x), dy))],
  ["dX = dy·Wᵀ, transposeB flag", time(() => tf.matMul(dy, w, false, true))],
  ["dX = dy·transpose(W), explicit", time(() => tf.matMul(dy, tf.transpose(w)))],
];
console.log(`backend: ${info.name} (${info.detail})\n`);
console.log("| product | ms | GFLOP/s |\n|---|---|---|");
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(2)} | ${(flops / ms / 1e6).toFixed(2)} |`);
console.log(`\nflag ÷ explicit: dW ${(rows[1]![1] / rows[2]![1]).toFixed(1)}×, dX ${(rows[3]![1] / rows[4]![1]).toFixed(1)}×`);
