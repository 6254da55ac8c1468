/**
 * One attempt at one run: claim it, download its dataset, train with the engine while reporting
 * progress and saving checkpoints, then store artifacts, clusters and metrics. A heartbeat proves
 * the attempt is alive and carries cancellations back; a newer attempt (after this worker was
 * presumed dead) makes this one stop without touching the run.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { and, artifacts, clusters, datasets, eq, runs, sql, type ArtifactKind, type DbClient, type RunMetricsJson, type RunPhase, type RunProgress } from "@scfnccl/db";
import { activeBackend, InputError, io, tl } from "@scfnccl/engine";
import { readAll, type ObjectStore } from "@scfnccl/storage";
import type { Logger } from "pino";
import { displayNames, encodeRankGenes, geneTableOf, markerRows, markersCsv, publishEvent } from "@scfnccl/platform";
import { cellsFile, computeMarkers, computeUmap, summariseClusters, type Clustering } from "./results.ts";

interface ArtifactFile {
  kind: ArtifactKind;
  file: string;
  contentType: string;
  body: Uint8Array;
}

/** What a method leaves before the shared result steps (UMAP, markers, storing). */
interface Produced {
  clustering: Clustering;
  files: ArtifactFile[];
  metrics: RunMetricsJson;
  backend: string | null;
  secondsPerEpoch: number | null;
}

export interface RunContext {
  db: DbClient;
  store: ObjectStore;
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
  artifact: (runId: string, file: string) => `runs/${runId}/${file}`,
};

/**
 * Processes run `runId` if it is queued. A retryable failure is rethrown after the run is put back
 * to `queued` (or, when `finalAttempt`, marked failed), so pg-boss retries or dead-letters the job.
 */
export async function processRun(ctx: RunContext, runId: string, options: { finalAttempt: boolean; signal?: AbortSignal }): Promise<RunOutcome> {
  const { db: client, store } = ctx;
  const db = client.db;
  const [run] = await db
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
  if (!run) return "skipped";
  const attempt = run.attempt;
  const log = ctx.log.child({ runId, attempt });
  const mine = and(eq(runs.id, runId), eq(runs.attempt, attempt));
  await publishEvent(client, { type: "run.status", teamId: run.teamId, runId, status: "running", attempt });
  log.info({ resumeEpoch: run.checkpointEpoch ?? 0 }, "run started");

  const controller = new AbortController();
  const stop = (why: StopReason["why"]) => {
    if (!controller.signal.aborted) controller.abort(new StopReason(why));
  };
  options.signal?.addEventListener("abort", () => stop("shutdown"), { once: true });
  const dir = await mkdtemp(join(tmpdir(), "scfnccl-run-"));
  const heartbeat = setInterval(() => {
    void db
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

  // Progress writes are chained so they land in epoch order and are all done before the end.
  let writes: Promise<unknown> = Promise.resolve();
  let datasetName = "dataset";
  // The last epoch's figures, kept when the phase moves on so the page still shows them.
  let last: RunProgress = { phase: "loading", epoch: 0, epochs: 0, loss: 0, instanceLoss: 0, clusterLoss: 0, secondsPerEpoch: 0, etaSeconds: 0, resumedFrom: 0 };
  const report = (progress: RunProgress) => {
    last = progress;
    writes = writes
      .then(() => db.update(runs).set({ progress }).where(mine))
      .then(() => publishEvent(client, { type: "run.progress", teamId: run.teamId, runId, progress, attempt }))
      .catch((err: unknown) => log.warn({ err }, "progress write failed"));
  };
  /** Names what the run does now (loading, preprocessing, training, embedding, umap, markers, saving). */
  const reportPhase = (phase: RunPhase, phaseProgress?: number) => {
    if (last.phase === phase && phaseProgress === undefined) return;
    const { phaseProgress: _p, ...rest } = last;
    report({ ...rest, phase, ...(phaseProgress !== undefined ? { phaseProgress } : {}), etaSeconds: phase === "training" ? last.etaSeconds : 0 });
  };
  try {
    reportPhase("loading", 0);
    const [dataset] = await db.select().from(datasets).where(eq(datasets.id, run.datasetId));
    if (!dataset) throw new InputError("the run's dataset no longer exists");
    datasetName = dataset.name;
    // The file carries the dataset's name, so input errors name what the user uploaded.
    const path = join(dir, dataset.name.replace(/[^\w.-]+/g, "_") || "dataset");
    await pipeline(await store.get(dataset.storageKey), createWriteStream(path));
    let labelsFile: string | undefined;
    if (dataset.labelsKey) {
      labelsFile = join(dir, "labels.csv");
      await pipeline(await store.get(dataset.labelsKey), createWriteStream(labelsFile));
    }
    // An uploaded label file was recorded as `<file>:<column>`.
    const labelKey = labelsFile ? dataset.labelColumns[0]?.split(":").at(-1) : undefined;
    let lastRead = 0;
    const data = await io.readDataset(path, {
      ...(labelsFile ? { labelsFile, ...(labelKey ? { labelKey } : {}) } : {}),
      onProgress: (f) => {
        if (f - lastRead < 0.1 && f < 1) return;
        lastRead = f;
        reportPhase("loading", f);
      },
    });
    const geneNames = displayNames(geneTableOf(data), dataset.geneNameColumn);
    const resumeFrom = run.checkpointKey ? new Uint8Array(await readAll(await store.get(run.checkpointKey))) : undefined;
    const resumedFrom = resumeFrom ? (run.checkpointEpoch ?? 0) : 0;
    // Checked at submission; checked again against the registry this worker runs (a bad one fails the run at once).
    const { settings, ...options } = tl.resolveRunSettings(run.method, { ...run.params, seed: run.seed });
    let epochSeconds = 0;
    let epochsDone = 0;
    reportPhase("preprocessing");

    // Every epoch of a training method: stored on the run and announced, in order.
    const reportEpoch = (stats: tl.EpochStats) => {
      epochSeconds += stats.seconds;
      epochsDone += 1;
      ctx.onEpoch?.(stats.seconds);
      const mean = epochSeconds / epochsDone;
      report({
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
      // The last epoch is followed by embedding every cell and clustering, which can take a while.
      if (stats.epoch === stats.epochs) reportPhase("embedding");
    };

    // Every method through the registry's one entry point; those that checkpoint (`resumable`) save
    // one every CHECKPOINT_EVERY epochs and resume from the run's last; others run from the start.
    const method = run.method as tl.ClusterMethodName;
    const history: tl.EpochStats[] = [];
    const r = await tl.cluster(data, {
      method,
      ...options,
      settings,
      signal: controller.signal,
      resumeFrom,
      checkpointEvery: ctx.checkpointEvery,
      onCheckpoint: async (bytes, epoch) => {
        // Progress up to this epoch is stored and announced before the checkpoint counts, so a
        // resumed attempt never starts after an epoch nobody heard of.
        await writes;
        const key = runKeys.checkpoint(runId);
        await store.put(key, bytes, { contentType: "application/octet-stream" });
        await db.update(runs).set({ checkpointKey: key, checkpointEpoch: epoch }).where(mine);
      },
      onProgress: (p) => {
        if (p.epoch) {
          history.push(p.epoch);
          reportEpoch(p.epoch);
        } else if (/embed|pca|neighbo|graph|cluster|louvain|leiden|k-?means/i.test(p.stage)) reportPhase("embedding");
      },
    });
    await writes;
    const produced = producedFrom(data, r, history, epochsDone ? epochSeconds / epochsDone : null);
    // Results for review: a seeded UMAP of the embedding the clusters were found in, and each
    // cluster's marker genes. Both are stoppable like training (cancel, lost, shutdown).
    const { clustering, metrics } = produced;
    if (!produced.backend && produced.files.some((f) => f.kind === "history")) produced.backend = describeBackend(await activeBackend());
    reportPhase("umap");
    const umap = await computeUmap(clustering, { seed: run.seed, signal: controller.signal });
    reportPhase("markers");
    const markers = computeMarkers(data, clustering, geneNames, { signal: controller.signal });
    controller.signal.throwIfAborted();
    reportPhase("saving");

    const files: ArtifactFile[] = [
      ...produced.files,
      { kind: "umap", file: "umap.bin", contentType: "application/octet-stream", body: cellsFile(data, clustering, umap) },
      {
        kind: "markers",
        file: "markers.csv",
        contentType: "text/csv",
        body: Buffer.from(markersCsv(markers.groups.map((g) => [String(g.group), markerRows(g, geneNames, data.genes, { top: 100, filter: null })] as const))),
      },
    ];
    if (markers.groups.length) {
      files.push({ kind: "rank_genes", file: "rank_genes.bin", contentType: "application/octet-stream", body: encodeRankGenes("wilcoxon", data.genes.length, markers.groups) });
    }
    const stored: (typeof artifacts.$inferInsert)[] = [];
    for (const f of files) {
      const put = await store.put(runKeys.artifact(runId, f.file), f.body, { contentType: f.contentType });
      stored.push({ runId, kind: f.kind, storageKey: put.key, contentType: f.contentType, sizeBytes: put.sizeBytes, checksum: put.sha256 });
    }

    const committed = await db.transaction(async (tx) => {
      const [done] = await tx
        .update(runs)
        .set({
          status: "succeeded",
          finishedAt: sql`now()`,
          backend: produced.backend,
          secondsPerEpoch: produced.secondsPerEpoch,
          metrics,
          progress: { ...last, phase: "saving", phaseProgress: 1, etaSeconds: 0 },
        })
        .where(and(mine, eq(runs.status, "running")))
        .returning({ id: runs.id });
      if (!done) return false;
      await tx.delete(clusters).where(eq(clusters.runId, runId));
      await tx.insert(clusters).values(summariseClusters(data, clustering).map((c) => ({ runId, ...c, markers: markers.top[c.index] ?? [] })));
      await tx.delete(artifacts).where(eq(artifacts.runId, runId));
      await tx.insert(artifacts).values(stored);
      return true;
    });
    if (!committed) return "lost";
    await publishEvent(client, { type: "run.status", teamId: run.teamId, runId, status: "succeeded", attempt });
    log.info({ metrics }, "run succeeded");
    return "succeeded";
  } catch (err) {
    await writes;
    const reason = controller.signal.aborted ? (controller.signal.reason as StopReason) : null;
    if (reason?.why === "lost") {
      log.warn("another attempt owns the run now; stopping");
      return "lost";
    }
    if (reason?.why === "shutdown") {
      // Give the run back at once rather than waiting for the heartbeat to go stale.
      await db.update(runs).set({ status: "queued", workerId: null }).where(and(mine, eq(runs.status, "running")));
      log.info("worker shutting down; run requeued");
      return "requeued";
    }
    const cancelled = reason?.why === "cancel";
    // Bad input fails the same way every time; anything else (storage, database, a crash in the
    // engine) may pass, so pg-boss retries it with backoff and dead-letters it once retries are spent.
    const retryable = !cancelled && !(err instanceof InputError);
    const requeue = retryable && !options.finalAttempt;
    // An input error names the dataset as the user uploaded it, not the worker's temp copy.
    const message = cancelled ? null : err instanceof InputError ? `${datasetName}: ${err.problem}` : err instanceof Error ? err.message : String(err);
    const status = cancelled ? "cancelled" : requeue ? "queued" : "failed";
    await db
      .update(runs)
      .set({ status, error: message, workerId: null, ...(requeue ? {} : { finishedAt: sql`now()` }) })
      .where(and(mine, eq(runs.status, "running")));
    if (!requeue) await publishEvent(client, { type: "run.status", teamId: run.teamId, runId, status, error: message, attempt });
    log[cancelled ? "info" : "error"]({ err: cancelled ? undefined : err }, cancelled ? "run cancelled" : requeue ? "run failed; will retry" : "run failed");
    if (retryable) throw err;
    return cancelled ? "cancelled" : "failed";
  } finally {
    clearInterval(heartbeat);
    await rm(dir, { recursive: true, force: true });
  }
}

const describeBackend = (b: { name: string; detail: string }) => `${b.name} (${b.detail})`;

/** What the worker stores of any method's result: artifacts, the metrics row and the training's figures. */
function producedFrom(data: io.Dataset, r: tl.ClusterResult, attemptHistory: tl.EpochStats[], secondsPerEpoch: number | null): Produced {
  if (!r.embedding) throw new Error(`method ${r.method} returned no embedding`);
  const details = r.details ?? {};
  // A trainer's own history covers every epoch, those before a resume included.
  const history = (details["history"] as tl.EpochStats[] | undefined) ?? attemptHistory;
  const clustering = { cells: r.cells, clusters: r.clusters, k: r.k, embedding: r.embedding.values, dim: r.embedding.dim };
  const metrics: RunMetricsJson = { cells: r.cells.length, k: r.k, seconds: r.seconds };
  if (r.kSelection) metrics.kSelection = r.kSelection;
  if (r.scores) Object.assign(metrics, r.scores);
  if (r.resolution !== undefined) metrics["resolution"] = r.resolution;
  for (const name of ["modularity", "genesUsed"] as const) if (typeof details[name] === "number") metrics[name] = details[name];
  const head = details["clusterHead"] as { acc: number; nmi: number; ari: number } | null | undefined;
  if (head) Object.assign(metrics, { headAcc: head.acc, headNmi: head.nmi, headAri: head.ari });
  const finalLoss = history.at(-1)?.loss;
  if (finalLoss !== undefined) metrics["finalLoss"] = finalLoss;
  const files: ArtifactFile[] = [
    { kind: "embedding", file: "embedding.npy", contentType: "application/octet-stream", body: io.encodeNpy(clustering.embedding, [r.cells.length, clustering.dim]) },
    { kind: "clusters", file: "clusters.csv", contentType: "text/csv", body: Buffer.from(io.clustersCsv(data.cells, r)) },
  ];
  const model = r.files?.["model.ckpt"];
  if (model) files.push({ kind: "checkpoint", file: "model.bin", contentType: "application/octet-stream", body: model });
  if (history.length) files.push({ kind: "history", file: "history.json", contentType: "application/json", body: Buffer.from(JSON.stringify(history)) });
  const backend = typeof details["backend"] === "string" ? describeBackend({ name: details["backend"], detail: String(details["backendDetail"] ?? "") }) : null;
  const trainedSeconds = typeof details["secondsPerEpoch"] === "number" ? details["secondsPerEpoch"] : null;
  return { clustering, files, metrics, backend, secondsPerEpoch: secondsPerEpoch ?? trainedSeconds };
}
