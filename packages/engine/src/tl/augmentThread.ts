/**
 * The two augmented views of the next batch, made on a worker thread while this thread trains on
 * the current one (a one-batch-ahead pipeline, as a PyTorch DataLoader worker does). The views are
 * host work (~10% of a step on wasm) that the backend's single thread otherwise waits for.
 *
 * The worker draws exactly the numbers this thread would have drawn: it continues the epoch's
 * generator from the state it is given, makes view 1 then view 2 (`augmentRows`, the same source
 * the single-thread path runs), then skips the draws the step's attention dropout takes, and hands
 * back the state after the views and the state the next batch starts from. The trainer checks
 * after every step that its own generator reached that second state, so the pipeline can only
 * ever produce the bits the single-thread path does, or stop with an error.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { augmentRow, augmentRows } from "../model/augment.ts";
import { sfcFill } from "../random.ts";

const EMPTY = 0;
const POSTED = 1;
const READY = 2;
const FAILED = 3;
const STOP = 4;

/** Control words of a slot: state, rows, draws to skip after the views, then three rng states. */
const CTRL = 16;
const RNG_IN = 4;
const RNG_AFTER_VIEWS = 8;
const RNG_NEXT = 12;

/*
 * The worker's code: the functions' own sources (self-contained by design) and a loop over the two
 * slots. Passed with `eval` so the same code runs from the TypeScript sources (tests) and from
 * the bundles (CLI, apps), where a separate worker file would sit at a different path.
 */
const workerCode = () => `
const { workerData } = require("node:worker_threads");
const errors = workerData.errors;
${sfcFill.toString()}
${augmentRow.toString()}
${augmentRows.toString()}
const { slots, nGenes, maxBatch, table, dropBelow, scale, noise } = workerData;
const order = Int32Array.from({ length: maxBatch }, (_, i) => i);
const views = slots.map((s) => ({ ctrl: new Int32Array(s.ctrl), rows: new Float32Array(s.rows), v1: new Float32Array(s.v1), v2: new Float32Array(s.v2) }));
const bits = new Uint32Array(nGenes);
let skip = new Uint32Array(0);
for (let k = 0; ; k = 1 - k) {
  const { ctrl, rows, v1, v2 } = views[k];
  let s;
  while ((s = Atomics.load(ctrl, 0)) !== ${POSTED} && s !== ${STOP}) Atomics.wait(ctrl, 0, s);
  if (s === ${STOP}) break;
  try {
    const b = ctrl[1];
    const state = Int32Array.from(ctrl.subarray(${RNG_IN}, ${RNG_IN + 4}));
    augmentRows(v1, rows, nGenes, order, b, state, sfcFill, table, dropBelow, scale, noise, bits);
    augmentRows(v2, rows, nGenes, order, b, state, sfcFill, table, dropBelow, scale, noise, bits);
    ctrl.set(state, ${RNG_AFTER_VIEWS});
    if (skip.length < ctrl[2]) skip = new Uint32Array(ctrl[2]);
    sfcFill(state, skip.subarray(0, ctrl[2]));
    ctrl.set(state, ${RNG_NEXT});
    Atomics.store(ctrl, 0, ${READY});
  } catch (err) {
    errors.postMessage(String((err && err.stack) || err));
    Atomics.store(ctrl, 0, ${FAILED});
  }
  Atomics.notify(ctrl, 0);
}
`;

interface Slot {
  ctrl: Int32Array;
  rows: Float32Array;
  v1: Float32Array;
  v2: Float32Array;
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
  /**
   * Hand batch `index` to the worker: `fillRows` writes its b rows of the preprocessed matrix (dense)
   * into the array it is given; `rng` is the state the batch's draws start from; `skipDraws` the
   * number of draws the step takes after the views.
   */
  post(index: number, b: number, fillRows: (out: Float32Array) => void, rng: Int32Array, skipDraws: number): void;
  /** Wait for batch `index`'s views (valid until `release(index)`). */
  take(index: number): AugmentedBatch;
  release(index: number): void;
  close(): Promise<void>;
}

/** A wait on the worker that never returns means it died before answering: say so instead of hanging. */
const WAIT_MS = 60_000;

export function startAugmentThread(nGenes: number, maxBatch: number, params: { table: Float32Array; dropBelow: number; scale: number; noise: number }): AugmentThread {
  const floats = () => new Float32Array(new SharedArrayBuffer(maxBatch * nGenes * 4));
  const slots: Slot[] = [0, 1].map(() => ({ ctrl: new Int32Array(new SharedArrayBuffer(CTRL * 4)), rows: floats(), v1: floats(), v2: floats() }));
  // The worker reports a failure here; this thread reads it synchronously while it waits.
  const { port1: errors, port2: errorsOut } = new MessageChannel();
  const worker = new Worker(workerCode(), {
    eval: true,
    transferList: [errorsOut],
    workerData: {
      errors: errorsOut,
      slots: slots.map((s) => ({ ctrl: s.ctrl.buffer, rows: s.rows.buffer, v1: s.v1.buffer, v2: s.v2.buffer })),
      nGenes,
      maxBatch,
      ...params,
    },
  });
  let startError: Error | null = null;
  worker.on("error", (err) => (startError = err));
  worker.unref();
  const slotOf = (index: number) => slots[index % 2]!;
  return {
    post(index, b, fillRows, rng, skipDraws) {
      const s = slotOf(index);
      if (Atomics.load(s.ctrl, 0) !== EMPTY) throw new Error(`augmentation thread: slot of batch ${index} is still in use`);
      fillRows(s.rows.subarray(0, b * nGenes));
      s.ctrl[1] = b;
      s.ctrl[2] = skipDraws;
      s.ctrl.set(rng, RNG_IN);
      Atomics.store(s.ctrl, 0, POSTED);
      Atomics.notify(s.ctrl, 0);
    },
    take(index) {
      const s = slotOf(index);
      const started = Date.now();
      let state: number;
      while ((state = Atomics.load(s.ctrl, 0)) === POSTED) {
        Atomics.wait(s.ctrl, 0, POSTED, 1000);
        if (Date.now() - started > WAIT_MS || startError) {
          throw new Error(`augmentation thread did not answer${startError ? `: ${(startError as Error).message}` : ""}`);
        }
      }
      if (state !== READY) {
        const why = receiveMessageOnPort(errors)?.message as string | undefined;
        throw new Error(`augmentation thread failed on batch ${index}${why ? `: ${why}` : ""}`);
      }
      const b = s.ctrl[1]!;
      return {
        view1: s.v1.subarray(0, b * nGenes),
        view2: s.v2.subarray(0, b * nGenes),
        afterViews: s.ctrl.slice(RNG_AFTER_VIEWS, RNG_AFTER_VIEWS + 4),
        next: s.ctrl.slice(RNG_NEXT, RNG_NEXT + 4),
      };
    },
    release(index) {
      Atomics.store(slotOf(index).ctrl, 0, EMPTY);
    },
    async close() {
      for (const s of slots) {
        Atomics.store(s.ctrl, 0, STOP);
        Atomics.notify(s.ctrl, 0);
      }
      await worker.terminate();
      errors.close();
    },
  };
}
