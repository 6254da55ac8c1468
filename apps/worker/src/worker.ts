import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { DbClient } from "@scfnccl/db";
import type { ObjectStore } from "@scfnccl/storage";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { BackendName } from "@scfnccl/engine";
import { enqueueRun, RUN_QUEUE, sweepTempDirs, type createWorkerMetrics, type PlatformEnv, type RunJob } from "@scfnccl/platform";
import { requeueStaleRuns } from "./reaper.ts";
import { processRun, type RunOutcome } from "./train-run.ts";
import { startTrainer } from "./trainer.ts";

export interface WorkerOptions {
  db: DbClient;
  store: ObjectStore;
  boss: PgBoss;
  log: Logger;
  concurrency?: number;
  heartbeatSeconds?: number;
  staleAfterSeconds?: number;
  checkpointEvery?: number;
  /** The engine backend the trainer processes use (BACKEND); the best available when unset. */
  backend?: BackendName;
  /** How much lower the trainer processes' scheduling priority is (nice, default 10): the API on the same machine is served first. */
  trainNiceness?: number;
  /** How often the queue is polled when idle (pg-boss's minimum is 0.5 s). */
  pollingIntervalSeconds?: number;
  onEpoch?: (seconds: number) => void;
  onOutcome?: (outcome: RunOutcome) => void;
}

/** The worker settings a process reads from its environment, wired to its metrics (the API's embedded worker and the standalone one). */
export function workerOptionsFromEnv(
  env: Pick<PlatformEnv, "WORKER_CONCURRENCY" | "HEARTBEAT_SECONDS" | "STALE_AFTER_SECONDS" | "CHECKPOINT_EVERY" | "BACKEND">,
  metrics: Pick<ReturnType<typeof createWorkerMetrics>, "epochSeconds" | "runOutcomes">,
): Pick<WorkerOptions, "concurrency" | "heartbeatSeconds" | "staleAfterSeconds" | "checkpointEvery" | "backend" | "onEpoch" | "onOutcome"> {
  return {
    ...(env.BACKEND ? { backend: env.BACKEND } : {}),
    concurrency: env.WORKER_CONCURRENCY,
    heartbeatSeconds: env.HEARTBEAT_SECONDS,
    staleAfterSeconds: env.STALE_AFTER_SECONDS,
    checkpointEvery: env.CHECKPOINT_EVERY,
    onEpoch: (s) => metrics.epochSeconds.observe(s),
    onOutcome: (o) => metrics.runOutcomes.inc({ outcome: o }),
  };
}

export interface Worker {
  id: string;
  /** Runs being trained now. */
  active(): number;
  stop(): Promise<void>;
}

/**
 * Takes runs from the queue, `concurrency` at a time, and keeps watch for runs whose worker died
 * (on every worker, so a deployment needs no separate supervisor). Each run's training happens in
 * a trainer process of its own; this process keeps the queue, the database and the storage.
 * Rejects when the trainer cannot load the engine (e.g. BACKEND names one this machine lacks).
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const log = options.log.child({ workerId: id });
  // Dataset copies of workers that were killed (no chance to clean up) go before this one starts.
  const swept = await sweepTempDirs();
  if (swept.length) log.info({ folders: swept.length }, "removed temp folders of processes that no longer run");
  const trainer = startTrainer({ backend: options.backend, niceness: options.trainNiceness, log });
  try {
    log.info({ backend: await trainer.ready() }, "trainer process ready: engine backend");
  } catch (err) {
    await trainer.stop();
    throw err;
  }
  const heartbeatSeconds = options.heartbeatSeconds ?? 5;
  const staleAfterSeconds = options.staleAfterSeconds ?? 60;
  const shutdown = new AbortController();
  let active = 0;
  const ctx = {
    db: options.db,
    store: options.store,
    trainer,
    workerId: id,
    heartbeatSeconds,
    checkpointEvery: options.checkpointEvery ?? 1,
    log,
    onEpoch: options.onEpoch,
  };

  const workIds: string[] = [];
  for (let i = 0; i < (options.concurrency ?? 1); i++) {
    // pg-boss 10 has one fetch loop per work() call; several calls give several runs at once.
    const workId = await options.boss.work<RunJob>(
      RUN_QUEUE,
      { batchSize: 1, includeMetadata: true, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
      async ([job]) => {
        if (!job || shutdown.signal.aborted) return;
        active += 1;
        const finalAttempt = job.retryCount >= job.retryLimit;
        try {
          const outcome = await processRun(ctx, job.data.runId, { finalAttempt, signal: shutdown.signal });
          if (outcome === "requeued") await enqueueRun(options.boss, job.data.runId);
          options.onOutcome?.(outcome);
        } catch (err) {
          options.onOutcome?.(finalAttempt ? "failed" : "requeued");
          throw err;
        } finally {
          active -= 1;
        }
      },
    );
    workIds.push(workId);
  }

  const reap = async () => {
    try {
      const ids = await requeueStaleRuns(options.db, options.boss, staleAfterSeconds);
      if (ids.length) log.warn({ runIds: ids }, "requeued runs whose worker stopped sending heartbeats");
    } catch (err) {
      log.warn({ err }, "stale-run check failed");
    }
  };
  const reaper = setInterval(() => void reap(), Math.max(1, staleAfterSeconds / 3) * 1000);
  log.info({ concurrency: workIds.length }, "worker started");

  return {
    id,
    active: () => active,
    async stop() {
      clearInterval(reaper);
      shutdown.abort();
      for (const w of workIds) await options.boss.offWork({ id: w });
      // Wait for the runs in hand to hand themselves back.
      while (active > 0) await new Promise((r) => setTimeout(r, 50));
      await trainer.stop();
    },
  };
}
