/**
 * The trainer process: one per attempt, started by `trainer.ts` with an IPC channel. It does the
 * attempt's CPU-heavy work (`compute.ts`) so that no training step, dataset read, UMAP or marker
 * test ever runs on the event loop of the API or of the worker's queue consumer. It lowers its own
 * priority first, so that on a machine it shares with the API the API's requests are served first.
 *
 * Protocol (structured-clone messages): child → parent `ready` {backend} | `phase` | `epoch` |
 * `checkpoint` {path, epoch} | `done` {result} | `error` {error}; parent → child `run` {input} |
 * `checkpointed` {epoch}. The parent stops an attempt by killing this process.
 */
import { getPriority, setPriority } from "node:os";
import type { BackendName } from "@scfnccl/engine";
import type { ChildMessage, ParentMessage, WireError } from "./trainer-protocol.ts";

const config = JSON.parse(process.argv[2] ?? "{}") as { backend?: BackendName; niceness?: number };
// Before anything starts a thread: threads made afterwards (libuv's pool, the engine's augmentation
// thread) inherit the priority on Linux, where it is per thread.
if (config.niceness) {
  try {
    setPriority(Math.min(19, getPriority() + config.niceness));
  } catch {
    // Not allowed here (some containers); training then competes with the API on equal terms.
  }
}

const send = (m: ChildMessage) => process.send!(m);
// An orphan must not train on: the parent died (or was killed) and nobody will read its results.
process.on("disconnect", () => process.exit(0));

try {
  const { initBackend } = await import("@scfnccl/engine");
  const { computeRun } = await import("./compute.ts");
  const backend = await initBackend(config.backend);
  const acks = new Map<number, () => void>();
  process.on("message", (m: ParentMessage) => {
    if (m.type === "checkpointed") acks.get(m.epoch)?.();
    else if (m.type === "run") {
      computeRun(m.input, {
        onPhase: (phase, phaseProgress) => send({ type: "phase", phase, ...(phaseProgress !== undefined ? { phaseProgress } : {}) }),
        onEpoch: (stats) => send({ type: "epoch", stats }),
        onCheckpoint: (path, epoch) =>
          new Promise<void>((resolve) => {
            acks.set(epoch, () => {
              acks.delete(epoch);
              resolve();
            });
            send({ type: "checkpoint", path, epoch });
          }),
      })
        .then((result) => send({ type: "done", result }))
        .catch((err: unknown) => send({ type: "error", error: toWire(err) }));
    }
  });
  send({ type: "ready", backend: { name: backend.name, detail: backend.detail } });
} catch (err) {
  send({ type: "error", error: toWire(err) });
}

function toWire(err: unknown): WireError {
  if (!(err instanceof Error)) return { message: String(err) };
  const e = err as Error & { problem?: unknown; file?: unknown };
  return {
    message: e.message,
    stack: e.stack,
    ...(e.name === "InputError" && typeof e.problem === "string" ? { input: { problem: e.problem, ...(typeof e.file === "string" ? { file: e.file } : {}) } } : {}),
  };
}
