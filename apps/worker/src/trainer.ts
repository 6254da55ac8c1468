/**
 * Runs each attempt's CPU-heavy work in its own trainer process (`train-child.ts`), so the process
 * that consumes the queue (and, embedded, serves the API) only moves bytes and rows: a training
 * step never blocks its event loop. One process per attempt: stopping an attempt (cancel, lost,
 * shutdown) kills it at once, and the memory a run took goes back with it. One spare process is
 * kept started, so a run does not wait for the engine to load.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { InputError, type BackendName } from "@scfnccl/engine";
import type { Logger } from "pino";
import type { ComputeHooks, ComputeInput, ComputeResult } from "./compute.ts";
import type { ChildMessage, ParentMessage, WireError } from "./trainer-protocol.ts";

export interface TrainerOptions {
  /** The TensorFlow.js backend the trainer processes use; the best available when unset. */
  backend?: BackendName;
  /** How much lower the trainer processes' scheduling priority is than this process's (`nice`; default 10: requests first, training after). */
  niceness?: number;
  log: Logger;
}

export interface Trainer {
  /** Settles when the first trainer process has loaded the engine: its backend, or why it could not start. */
  ready(): Promise<{ name: string; detail: string }>;
  /** One attempt's work in a fresh process; an abort of `signal` kills it and rejects with the signal's reason. */
  run(input: ComputeInput, hooks: ComputeHooks, signal: AbortSignal): Promise<ComputeResult>;
  stop(): Promise<void>;
}

interface TrainerProcess {
  proc: ChildProcess;
  ready: Promise<{ name: string; detail: string }>;
  exited: Promise<void>;
}

// From source (tests, tsx) the child is the TypeScript file, loaded through tsx; bundled, it is
// `train-child.js` beside the bundle (both apps' build scripts emit it).
const fromSource = import.meta.url.endsWith(".ts");
const childEntry = fileURLToPath(new URL(fromSource ? "./train-child.ts" : "./train-child.js", import.meta.url));
const childExecArgv = fromSource ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : ["--enable-source-maps"];

export function startTrainer(options: TrainerOptions): Trainer {
  const config = JSON.stringify({ backend: options.backend, niceness: options.niceness ?? 10 });
  let spare: TrainerProcess | null = null;
  let first: TrainerProcess | null = null;
  let stopped = false;
  const live = new Set<TrainerProcess>();

  const startProcess = (): TrainerProcess => {
    const proc = spawn(process.execPath, [...childExecArgv, childEntry, config], { stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    let onMessage: (m: ChildMessage) => void = () => undefined;
    const ready = new Promise<{ name: string; detail: string }>((resolve, reject) => {
      onMessage = (m) => {
        if (m.type === "ready") resolve(m.backend);
        else if (m.type === "error") reject(fromWire(m.error));
      };
      proc.on("message", onMessage);
      proc.once("error", reject);
      proc.once("exit", (code, sig) => reject(new Error(`the trainer process exited (${sig ?? `code ${code}`}) while loading the engine`)));
    });
    void ready.finally(() => proc.off("message", onMessage)).catch(() => undefined);
    const t: TrainerProcess = { proc, ready, exited };
    live.add(t);
    void exited.then(() => {
      live.delete(t);
      if (spare === t) spare = null;
    });
    return t;
  };
  const keepSpare = () => {
    if (!stopped && !spare) spare = startProcess();
  };
  first = startProcess();
  spare = first;

  return {
    ready: () => first!.ready,
    async run(input, hooks, signal) {
      signal.throwIfAborted();
      const t = spare ?? startProcess();
      spare = null;
      // The next run's process loads the engine meanwhile (at the trainers' low priority).
      keepSpare();
      // Checkpoints being stored when the attempt ends are finished (or failed) before it returns.
      const storing = new Set<Promise<unknown>>();
      try {
        return await new Promise<ComputeResult>((resolve, reject) => {
          const onAbort = () => reject(signal.reason);
          signal.addEventListener("abort", onAbort, { once: true });
          const done = () => signal.removeEventListener("abort", onAbort);
          t.proc.on("message", (m: ChildMessage) => {
            if (m.type === "phase") hooks.onPhase(m.phase, m.phaseProgress);
            else if (m.type === "epoch") hooks.onEpoch(m.stats);
            else if (m.type === "checkpoint") {
              const p = hooks.onCheckpoint(m.path, m.epoch).then(
                () => void (t.proc.connected && t.proc.send({ type: "checkpointed", epoch: m.epoch } satisfies ParentMessage)),
                (err: unknown) => reject(err),
              );
              storing.add(p);
              void p.finally(() => storing.delete(p));
            } else if (m.type === "done") {
              done();
              resolve(m.result);
            } else if (m.type === "error") {
              done();
              reject(fromWire(m.error));
            }
          });
          t.exited.then(() => reject(new Error(`the trainer process ended (${t.proc.signalCode ?? `code ${t.proc.exitCode}`}) before the run finished`)), reject);
          t.ready.then(() => t.proc.send({ type: "run", input } satisfies ParentMessage), reject);
        });
      } finally {
        t.proc.kill("SIGKILL");
        await t.exited;
        await Promise.allSettled([...storing]);
      }
    },
    async stop() {
      stopped = true;
      for (const t of live) t.proc.kill("SIGKILL");
      await Promise.all([...live].map((t) => t.exited));
    },
  };
}

function fromWire(e: WireError): Error {
  const err = e.input ? new InputError(e.input.problem, e.input.file) : new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}
