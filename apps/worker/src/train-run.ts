/**
 * One attempt at one run: claim it, download its dataset, have the trainer process (`trainer.ts`)
 * train with the engine while this process reports progress and stores checkpoints, then store
 * artifacts, clusters and metrics. A heartbeat proves the attempt is alive and carries
 * cancellations back; a newer attempt (after this worker was presumed dead) makes this one stop
 * without touching the run.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { and, artifacts, clusters, datasets, eq, runs, sql, type ArtifactKind, type DbClient, type RunPhase, type RunProgress, type SQL } from "@scfnccl/db";
import { InputError, type tl } from "@scfnccl/engine";
import { readAll, type ObjectStore } from "@scfnccl/storage";
import type { Logger } from "pino";
import { createTempDir, publishEvent } from "@scfnccl/platform";
import type { Trainer } from "./trainer.ts";

export interface RunContext {
  db: DbClient;
  store: ObjectStore;
  /** Where the attempt's CPU-heavy work runs (a process of its own). */
  trainer: Trainer;
  workerId: string;
  heartbeatSeconds: number;
  checkpointEvery: number;
  log: Logger;
  /** Called after every epoch with its wall seconds (metrics). */
  onEpoch?: (seconds: number) => void;
}

/** How an attempt ended; a retryable failure is thrown instead (for pg-boss to retry or dead-letter). */
export type RunOutcome = "succeeded" | "failed" | "cancelled" | "requeued" | "skipped" | "lost";

/** The abort reasons this module gives its AbortController. */
class StopReason extends Error {
  constructor(readonly why: "cancel" | "lost" | "shutdown") {
    super(`run stopped: ${why}`);
  }
}

export const runKeys = {
  checkpoint: (runId: string) => `runs/${runId}/checkpoint.bin`,
  /** The epochs trained up to the last checkpoint (JSON), which a resumed attempt's history continues. */
  checkpointHistory: (runId: string) => `runs/${runId}/checkpoint-history.json`,
  artifact: (runId: string, file: string) => `runs/${runId}/${file}`,
};

type RunRow = typeof runs.$inferSelect;
type Db = DbClient["db"];

/**
 * Processes run `runId` if it is queued. A retryable failure is rethrown after the run is put back
 * to `queued` (or, when `finalAttempt`, marked failed), so pg-boss retries or dead-letters the job.
 */
export async function processRun(ctx: RunContext, runId: string, options: { finalAttempt: boolean; signal?: AbortSignal }): Promise<RunOutcome> {
  const run = await claim(ctx, runId);
  if (!run) return "skipped";
  const attempt = run.attempt;
  const log = ctx.log.child({ runId, attempt });
  const mine = and(eq(runs.id, runId), eq(runs.attempt, attempt));
  await publishEvent(ctx.db, { type: "run.status", teamId: run.teamId, runId, status: "running", attempt });
  log.info({ resumeEpoch: run.checkpointEpoch ?? 0 }, "run started");

  const controller = new AbortController();
  const stop = (why: StopReason["why"]) => {
    if (!controller.signal.aborted) controller.abort(new StopReason(why));
  };
  options.signal?.addEventListener("abort", () => stop("shutdown"), { once: true });
  const dir = await createTempDir("run");
  const heartbeat = startHeartbeat(ctx, mine, stop, log);
  const progress = progressReporter(ctx, run, mine, log);
  let datasetName = "dataset";
  try {
    progress.phase("loading", 0);
    const inputs = await fetchInputs(ctx, run, dir);
    datasetName = inputs.datasetName;
    const r = await train(ctx, run, inputs, progress, mine, controller.signal);
    controller.signal.throwIfAborted();
    if (!(await storeResults(ctx, run, r, progress.last(), mine))) return "lost";
    await publishEvent(ctx.db, { type: "run.status", teamId: run.teamId, runId, status: "succeeded", attempt });
    log.info({ metrics: r.metrics }, "run succeeded");
    return "succeeded";
  } catch (err) {
    await progress.settled();
    return await settleFailure(ctx, run, err, controller.signal, { mine, datasetName, finalAttempt: options.finalAttempt, log });
  } finally {
    clearInterval(heartbeat);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Takes the run if it is queued (one attempt more), or nothing when another worker has it or it is done. */
async function claim(ctx: RunContext, runId: string): Promise<RunRow | undefined> {
  const [run] = await ctx.db.db
    .update(runs)
    .set({
      status: "running",
      attempt: sql`${runs.attempt} + 1`,
      workerId: ctx.workerId,
      heartbeatAt: sql`now()`,
      startedAt: sql`coalesce(${runs.startedAt}, now())`,
      error: null,
    })
    .where(and(eq(runs.id, runId), eq(runs.status, "queued")))
    .returning();
  return run;
}

/** Proves the attempt alive every `heartbeatSeconds`; a cancel request or a newer attempt stops it. */
function startHeartbeat(ctx: RunContext, mine: SQL | undefined, stop: (why: StopReason["why"]) => void, log: Logger): NodeJS.Timeout {
  return setInterval(() => {
    void ctx.db.db
      .update(runs)
      .set({ heartbeatAt: sql`now()` })
      .where(and(mine, eq(runs.status, "running")))
      .returning({ cancelRequestedAt: runs.cancelRequestedAt })
      .then(([row]) => {
        if (!row) stop("lost");
        else if (row.cancelRequestedAt) stop("cancel");
      })
      .catch((err: unknown) => log.warn({ err }, "heartbeat failed"));
  }, ctx.heartbeatSeconds * 1000);
}

interface ProgressReporter {
  report(progress: RunProgress): void;
  /** Names what the run does now (loading, preprocessing, training, embedding, umap, markers, saving). */
  phase(phase: RunPhase, phaseProgress?: number): void;
  /** The figures last reported (kept when the phase moves on, so the page still shows them). */
  last(): RunProgress;
  /** Resolves once every report so far is stored and announced. */
  settled(): Promise<unknown>;
}

/** Stores each report on the run and announces it; writes are chained so they land in order. */
function progressReporter(ctx: RunContext, run: RunRow, mine: SQL | undefined, log: Logger): ProgressReporter {
  let writes: Promise<unknown> = Promise.resolve();
  let last: RunProgress = { phase: "loading", epoch: 0, epochs: 0, loss: 0, instanceLoss: 0, clusterLoss: 0, secondsPerEpoch: 0, etaSeconds: 0, resumedFrom: 0 };
  const report = (progress: RunProgress) => {
    last = progress;
    writes = writes
      .then(() => ctx.db.db.update(runs).set({ progress }).where(mine))
      .then(() => publishEvent(ctx.db, { type: "run.progress", teamId: run.teamId, runId: run.id, progress, attempt: run.attempt }))
      .catch((err: unknown) => log.warn({ err }, "progress write failed"));
  };
  return {
    report,
    phase: (phase, phaseProgress) => {
      if (last.phase === phase && phaseProgress === undefined) return;
      const { phaseProgress: _p, ...rest } = last;
      report({ ...rest, phase, ...(phaseProgress !== undefined ? { phaseProgress } : {}), etaSeconds: phase === "training" ? last.etaSeconds : 0 });
    },
    last: () => last,
    settled: () => writes,
  };
}

interface RunInputs {
  datasetName: string;
  datasetPath: string;
  labelsFile?: string;
  labelKey?: string;
  geneNameColumn: string | null;
  resumeFromPath?: string;
  /** Epochs trained up to the checkpoint this attempt resumes from. */
  earlierEpochs: tl.EpochStats[];
  outDir: string;
}

/** Copies the dataset, its label file and the last checkpoint (with its epochs) into the attempt's folder. */
async function fetchInputs({ db, store }: RunContext, run: RunRow, dir: string): Promise<RunInputs> {
  const [dataset] = await db.db.select().from(datasets).where(eq(datasets.id, run.datasetId));
  if (!dataset) throw new InputError("the run's dataset no longer exists");
  // The file carries the dataset's name, so input errors name what the user uploaded.
  const datasetPath = join(dir, dataset.name.replace(/[^\w.-]+/g, "_") || "dataset");
  await pipeline(await store.get(dataset.storageKey), createWriteStream(datasetPath));
  const inputs: RunInputs = { datasetName: dataset.name, datasetPath, geneNameColumn: dataset.geneNameColumn, earlierEpochs: [], outDir: join(dir, "out") };
  if (dataset.labelsKey) {
    inputs.labelsFile = join(dir, "labels.csv");
    await pipeline(await store.get(dataset.labelsKey), createWriteStream(inputs.labelsFile));
    // An uploaded label file was recorded as `<file>:<column>`.
    if (dataset.labelColumns[0]) inputs.labelKey = dataset.labelColumns[0].split(":").at(-1)!;
  }
  if (run.checkpointKey) {
    inputs.resumeFromPath = join(dir, "resume.bin");
    await pipeline(await store.get(run.checkpointKey), createWriteStream(inputs.resumeFromPath));
    inputs.earlierEpochs = await readCheckpointHistory(store, run.id);
  }
  await mkdir(inputs.outDir);
  return inputs;
}

type TrainerResult = Awaited<ReturnType<Trainer["run"]>> & { fullHistory: tl.EpochStats[] };

/** Has the trainer process run the method, reporting each epoch and storing each checkpoint with the epochs before it. */
async function train(ctx: RunContext, run: RunRow, inputs: RunInputs, progress: ProgressReporter, mine: SQL | undefined, signal: AbortSignal): Promise<TrainerResult> {
  const resumedFrom = inputs.resumeFromPath ? (run.checkpointEpoch ?? 0) : 0;
  let epochSeconds = 0;
  let epochsDone = 0;
  // Every epoch since the run began (earlier attempts' up to their checkpoint, then this one's).
  const history = [...inputs.earlierEpochs];
  const r = await ctx.trainer.run(
    {
      datasetPath: inputs.datasetPath,
      ...(inputs.labelsFile ? { labelsFile: inputs.labelsFile } : {}),
      ...(inputs.labelKey ? { labelKey: inputs.labelKey } : {}),
      geneNameColumn: inputs.geneNameColumn,
      method: run.method,
      params: run.params,
      seed: run.seed,
      ...(inputs.resumeFromPath ? { resumeFromPath: inputs.resumeFromPath } : {}),
      checkpointEvery: ctx.checkpointEvery,
      outDir: inputs.outDir,
    },
    {
      onPhase: progress.phase,
      // Every epoch of a training method: stored on the run and announced, in order.
      onEpoch: (stats) => {
        // A checkpoint may hold epochs its row did not record yet (a worker killed in between): the newer count.
        while (history.length && history.at(-1)!.epoch >= stats.epoch) history.pop();
        history.push(stats);
        epochSeconds += stats.seconds;
        epochsDone += 1;
        ctx.onEpoch?.(stats.seconds);
        const mean = epochSeconds / epochsDone;
        progress.report({
          phase: "training",
          phaseProgress: stats.epoch / stats.epochs,
          epoch: stats.epoch,
          epochs: stats.epochs,
          loss: stats.loss,
          instanceLoss: stats.instanceLoss,
          clusterLoss: stats.clusterLoss,
          secondsPerEpoch: mean,
          etaSeconds: mean * (stats.epochs - stats.epoch),
          resumedFrom,
        });
      },
      onCheckpoint: async (file, epoch) => {
        // Progress up to this epoch is stored and announced before the checkpoint counts, so a
        // resumed attempt never starts after an epoch nobody heard of.
        await progress.settled();
        const key = runKeys.checkpoint(run.id);
        await ctx.store.put(key, createReadStream(file), { contentType: "application/octet-stream" });
        await rm(file, { force: true });
        await ctx.store.put(runKeys.checkpointHistory(run.id), Buffer.from(JSON.stringify(history.filter((e) => e.epoch <= epoch))), { contentType: "application/json" });
        await ctx.db.db.update(runs).set({ checkpointKey: key, checkpointEpoch: epoch }).where(mine);
      },
    },
    signal,
  );
  await progress.settled();
  // The run's whole history: the trainer's own covers this attempt only.
  const attemptFrom = r.history[0]?.epoch ?? Infinity;
  return { ...r, fullHistory: [...inputs.earlierEpochs.filter((e) => e.epoch < attemptFrom), ...r.history] };
}

/** Stores the artifacts, then marks the run succeeded with its clusters in one transaction; false when another attempt owns it now. */
async function storeResults({ db, store }: RunContext, run: RunRow, r: TrainerResult, last: RunProgress, mine: SQL | undefined): Promise<boolean> {
  const runId = run.id;
  const stored: (typeof artifacts.$inferInsert)[] = [];
  const put = async (kind: ArtifactKind, file: string, contentType: string, body: Parameters<ObjectStore["put"]>[1]) => {
    const p = await store.put(runKeys.artifact(runId, file), body, { contentType });
    stored.push({ runId, kind, storageKey: p.key, contentType, sizeBytes: p.sizeBytes, checksum: p.sha256 });
  };
  for (const f of r.files) await put(f.kind, f.file, f.contentType, createReadStream(f.path));
  if (r.fullHistory.length) await put("history", "history.json", "application/json", Buffer.from(JSON.stringify(r.fullHistory)));

  return db.db.transaction(async (tx) => {
    const [done] = await tx
      .update(runs)
      .set({
        status: "succeeded",
        finishedAt: sql`now()`,
        backend: r.backend,
        secondsPerEpoch: r.secondsPerEpoch,
        metrics: r.metrics,
        progress: { ...last, phase: "saving", phaseProgress: 1, etaSeconds: 0 },
      })
      .where(and(mine, eq(runs.status, "running")))
      .returning({ id: runs.id });
    if (!done) return false;
    await tx.delete(clusters).where(eq(clusters.runId, runId));
    await tx.insert(clusters).values(r.clusters.map((c) => ({ runId, ...c })));
    await tx.delete(artifacts).where(eq(artifacts.runId, runId));
    await tx.insert(artifacts).values(stored);
    return true;
  });
}

/**
 * Ends a failed or stopped attempt: lost to another attempt, requeued at shutdown, cancelled, or
 * failed (requeued for pg-boss's retry unless the input is at fault or this was the last attempt).
 */
async function settleFailure(
  ctx: RunContext,
  run: RunRow,
  err: unknown,
  signal: AbortSignal,
  o: { mine: SQL | undefined; datasetName: string; finalAttempt: boolean; log: Logger },
): Promise<RunOutcome> {
  const db: Db = ctx.db.db;
  const reason = signal.aborted ? (signal.reason as StopReason) : null;
  if (reason?.why === "lost") {
    o.log.warn("another attempt owns the run now; stopping");
    return "lost";
  }
  if (reason?.why === "shutdown") {
    // Give the run back at once rather than waiting for the heartbeat to go stale.
    await db.update(runs).set({ status: "queued", workerId: null }).where(and(o.mine, eq(runs.status, "running")));
    o.log.info("worker shutting down; run requeued");
    return "requeued";
  }
  const cancelled = reason?.why === "cancel";
  // Bad input fails the same way every time; anything else (storage, database, a crash in the
  // engine) may pass, so pg-boss retries it with backoff and dead-letters it once retries are spent.
  const retryable = !cancelled && !(err instanceof InputError);
  const requeue = retryable && !o.finalAttempt;
  // An input error names the dataset as the user uploaded it, not the worker's temp copy.
  const message = cancelled ? null : err instanceof InputError ? `${o.datasetName}: ${err.problem}` : err instanceof Error ? err.message : String(err);
  const status = cancelled ? "cancelled" : requeue ? "queued" : "failed";
  await db
    .update(runs)
    .set({ status, error: message, workerId: null, ...(requeue ? {} : { finishedAt: sql`now()` }) })
    .where(and(o.mine, eq(runs.status, "running")));
  if (!requeue) await publishEvent(ctx.db, { type: "run.status", teamId: run.teamId, runId: run.id, status, error: message, attempt: run.attempt });
  o.log[cancelled ? "info" : "error"]({ err: cancelled ? undefined : err }, cancelled ? "run cancelled" : requeue ? "run failed; will retry" : "run failed");
  if (retryable) throw err;
  return cancelled ? "cancelled" : "failed";
}

/** The epochs stored with the run's last checkpoint (none when an older worker wrote it). */
async function readCheckpointHistory(store: ObjectStore, runId: string): Promise<tl.EpochStats[]> {
  if (!(await store.stat(runKeys.checkpointHistory(runId)))) return [];
  return JSON.parse((await readAll(await store.get(runKeys.checkpointHistory(runId)))).toString("utf8")) as tl.EpochStats[];
}
