/**
 * pnpm bench:speed — seconds per scFNCCL training epoch (reference defaults) on 10X PBMC on every
 * backend that loads here, with cells/s, achieved matMul GFLOP/s against the backend's own
 * measured matMul peak, and peak memory; beside it, a PyTorch comparator of the same model, loss
 * and batch (bench/torch_comparator.py, Debian's python3-torch) timed in the same run.
 *
 * Usage: see USAGE below (`--help` prints it).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, releaseBackend, type BackendName } from "../src/backend.ts";
import { readDataset } from "../src/io/readDataset.ts";
import { encodeNpy } from "../src/io/npy.ts";
import { encodeLabels } from "../src/metrics/encodeLabels.ts";
import { preprocess } from "../src/pp/preprocess.ts";
import { createRng } from "../src/random.ts";
import { disposeModel, resolveConfig, train } from "../src/nn/train.ts";
import { benchArgs } from "./args.ts";
import { sharedData } from "../src/test-support/sharedData.ts";

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_DATA = sharedData("10X_PBMC_top2000.h5");
const REFERENCE_SECONDS = { oneThread: 2.1, twoThreads: 3.1 };

const USAGE = `usage:
  pnpm bench:speed [--epochs 4] [--backends tensorflow,webgpu,wasm,cpu] [--torch-threads 1,2] [--data FILE]
                   [--augment-thread off]   (make the views on the training thread, to see what the pipeline saves)
                   [--cap 1/K]   (with the engine's cap on dropped negatives instead of the reference's rule)`;

const { values } = benchArgs(USAGE, {
  options: {
    epochs: { type: "string", default: "4" },
    backends: { type: "string", default: "tensorflow,webgpu,wasm,cpu" },
    "torch-threads": { type: "string", default: "1,2" },
    data: { type: "string", default: DEFAULT_DATA },
    "one-run": { type: "string" },
    "augment-thread": { type: "string", default: "auto" },
    cap: { type: "string", default: "none" },
    npy: { type: "string" },
  },
});

interface BackendRecord {
  backend: string;
  detail: string;
  secondsPerEpoch: number;
  cellsPerSecond: number;
  gflopsAchieved: number;
  gflopsPeak: number;
  peakRssMiB: number;
  epochsTimed: number;
}

/** Multiply-add FLOPs of one training step's matrix products (the work that dominates). */
function stepFlops(b: number, genes: number, k: number): number {
  const cfg = resolveConfig({ k });
  const [d1, d2, d3] = cfg.encoderDims as [number, number, number];
  const first = 2 * b * genes * d1;
  const rest =
    2 * b * (d1 * d2 + d2 * d3) +
    2 * b * (d3 * cfg.instanceHidden + cfg.instanceHidden * cfg.instanceDim) +
    2 * b * (4 * d3 * d3 + d3 * cfg.clusterHidden + cfg.clusterHidden * k);
  const sims = 2 * (2 * b) ** 2 * cfg.instanceDim;
  const corr = 2 * k * k * b;
  // Query: forward + backward (dW and dX, except no dX for the data input); key: forward only.
  return first + rest + (first + 2 * rest) + (first + rest) + 3 * sims + 3 * corr;
}

/** The backend's plain matMul throughput on the first layer's shape: the ceiling a step can reach. */
async function matMulPeak(b: number, genes: number, units: number): Promise<number> {
  const rng = createRng(3);
  const x = tf.tensor2d(Float32Array.from({ length: b * genes }, () => rng.normal()), [b, genes]);
  const w = tf.tensor2d(Float32Array.from({ length: genes * units }, () => rng.normal()), [genes, units]);
  // Read back each time (asynchronously: webgpu in Node has no synchronous read) so the time is the product's.
  const once = async () => {
    const r = tf.matMul(x, w);
    await r.data();
    r.dispose();
  };
  for (let i = 0; i < 3; i++) await once();
  const reps = 20;
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) await once();
  const ms = (performance.now() - t0) / reps;
  tf.dispose([x, w]);
  return (2 * b * genes * units) / ms / 1e6;
}

async function oneBackend(name: BackendName): Promise<BackendRecord> {
  const info = await initBackend(name);
  const data = await readDataset(values.data);
  const k = data.labels ? encodeLabels(data.labels).classes.length : 8;
  const pre = preprocess(data.counts, { nTopGenes: 2000, emptyCells: "error", file: data.source });
  const epochs = Number(values.epochs);
  const cfg = resolveConfig({ k });
  const seconds: number[] = [];
  // The sparse scaled matrix, as runScfnccl trains on it (each batch densified on the fly).
  // --augment-thread off times the views made on this thread, as before the pipeline.
  const augmentThread = values["augment-thread"] === "off" ? false : undefined;
  // The reference's defaults, as the issue and the comparator time them: ours differ in one, the
  // cap on the negatives φ drops (--cap 1/K times it too).
  const maxDroppedShare = values.cap === "1/K" ? 0 : 1;
  const r = await train(pre.scaled, pre.nCells, pre.nGenes, { k, epochs, augmentThread, maxDroppedShare, onProgress: (s) => seconds.push(s.seconds) });
  disposeModel(r.model);
  // The first epoch includes kernel compilation and warm-up; time the rest.
  const timed = seconds.length > 1 ? seconds.slice(1) : seconds;
  const secondsPerEpoch = timed.reduce((a, b) => a + b, 0) / timed.length;
  const nBatches = Math.ceil(pre.nCells / cfg.batchSize);
  let flops = 0;
  for (let i = 0; i < nBatches; i++) flops += stepFlops(Math.min(cfg.batchSize, pre.nCells - i * cfg.batchSize), pre.nGenes, k);
  return {
    backend: info.name,
    detail: info.detail,
    secondsPerEpoch,
    cellsPerSecond: pre.nCells / secondsPerEpoch,
    gflopsAchieved: flops / secondsPerEpoch / 1e9,
    gflopsPeak: await matMulPeak(cfg.batchSize, pre.nGenes, cfg.encoderDims[0]!),
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
    epochsTimed: timed.length,
  };
}

/** Why the last child failed (its last stderr line), for the table's "not loaded" rows. */
let lastFailure = "";

function runChild(args: string[], command = process.execPath): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", () => resolve(undefined));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(line);
      else {
        // An uncaught error ends stderr with Node's version line; the error's own line says why.
        const lines = err.trim().split("\n");
        lastFailure = lines.find((l) => /^\w*Error: /.test(l)) ?? lines.at(-1) ?? `exit ${code}`;
        process.stderr.write(`  (${args.find((a) => !a.startsWith("-")) ?? command} ${args.slice(-2).join(" ")}: exit ${code}) ${lastFailure}\n`);
        resolve(undefined);
      }
    });
  });
}

if (values["one-run"]) {
  const record = await oneBackend(values["one-run"] as BackendName);
  if (values.npy) {
    // The comparator trains on exactly the matrix the engine trained on.
    const data = await readDataset(values.data);
    const pre = preprocess(data.counts, { nTopGenes: 2000, emptyCells: "error", file: data.source });
    await writeFile(values.npy, encodeNpy(pre.x, [pre.nCells, pre.nGenes]));
  }
  process.stdout.write(`${JSON.stringify(record)}\n`);
  // Dawn's GPU object would keep this child alive.
  releaseBackend();
} else {
  const self = fileURLToPath(import.meta.url);
  const tmp = await mkdtemp(join(tmpdir(), "bench-speed-"));
  const npy = join(tmp, "x.npy");
  const records: BackendRecord[] = [];
  const missing: { backend: string; reason: string }[] = [];
  for (const name of values.backends.split(",")) {
    // CPU is the last resort: one epoch says enough about it.
    const epochs = name === "cpu" ? "2" : values.epochs;
    const args = [self, "--one-run", name, "--epochs", epochs, "--data", values.data, "--augment-thread", values["augment-thread"], "--cap", values.cap];
    if (!existsSync(npy)) args.push("--npy", npy);
    process.stderr.write(`timing ${name}…\n`);
    const line = await runChild(args);
    if (line) records.push(JSON.parse(line) as BackendRecord);
    else {
      process.stderr.write(`  ${name}: not available on this machine\n`);
      missing.push({ backend: name, reason: lastFailure.replace(/^\w*Error: /, "") });
    }
  }
  const data = await readDataset(values.data);
  const k = data.labels ? encodeLabels(data.labels).classes.length : 8;
  const torch: { threads: number; secondsPerEpoch: number }[] = [];
  if (existsSync(npy)) {
    for (const threads of values["torch-threads"].split(",").map(Number)) {
      process.stderr.write(`timing PyTorch comparator, ${threads} thread(s)…\n`);
      const line = await runChild([join(here, "../bench/torch_comparator.py"), npy, "--k", String(k), "--epochs", values.epochs, "--threads", String(threads)], "/usr/bin/python3");
      if (line) {
        const s = (JSON.parse(line) as { secondsPerEpoch: number[] }).secondsPerEpoch.slice(1);
        torch.push({ threads, secondsPerEpoch: s.reduce((a, b) => a + b, 0) / s.length });
      }
    }
  }
  await rm(tmp, { recursive: true, force: true });

  const best = Math.min(...torch.map((t) => t.secondsPerEpoch));
  console.log(`# bench:speed — ${values.data.split("/").at(-1)}, reference defaults, epochs timed after the first\n`);
  console.log("| backend | s/epoch | cells/s | achieved GFLOP/s | matMul peak GFLOP/s | share of peak | peak RSS MiB | PyTorch comparator (best) ÷ ours | reference program (1 thread, 2.1 s) ÷ ours | reference program (2 threads, 3.1 s) ÷ ours |");
  console.log("|---|---|---|---|---|---|---|---|---|---|");
  for (const r of records) {
    console.log(
      `| ${r.backend} (${r.detail}) | ${r.secondsPerEpoch.toFixed(3)} | ${r.cellsPerSecond.toFixed(0)} | ${r.gflopsAchieved.toFixed(2)} | ${r.gflopsPeak.toFixed(2)} | ` +
        `${((100 * r.gflopsAchieved) / r.gflopsPeak).toFixed(0)}% | ${r.peakRssMiB.toFixed(0)} | ${torch.length ? (best / r.secondsPerEpoch).toFixed(2) + "×" : "n/a"} | ` +
        `${(REFERENCE_SECONDS.oneThread / r.secondsPerEpoch).toFixed(2)}× | ${(REFERENCE_SECONDS.twoThreads / r.secondsPerEpoch).toFixed(2)}× |`,
    );
  }
  // A backend that did not load is listed too, so a GPU worker's table shows at a glance whether it ran.
  for (const m of missing) console.log(`| ${m.backend}: not loaded (${m.reason}) | | | | | | | | | |`);
  if (torch.length) {
    console.log("\n| PyTorch comparator | s/epoch |\n|---|---|");
    for (const t of torch) console.log(`| ${t.threads} thread(s) | ${t.secondsPerEpoch.toFixed(3)} |`);
  } else console.log("\nPyTorch comparator not run (needs /usr/bin/python3 with python3-torch).");
  console.log(`\nThe reference program measured by the maintainers: ${REFERENCE_SECONDS.oneThread} s/epoch (1 thread), ${REFERENCE_SECONDS.twoThreads} s/epoch (2 threads).`);
}
