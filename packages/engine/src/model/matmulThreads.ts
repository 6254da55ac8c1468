/**
 * The wasm backend computes on one thread in Node (its threaded build needs browser workers), so on
 * a machine with more cores the first layer's products, the largest in a training step, are split
 * by rows across worker threads that each run their own wasm backend. The rows of a product are
 * computed exactly as in one call (XNNPACK's per-row accumulation does not depend on how many rows
 * a call has; `matmulThreads.test.ts` checks it bit for bit), so training gives the same bits with
 * any number of threads.
 *
 * Calls are synchronous, like the tfjs ops they replace: the main thread hands each worker its rows
 * through a SharedArrayBuffer, computes its own share, then blocks in `Atomics.wait` until the
 * workers are done. Only the wasm backend uses this; tensorflow is multi-threaded itself.
 */
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs-core";

const require = createRequire(import.meta.url);

/** Below this many multiply-adds a product is cheaper on one thread than the copies a split costs. */
const MIN_MACS = 4_000_000;

const IDLE = 0;
const POSTED = 1;
const DONE = 2;
const FAILED = 3;

const JOB_AB = 1;
const JOB_ATB = 2;
const JOB_RESIZE = 3;

/*
 * The worker's code. Node 20 cannot start a worker from a .ts file and the engine runs both from
 * its TypeScript sources (tests) and from bundles (CLI, apps), where a separate worker file would
 * sit at a different path; code passed with `eval` works the same in all of them. It loads
 * tfjs-core and the wasm backend from the paths the main thread resolved.
 *
 * Control words (Int32Array): [state, job, m, k, n, r0, r1]. Data (Float32Array): the A rows (or,
 * for Aᵀ·B, all of A), then B, then the C rows the worker writes.
 */
const WORKER_CODE = `
const { workerData, receiveMessageOnPort, parentPort } = require("node:worker_threads");
(async () => {
  const tf = require(workerData.tfCore);
  require(workerData.wasm);
  await tf.setBackend("wasm");
  await tf.ready();
  const ctrl = new Int32Array(workerData.ctrl);
  let data = new Float32Array(workerData.data);
  parentPort.postMessage("ready");
  for (;;) {
    let s;
    while ((s = Atomics.load(ctrl, 0)) !== ${POSTED}) Atomics.wait(ctrl, 0, s);
    try {
      const [job, m, k, n, r0, r1] = [ctrl[1], ctrl[2], ctrl[3], ctrl[4], ctrl[5], ctrl[6]];
      if (job === ${JOB_RESIZE}) {
        data = new Float32Array(receiveMessageOnPort(workerData.port).message);
      } else {
        const rows = r1 - r0;
        const c = tf.tidy(() => {
          if (job === ${JOB_AB}) {
            const a = tf.tensor2d(data.subarray(0, rows * k), [rows, k]);
            const b = tf.tensor2d(data.subarray(rows * k, rows * k + k * n), [k, n]);
            return tf.matMul(a, b).dataSync();
          }
          // Rows r0..r1 of Aᵀ·B with A [k, m]: columns r0..r1 of A, transposed explicitly (a
          // transpose flag is many times slower on wasm).
          const a = tf.tensor2d(data.subarray(0, k * m), [k, m]);
          const b = tf.tensor2d(data.subarray(k * m, k * m + k * n), [k, n]);
          return tf.matMul(tf.transpose(tf.slice(a, [0, r0], [k, rows])), b).dataSync();
        });
        data.set(c, job === ${JOB_AB} ? rows * k + k * n : k * m + k * n);
      }
      Atomics.store(ctrl, 0, ${DONE});
    } catch (err) {
      parentPort.postMessage(String(err && err.stack || err));
      Atomics.store(ctrl, 0, ${FAILED});
    }
    Atomics.notify(ctrl, 0);
  }
})().catch((err) => parentPort.postMessage(String(err && err.stack || err)));
`;

interface ThreadWorker {
  worker: Worker;
  ctrl: Int32Array;
  data: Float32Array;
  port: MessagePort;
  errors: string[];
}

const pool: ThreadWorker[] = [];
/** Products split so far (tests check the split really ran; bench:speed may report it). */
let splitCount = 0;

export function splitProducts(): number {
  return splitCount;
}

/** Threads (this one included) the wasm backend's large products use: `SCFNCCL_THREADS`, or every core. */
export function defaultThreads(): number {
  const env = Number(process.env.SCFNCCL_THREADS);
  return Number.isInteger(env) && env >= 1 ? env : availableParallelism();
}

/** How many threads share the large products now (1: this thread alone). */
export function matMulThreads(): number {
  return pool.length + 1;
}

async function startWorker(): Promise<ThreadWorker> {
  const ctrl = new Int32Array(new SharedArrayBuffer(8 * 4));
  const data = new Float32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_CODE, {
    eval: true,
    workerData: {
      tfCore: require.resolve("@tensorflow/tfjs-core"),
      wasm: require.resolve("@tensorflow/tfjs-backend-wasm"),
      ctrl: ctrl.buffer,
      data: data.buffer,
      port: port2,
    },
    transferList: [port2],
  });
  const errors: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (m === "ready") {
        worker.off("error", reject);
        resolve();
      } else {
        errors.push(String(m));
        reject(new Error(`matMul worker thread failed to start: ${String(m)}`));
      }
    };
    worker.once("message", onMessage);
    worker.once("error", reject);
  });
  worker.on("message", (m: unknown) => errors.push(String(m)));
  // Blocked in Atomics.wait between calls; it must not keep a finished CLI alive.
  worker.unref();
  return { worker, ctrl, data, port: port1, errors };
}

/**
 * Use `threads` threads (this one and `threads − 1` workers) for the wasm backend's large products.
 * 1 stops the workers.
 */
export async function setMatMulThreads(threads: number): Promise<void> {
  const want = Math.max(0, Math.floor(threads) - 1);
  while (pool.length > want) await pool.pop()!.worker.terminate();
  while (pool.length < want) pool.push(await startWorker());
}

function ensureCapacity(w: ThreadWorker, floats: number): void {
  if (w.data.length >= floats) return;
  const data = new Float32Array(new SharedArrayBuffer(Math.ceil(floats * 1.25) * 4));
  w.port.postMessage(data.buffer);
  w.data = data;
  run(w, [JOB_RESIZE, 0, 0, 0, 0, 0]);
  wait(w);
}

function run(w: ThreadWorker, params: number[]): void {
  w.ctrl.set(params, 1);
  Atomics.store(w.ctrl, 0, POSTED);
  Atomics.notify(w.ctrl, 0);
}

function wait(w: ThreadWorker): void {
  let s: number;
  while ((s = Atomics.load(w.ctrl, 0)) === POSTED) Atomics.wait(w.ctrl, 0, POSTED);
  Atomics.store(w.ctrl, 0, IDLE);
  if (s === FAILED) {
    // A broken worker would fail every call: stop using threads, say why.
    const why = w.errors.join("\n") || "unknown error";
    void setMatMulThreads(1);
    throw new Error(`matMul worker thread failed: ${why}`);
  }
}

/** Row ranges [start, end) of `rows` split over this thread (first) and the workers, evenly. */
function shares(rows: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let p = 0; p < parts; p++) out.push([Math.round((rows * p) / parts), Math.round((rows * (p + 1)) / parts)]);
  return out;
}

function useThreads(macs: number, rows: number): boolean {
  return pool.length > 0 && macs >= MIN_MACS && rows >= 2 * (pool.length + 1) && tf.getBackend() === "wasm";
}

/**
 * `a · b`, split by rows of `a` across the threads when the product is large (same bits as
 * `tf.matMul(a, b)`); a plain `tf.matMul` otherwise.
 */
export function threadedMatMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [m, k] = a.shape;
  const n = b.shape[1];
  if (!useThreads(m * k * n, m)) return tf.matMul(a, b);
  const aData = a.dataSync() as Float32Array;
  const bData = b.dataSync() as Float32Array;
  const parts = shares(m, pool.length + 1);
  pool.forEach((w, i) => {
    const [r0, r1] = parts[i + 1]!;
    const rows = r1 - r0;
    ensureCapacity(w, rows * k + k * n + rows * n);
    w.data.set(aData.subarray(r0 * k, r1 * k), 0);
    w.data.set(bData, rows * k);
    run(w, [JOB_AB, m, k, n, r0, r1]);
  });
  return gather(m, n, parts, () => tf.tidy(() => tf.matMul(tf.slice(a, [0, 0], [parts[0]![1], k]), b).dataSync()), (rows) => rows * k + k * n);
}

/** `aᵀ · b` (a: [k, m], b: [k, n]), split by rows of the result; same bits as `tf.matMul(tf.transpose(a), b)`. */
export function threadedMatMulAT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [k, m] = a.shape;
  const n = b.shape[1];
  if (!useThreads(m * k * n, m)) return tf.matMul(tf.transpose(a), b);
  const aData = a.dataSync() as Float32Array;
  const bData = b.dataSync() as Float32Array;
  const parts = shares(m, pool.length + 1);
  pool.forEach((w, i) => {
    const [r0, r1] = parts[i + 1]!;
    ensureCapacity(w, k * m + k * n + (r1 - r0) * n);
    w.data.set(aData, 0);
    w.data.set(bData, k * m);
    run(w, [JOB_ATB, m, k, n, r0, r1]);
  });
  const mine = parts[0]![1];
  return gather(m, n, parts, () => tf.tidy(() => tf.matMul(tf.transpose(tf.slice(a, [0, 0], [k, mine])), b).dataSync()), () => k * m + k * n);
}

/** Computes this thread's rows while the workers compute theirs, then joins all rows in order. */
function gather(m: number, n: number, parts: [number, number][], own: () => ArrayLike<number>, resultOffset: (rows: number) => number): tf.Tensor2D {
  const out = new Float32Array(m * n);
  splitCount++;
  let failure: unknown = null;
  try {
    out.set(own(), 0);
  } catch (err) {
    failure = err;
  }
  // Every worker is waited for, even after a failure here, so none is left mid-job.
  pool.slice().forEach((w, i) => {
    const [r0, r1] = parts[i + 1]!;
    try {
      wait(w);
      if (!failure) out.set(w.data.subarray(resultOffset(r1 - r0), resultOffset(r1 - r0) + (r1 - r0) * n), r0 * n);
    } catch (err) {
      failure ??= err;
    }
  });
  if (failure) throw failure;
  return tf.tensor2d(out, [m, n]);
}
