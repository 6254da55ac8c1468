/**
 * A worker thread that prepares what a training step needs from the host while this thread
 * trains: the two augmented views of the next batch (as a PyTorch DataLoader worker does) and, on
 * the wasm backend, the key branch's first-layer product (view 2 · W_key, the step's largest
 * product after the query's own), computed on its own wasm instance while this thread computes
 * the query's. The wasm backend is single-threaded in Node, so this is what puts a second core to
 * work; the views were ~10% of a step and the key product about as much again.
 *
 * The worker draws exactly the numbers this thread would have drawn: it continues the epoch's
 * generator from the state it is given, makes view 1 then view 2 (`augmentRows`, the same source
 * the single-thread path runs), then skips the draws the step's attention dropout takes, and hands
 * back the state after the views and the state the next batch starts from. The trainer checks
 * after every step that its own generator reached that second state. The product runs the same
 * XNNPACK kernel on the same inputs. So training gives the bits of the single-thread path (test).
 */
import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { augmentRow, augmentRows } from "../model/augment.ts";
import { sfcFill } from "../random.ts";

const require = createRequire(import.meta.url);

// Slot states: main posts, the worker answers.
const EMPTY = 0;
const POSTED = 1;
const READY = 2;
const KEY_POSTED = 3;
const KEY_READY = 4;
const FAILED = 5;
const STOP = 6;

/** Control words of a slot: state, rows, draws to skip, key units, then three generator states. */
const CTRL = 16;
const RNG_IN = 4;
const RNG_AFTER_VIEWS = 8;
const RNG_NEXT = 12;

/*
 * The worker's code: the functions' own sources (self-contained by design) and a loop that serves
 * both slots, key products first (the trainer waits on them). Passed with `eval` so the same code
 * runs from the TypeScript sources (tests) and from the bundles (CLI, apps), where a separate
 * worker file would sit at a different path.
 */
const workerCode = () => `
const { workerData } = require("node:worker_threads");
${sfcFill.toString()}
${augmentRow.toString()}
${augmentRows.toString()}
const { bell: bellBuffer, slots, nGenes, maxBatch, table, dropBelow, scale, noise, errors } = workerData;
const bell = new Int32Array(bellBuffer);
// Running: from here on every job is answered (done or failed), so the trainer may wait as long as it takes.
Atomics.store(bell, 1, 1);
const views = slots.map((s) => ({
  ctrl: new Int32Array(s.ctrl), rows: new Float32Array(s.rows), v1: new Float32Array(s.v1), v2: new Float32Array(s.v2),
  w: s.w && new Float32Array(s.w), y: s.y && new Float32Array(s.y),
}));
const order = Int32Array.from({ length: maxBatch }, (_, i) => i);
const bits = new Uint32Array(nGenes);
let skip = new Uint32Array(0);
function fail(slot, err) {
  errors.postMessage(String((err && err.stack) || err));
  Atomics.store(slot.ctrl, 0, ${FAILED});
  Atomics.notify(slot.ctrl, 0);
}
function makeViews(slot) {
  const { ctrl, rows, v1, v2 } = slot;
  const b = ctrl[1];
  const state = Int32Array.from(ctrl.subarray(${RNG_IN}, ${RNG_IN + 4}));
  augmentRows(v1, rows, nGenes, order, b, state, sfcFill, table, dropBelow, scale, noise, bits);
  augmentRows(v2, rows, nGenes, order, b, state, sfcFill, table, dropBelow, scale, noise, bits);
  ctrl.set(state, ${RNG_AFTER_VIEWS});
  if (skip.length < ctrl[2]) skip = new Uint32Array(ctrl[2]);
  sfcFill(state, skip.subarray(0, ctrl[2]));
  ctrl.set(state, ${RNG_NEXT});
  Atomics.store(ctrl, 0, ${READY});
  Atomics.notify(ctrl, 0);
}
(async () => {
  let tf = null;
  if (workerData.tf) {
    tf = require(workerData.tf.core);
    // The threaded wasm build would be picked where SharedArrayBuffer exists; Node cannot run it.
    require(workerData.tf.wasm).setThreadsCount(1);
    await tf.setBackend("wasm");
    await tf.ready();
  }
  function keyProduct(slot) {
    const { ctrl, v2, w, y } = slot;
    const b = ctrl[1], units = ctrl[3];
    // tidy returns the tensor, not its values: tidy walks every element of what it returns.
    const out = tf.tidy(() => tf.matMul(tf.tensor2d(v2.subarray(0, b * nGenes), [b, nGenes]), tf.tensor2d(w.subarray(0, nGenes * units), [nGenes, units])));
    y.set(out.dataSync());
    out.dispose();
    Atomics.store(ctrl, 0, ${KEY_READY});
    Atomics.notify(ctrl, 0);
  }
  for (;;) {
    const rung = Atomics.load(bell, 0);
    let busy = false;
    let stop = false;
    for (const slot of views) {
      if (Atomics.load(slot.ctrl, 0) !== ${KEY_POSTED}) continue;
      busy = true;
      try { keyProduct(slot); } catch (err) { fail(slot, err); }
    }
    for (const slot of views) {
      const s = Atomics.load(slot.ctrl, 0);
      if (s === ${STOP}) stop = true;
      if (s !== ${POSTED}) continue;
      busy = true;
      try { makeViews(slot); } catch (err) { fail(slot, err); }
      break; // a key product may have been posted meanwhile: serve it first
    }
    if (stop) break;
    if (!busy) Atomics.wait(bell, 0, rung);
  }
})().catch((err) => views.forEach((slot) => fail(slot, err)));
`;

interface Slot {
  ctrl: Int32Array;
  rows: Float32Array;
  v1: Float32Array;
  v2: Float32Array;
  w?: Float32Array;
  y?: Float32Array;
}

export interface AugmentedBatch {
  view1: Float32Array;
  view2: Float32Array;
  /** The generator's state after both views (where the step's own draws start). */
  afterViews: Int32Array;
  /** The state the next batch starts from once the step has drawn its attention dropout. */
  next: Int32Array;
}

export interface AugmentThread {
  /** Whether `postKey`/`takeKey` are available (the worker runs a wasm backend of its own). */
  readonly keyProduct: boolean;
  /**
   * Hand batch `index` to the worker: `fillRows` writes its b rows of the preprocessed matrix (dense)
   * into the array it is given; `rng` is the state the batch's draws start from; `skipDraws` the
   * number of draws the step takes after the views.
   */
  post(index: number, b: number, fillRows: (out: Float32Array) => void, rng: Int32Array, skipDraws: number): void;
  /** Wait for batch `index`'s views (valid until `release(index)`). */
  take(index: number): AugmentedBatch;
  /** Start view 2 · `weights` ([genes, units], row-major) for batch `index` (after `take`). */
  postKey(index: number, weights: Float32Array, units: number): void;
  /** Wait for that product: [b, units], valid until `release(index)`. */
  takeKey(index: number): Float32Array;
  release(index: number): void;
  close(): Promise<void>;
}

/**
 * A worker that has not even started after this long never will (its code failed to load): say so
 * instead of hanging. Once it runs there is no time limit: a suspended process (Ctrl-Z) or a busy
 * machine only makes it slower.
 */
const START_MS = 60_000;

export interface AugmentThreadOptions {
  table: Float32Array;
  dropBelow: number;
  scale: number;
  noise: number;
  /** Units of the first layer, when the worker should also compute the key product (wasm only). */
  keyUnits?: number;
}

/**
 * Where the worker loads tfjs-core and the wasm backend from, or null where they cannot be found by
 * name from here (a bundle whose package does not list them): the worker then makes the views only.
 */
function tfModulePaths(): { core: string; wasm: string } | null {
  try {
    return { core: require.resolve("@tensorflow/tfjs-core"), wasm: require.resolve("@tensorflow/tfjs-backend-wasm") };
  } catch {
    return null;
  }
}

export function startAugmentThread(nGenes: number, maxBatch: number, options: AugmentThreadOptions): AugmentThread {
  const { keyUnits: asked, ...params } = options;
  const tfPaths = asked ? tfModulePaths() : null;
  const keyUnits = tfPaths ? asked : undefined;
  const floats = (n: number) => new Float32Array(new SharedArrayBuffer(n * 4));
  const slots: Slot[] = [0, 1].map(() => ({
    ctrl: new Int32Array(new SharedArrayBuffer(CTRL * 4)),
    rows: floats(maxBatch * nGenes),
    v1: floats(maxBatch * nGenes),
    v2: floats(maxBatch * nGenes),
    ...(keyUnits ? { w: floats(nGenes * keyUnits), y: floats(maxBatch * keyUnits) } : {}),
  }));
  // [doorbell, started]: the worker sets `started` first thing, so a worker that never ran is told apart from a slow one.
  const bell = new Int32Array(new SharedArrayBuffer(8));
  // The worker reports a failure here; this thread reads it synchronously while it waits.
  const { port1: errors, port2: errorsOut } = new MessageChannel();
  const worker = new Worker(workerCode(), {
    eval: true,
    transferList: [errorsOut],
    workerData: {
      bell: bell.buffer,
      slots: slots.map((s) => ({ ctrl: s.ctrl.buffer, rows: s.rows.buffer, v1: s.v1.buffer, v2: s.v2.buffer, w: s.w?.buffer, y: s.y?.buffer })),
      nGenes,
      maxBatch,
      ...params,
      errors: errorsOut,
      tf: keyUnits ? tfPaths : null,
    },
  });
  let workerError: Error | null = null;
  worker.on("error", (err) => (workerError = err));
  worker.unref();
  const slotOf = (index: number) => slots[index % 2]!;
  const ring = () => {
    Atomics.add(bell, 0, 1);
    Atomics.notify(bell, 0);
  };
  /** Wait while the slot is in `busy`; it must then be in `done`. */
  const await_ = (index: number, busy: number, done: number, what: string) => {
    const s = slotOf(index);
    const started = Date.now();
    let state: number;
    while ((state = Atomics.load(s.ctrl, 0)) === busy) {
      Atomics.wait(s.ctrl, 0, busy, 1000);
      if ((Atomics.load(bell, 1) === 0 && Date.now() - started > START_MS) || workerError) {
        throw new Error(`augmentation thread did not answer${workerError ? `: ${(workerError as Error).message}` : ""}`);
      }
    }
    if (state !== done) {
      const why = receiveMessageOnPort(errors)?.message as string | undefined;
      throw new Error(`augmentation thread failed on batch ${index} (${what})${why ? `: ${why}` : ""}`);
    }
    return s;
  };
  return {
    keyProduct: keyUnits !== undefined,
    post(index, b, fillRows, rng, skipDraws) {
      const s = slotOf(index);
      if (Atomics.load(s.ctrl, 0) !== EMPTY) throw new Error(`augmentation thread: slot of batch ${index} is still in use`);
      fillRows(s.rows.subarray(0, b * nGenes));
      s.ctrl[1] = b;
      s.ctrl[2] = skipDraws;
      s.ctrl.set(rng, RNG_IN);
      Atomics.store(s.ctrl, 0, POSTED);
      ring();
    },
    take(index) {
      const s = await_(index, POSTED, READY, "views");
      const b = s.ctrl[1]!;
      return {
        view1: s.v1.subarray(0, b * nGenes),
        view2: s.v2.subarray(0, b * nGenes),
        afterViews: s.ctrl.slice(RNG_AFTER_VIEWS, RNG_AFTER_VIEWS + 4),
        next: s.ctrl.slice(RNG_NEXT, RNG_NEXT + 4),
      };
    },
    postKey(index, weights, units) {
      const s = slotOf(index);
      if (!s.w || units !== keyUnits) throw new Error("augmentation thread: started without the key product");
      s.w.set(weights);
      s.ctrl[3] = units;
      Atomics.store(s.ctrl, 0, KEY_POSTED);
      ring();
    },
    takeKey(index) {
      const s = await_(index, KEY_POSTED, KEY_READY, "key product");
      return s.y!.subarray(0, s.ctrl[1]! * keyUnits!);
    },
    release(index) {
      Atomics.store(slotOf(index).ctrl, 0, EMPTY);
    },
    async close() {
      for (const s of slots) Atomics.store(s.ctrl, 0, STOP);
      ring();
      await worker.terminate();
      errors.close();
    },
  };
}
