import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, artifacts, clusters, createDb, datasets, eq, inArray, runs, teams, users, type DbClient } from "@scfnccl/db";
import { createFilesystemStore, type ObjectStore } from "@scfnccl/storage";
import type PgBoss from "pg-boss";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueRun, RUN_DEAD_LETTER_QUEUE, RUN_QUEUE, startQueue, subscribeEvents, type PlatformEvent } from "@scfnccl/platform";
import { decodeCellsFile } from "@scfnccl/platform/cells";
import { tl } from "@scfnccl/engine";
import { hasPbmc, writePbmcSubset } from "@scfnccl/engine/testing";
import { startWorker, type Worker } from "./worker.ts";

let dir: string;
let client: DbClient;
let store: ObjectStore;
let boss: PgBoss;
let worker: Worker;
const events: PlatformEvent[] = [];
let teamId: string;
let userId: string;
const failReads = new Map<string, number>();

async function addDataset(name: string, bytes: Buffer): Promise<string> {
  const put = await store.put(`datasets/${name}`, bytes);
  const [d] = await client.db
    .insert(datasets)
    .values({ teamId, name, format: "scdeepcluster-h5", cells: 300, genes: 2000, checksum: put.sha256, sizeBytes: put.sizeBytes, storageKey: put.key, uploaderId: userId })
    .returning();
  return d!.id;
}

async function addRun(datasetId: string, params: Record<string, unknown>, method = "scfnccl"): Promise<string> {
  const [r] = await client.db.insert(runs).values({ teamId, datasetId, createdById: userId, method, params, seed: 0 }).returning();
  await enqueueRun(boss, r!.id);
  return r!.id;
}

async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 90_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

const finished = (runId: string) =>
  waitFor(async () => {
    const [r] = await client.db.select().from(runs).where(eq(runs.id, runId));
    return r && ["succeeded", "failed", "cancelled"].includes(r.status) ? r : null;
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "worker-test-"));
  client = await createDb();
  await client.migrate();
  const files = createFilesystemStore(join(dir, "objects"));
  // Reads of keys listed in `failReads` fail that many times: a storage outage, as a worker sees it.
  store = {
    ...files,
    async get(key) {
      const left = failReads.get(key) ?? 0;
      if (left > 0) {
        failReads.set(key, left - 1);
        throw new Error(`storage unavailable reading ${key}`);
      }
      return files.get(key);
    },
  };
  boss = await startQueue(client, { retryLimit: 0 });
  await subscribeEvents(client, (e) => events.push(e));
  worker = await startWorker({ db: client, store, boss, log: pino({ level: "silent" }), heartbeatSeconds: 0.5, pollingIntervalSeconds: 0.5 });
  const [u] = await client.db.insert(users).values({ email: "w@example.org", name: "W", passwordHash: "x" }).returning();
  const [t] = await client.db.insert(teams).values({ name: "lab" }).returning();
  userId = u!.id;
  teamId = t!.id;
});

afterAll(async () => {
  await worker?.stop();
  await boss?.stop({ graceful: false, close: false });
  await client?.close();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasPbmc)("worker on the embedded database (PGlite + filesystem)", () => {
  it("trains a queued run, reporting every epoch, and stores artifacts, clusters and metrics", async () => {
    const h5 = await writePbmcSubset(join(dir, "pbmc300.h5"), 300);
    const datasetId = await addDataset("pbmc300.h5", await readFile(h5));
    const runId = await addRun(datasetId, { epochs: 2 });
    const run = await finished(runId);
    expect(run.status, run.error ?? "").toBe("succeeded");
    expect(run.progress).toMatchObject({ epoch: 2, epochs: 2, resumedFrom: 0 });
    expect(run.metrics).toMatchObject({ cells: 300, k: expect.any(Number), acc: expect.any(Number), nmi: expect.any(Number) });
    expect(run.backend).toMatch(/wasm|cpu|tensorflow/);

    const progress = events.filter((e) => e.type === "run.progress" && e.runId === runId);
    const training = progress.filter((e) => e.type === "run.progress" && e.progress.phase === "training");
    expect(training.map((e) => (e.type === "run.progress" ? e.progress.epoch : -1))).toEqual([1, 2]);
    // Every phase is named, in order, so the page never says "training" while loading or making the UMAP.
    const phases = progress.map((e) => (e.type === "run.progress" ? e.progress.phase : undefined)).filter((p, i, a) => p !== a[i - 1]);
    expect(phases).toEqual(["loading", "preprocessing", "training", "embedding", "umap", "markers", "saving"]);
    expect(events.filter((e) => e.type === "run.status" && e.runId === runId).map((e) => (e.type === "run.status" ? e.status : ""))).toEqual([
      "running",
      "succeeded",
    ]);

    const rows = await client.db.select().from(clusters).where(eq(clusters.runId, runId));
    expect(rows.reduce((s, c) => s + c.size, 0)).toBe(300);
    const arts = await client.db.select().from(artifacts).where(eq(artifacts.runId, runId));
    expect(arts.map((a) => a.kind).sort()).toEqual(["checkpoint", "clusters", "embedding", "history", "markers", "rank_genes", "umap"]);
    for (const a of arts) expect((await store.stat(a.storageKey))?.sizeBytes).toBe(a.sizeBytes);
    const csv = await readFile(join(dir, "objects", ...arts.find((a) => a.kind === "clusters")!.storageKey.split("/")), "utf8");
    expect(csv.split("\n")[0]).toBe("cell,cluster,cluster_head");
    expect(csv.trim().split("\n")).toHaveLength(301);

    // UMAP and per-cell clusters in one compact file; markers per cluster in the rows and a CSV.
    const cellsFile = decodeCellsFile(await readFile(join(dir, "objects", ...arts.find((a) => a.kind === "umap")!.storageKey.split("/"))));
    expect(cellsFile.header).toMatchObject({ n: 300, nComponents: 2, k: run.metrics!["k"] });
    expect(cellsFile.umap).toHaveLength(600);
    expect(cellsFile.umap.every(Number.isFinite)).toBe(true);
    expect(new Set(cellsFile.cell).size).toBe(300);
    expect(cellsFile.label).toHaveLength(300);
    const sizes = new Map<number, number>();
    for (const c of cellsFile.cluster) sizes.set(c, (sizes.get(c) ?? 0) + 1);
    for (const row of rows) {
      expect(sizes.get(row.index) ?? 0).toBe(row.size);
      if (row.size > 0) {
        // At most 50 that pass scanpy's default display filter, best first; every p-value adjusted upwards.
        expect(row.markers!.length).toBeLessThanOrEqual(50);
        for (const m of row.markers!) expect(m.pctOut).toBeLessThanOrEqual(0.5);
        for (let i = 1; i < row.markers!.length; i++) expect(row.markers![i - 1]!.score).toBeGreaterThanOrEqual(row.markers![i]!.score);
        for (const m of row.markers!) expect(m.pvalAdj).toBeGreaterThanOrEqual(m.pval);
      }
    }
    const markersCsv = await readFile(join(dir, "objects", ...arts.find((a) => a.kind === "markers")!.storageKey.split("/")), "utf8");
    expect(markersCsv.split("\n")[0]).toBe("group,rank,names,gene_id,scores,logfoldchanges,pvals,pvals_adj,log10_pvals,log10_pvals_adj,pct_nz_group,pct_nz_reference");
    expect(markersCsv.trim().split("\n")).toHaveLength(1 + 100 * rows.filter((r) => r.size > 0).length);
  });

  it.each([
    ["seurat", {}],
    ["leiden", { resolution: 0.5 }],
    ["kmeans", { k: 4 }],
  ])("runs %s from the engine's registry and stores its UMAP and markers like scFNCCL's", async (method, params) => {
    const methodTrains = (name: string) => tl.describeMethods().find((m) => m.name === name)!.trains;
    const datasetId = (await client.db.select().from(datasets))[0]!.id;
    const runId = await addRun(datasetId, params, method);
    const run = await finished(runId);
    expect(run.status, run.error ?? "").toBe("succeeded");
    // Classical methods have no epochs to report; trained ones report every epoch like scFNCCL.
    if (methodTrains(method)) expect(run.progress).toMatchObject({ epoch: 2, epochs: 2, phase: "saving" });
    else expect(run.progress).toMatchObject({ epoch: 0, phase: "saving" });
    expect(run.metrics).toMatchObject({ cells: 300, k: expect.any(Number), nmi: expect.any(Number) });
    if (method === "leiden") expect(run.metrics!["resolution"]).toBe(0.5);
    const arts = await client.db.select().from(artifacts).where(eq(artifacts.runId, runId));
    expect(arts.map((a) => a.kind).sort()).toEqual(methodTrains(method) ? ["clusters", "embedding", "history", "markers", "rank_genes", "umap"] : ["clusters", "embedding", "markers", "rank_genes", "umap"]);
    const cellsFile = decodeCellsFile(await readFile(join(dir, "objects", ...arts.find((a) => a.kind === "umap")!.storageKey.split("/"))));
    expect(cellsFile.header.k).toBe(run.metrics!["k"]);
    const rows = await client.db.select().from(clusters).where(eq(clusters.runId, runId));
    expect(rows).toHaveLength(run.metrics!["k"] as number);
    for (const row of rows) {
      expect(cellsFile.cluster.filter((c) => c === row.index)).toHaveLength(row.size);
      if (row.size > 0) expect(row.markers!.length).toBeGreaterThan(0);
    }
  });

  it("stops a run when a cancellation is requested and marks it cancelled", async () => {
    const datasetId = (await client.db.select().from(datasets))[0]!.id;
    const runId = await addRun(datasetId, { epochs: 200 });
    await waitFor(async () => events.some((e) => e.type === "run.progress" && e.runId === runId));
    await client.db.update(runs).set({ cancelRequestedAt: new Date() }).where(eq(runs.id, runId));
    const run = await finished(runId);
    expect(run.status).toBe("cancelled");
    expect(run.progress!.epoch).toBeLessThan(200);
    expect(await client.db.select().from(artifacts).where(eq(artifacts.runId, runId))).toEqual([]);
  });

  it("fails a run on a corrupt dataset with the engine's message naming the file, without retrying", async () => {
    const datasetId = await addDataset("broken.h5", Buffer.from("this is not HDF5"));
    const runId = await addRun(datasetId, { epochs: 2 });
    const run = await finished(runId);
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/^broken\.h5: .*(not a CSV|not an HDF5)/);
    expect(run.attempt).toBe(1);
  });

  it("retries a run after a transient failure (with backoff) and finishes it on the next attempt", async () => {
    const [pbmc] = await client.db.select().from(datasets).where(eq(datasets.name, "pbmc300.h5"));
    const [r] = await client.db.insert(runs).values({ teamId, datasetId: pbmc!.id, createdById: userId, method: "scfnccl", params: { epochs: 1 }, seed: 0 }).returning();
    failReads.set(pbmc!.storageKey, 1);
    await boss.send(RUN_QUEUE, { runId: r!.id }, { retryLimit: 2, retryDelay: 1, retryBackoff: true });
    const run = await finished(r!.id);
    expect(run.status, run.error ?? "").toBe("succeeded");
    expect(run.attempt).toBe(2);
    expect(run.error).toBeNull();
  });

  it("fails a run for good once its retries are spent and dead-letters its job", async () => {
    const [pbmc] = await client.db.select().from(datasets).where(eq(datasets.name, "pbmc300.h5"));
    const [r] = await client.db.insert(runs).values({ teamId, datasetId: pbmc!.id, createdById: userId, method: "scfnccl", params: { epochs: 1 }, seed: 0 }).returning();
    failReads.set(pbmc!.storageKey, 5);
    const deadBefore = await boss.getQueueSize(RUN_DEAD_LETTER_QUEUE);
    await boss.send(RUN_QUEUE, { runId: r!.id }, { retryLimit: 1, retryDelay: 1 });
    const run = await finished(r!.id);
    expect(run.status).toBe("failed");
    expect(run.attempt).toBe(2);
    expect(run.error).toMatch(/storage unavailable reading datasets\/pbmc300\.h5/);
    await waitFor(async () => (await boss.getQueueSize(RUN_DEAD_LETTER_QUEUE)) === deadBefore + 1, 10_000);
    failReads.clear();
  });

  it("keeps the whole loss history of a run handed back at shutdown and resumed from its checkpoint", async () => {
    const datasetId = await addDataset("resume300.h5", await readFile(await writePbmcSubset(join(dir, "resume300.h5"), 300)));
    const runId = await addRun(datasetId, { epochs: 8 });
    const readRun = async () => (await client.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
    await waitFor(async () => ((await readRun()).checkpointEpoch ?? 0) >= 2);
    await worker.stop();
    const handedBack = await readRun();
    expect(handedBack.status).toBe("queued");
    worker = await startWorker({ db: client, store, boss, log: pino({ level: "silent" }), heartbeatSeconds: 0.5, pollingIntervalSeconds: 0.5 });
    const run = await finished(runId);
    expect(run.status, run.error ?? "").toBe("succeeded");
    expect(run.attempt).toBe(2);
    expect(run.progress!.resumedFrom).toBeGreaterThanOrEqual(2);
    const [history] = await client.db.select().from(artifacts).where(and(eq(artifacts.runId, runId), eq(artifacts.kind, "history")));
    const epochs = (JSON.parse(await readFile(join(dir, "objects", ...history!.storageKey.split("/")), "utf8")) as { epoch: number }[]).map((e) => e.epoch);
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("trains several runs at once with concurrency above one", async () => {
    await worker.stop();
    worker = await startWorker({ db: client, store, boss, log: pino({ level: "silent" }), concurrency: 2, heartbeatSeconds: 0.5, pollingIntervalSeconds: 0.5 });
    const [pbmc] = await client.db.select().from(datasets).where(eq(datasets.name, "pbmc300.h5"));
    const ids = [await addRun(pbmc!.id, { epochs: 4 }), await addRun(pbmc!.id, { epochs: 4 })];
    await waitFor(async () => {
      const rows = await client.db.select({ status: runs.status }).from(runs).where(inArray(runs.id, ids));
      return rows.filter((r) => r.status === "running").length === 2;
    }, 60_000);
    for (const id of ids) expect((await finished(id)).status).toBe("succeeded");
  });
});
