/**
 * A worker process killed mid-run (SIGKILL: no chance to clean up) loses nothing: its heartbeat
 * stops, another worker process requeues the run and finishes it from the last checkpoint, with
 * the loss history of every epoch, and removes the dataset copy the killed one left in TMPDIR.
 * Workers run as real child processes from the bundled apps/worker, against PostgreSQL and S3.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { eq, runs } from "@scfnccl/db";
import { readAll } from "@scfnccl/storage";
import { subscribeEvents, type PlatformEvent } from "@scfnccl/platform";
import { hasPbmc, writePbmcSubset } from "@scfnccl/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startHarness, waitFor, type Harness } from "./support/harness.ts";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const EPOCHS = 40;
let h: Harness;
let dir: string;
/** The workers' TMPDIR. */
let tmp: string;
const children: ChildProcess[] = [];

function spawnWorker(name: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--enable-source-maps", join(repoRoot, "apps/worker/dist/main.js")], {
    env: {
      PATH: process.env["PATH"],
      TMPDIR: tmp,
      DATABASE_URL: h.pgUrl,
      S3_ENDPOINT: h.s3.endpoint,
      S3_ACCESS_KEY: h.s3.accessKey,
      S3_SECRET_KEY: h.s3.secretKey,
      S3_BUCKET: "scfnccl-test",
      HEARTBEAT_SECONDS: "0.5",
      STALE_AFTER_SECONDS: "3",
      CHECKPOINT_EVERY: "1",
      RUN_RETRY_LIMIT: "0",
      WORKER_PORT: "0",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  children.push(child);
  return { child, output: () => `--- ${name} ---\n${out}` };
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(repoRoot, "apps/worker/scripts/build.mjs")]);
  h = await startHarness({ worker: false });
  dir = await mkdtemp(join(tmpdir(), "resume-test-"));
  tmp = join(dir, "tmp");
  await mkdir(tmp);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasPbmc)("a worker killed during a run", () => {
  it("ends with the run completed by a new worker from the last checkpoint, no epoch lost", async () => {
    const events: Extract<PlatformEvent, { type: "run.progress" }>[] = [];
    await subscribeEvents(h.platform.db, (e) => {
      if (e.type === "run.progress") events.push(e);
    });
    const user = new Client(h.url);
    await user.signUp("dana@lab.org", "Dana", "Lab");
    const teams = await user.gql<{ teams: { id: string }[] }>(`{ teams { id } }`);
    const teamId = teams.data!.teams[0]!.id;
    const subset = await readFile(await writePbmcSubset(join(dir, "pbmc600.h5"), 600));
    const up = await user.upload(teamId, "pbmc600.h5", subset);
    expect(up.status).toBe(201);
    const created = await user.mutate("createRun", `mutation($d: ID!) { createRun(input: { datasetId: $d, params: { epochs: ${EPOCHS} } }) { run { id } errors { message } } }`, {
      d: (up.json["dataset"] as { id: string }).id,
    });
    const runId = (created["run"] as { id: string }).id;
    const readRun = async () => (await h.platform.db.db.select().from(runs).where(eq(runs.id, runId)))[0]!;

    const first = spawnWorker("worker 1");
    await waitFor(async () => ((await readRun()).checkpointEpoch ?? 0) >= 3, 120_000, `a third checkpoint\n${first.output()}`);
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const atKill = await readRun();
    expect(atKill.status).toBe("running");
    expect(atKill.checkpointEpoch!).toBeLessThan(EPOCHS);
    // What the killed worker could not clean up: its copy of the dataset.
    const leftovers = (await readdir(tmp)).filter((f) => f.startsWith("scfnccl-run-"));
    expect(leftovers).toHaveLength(1);

    const second = spawnWorker("worker 2");
    // Its health, readiness and metrics endpoints, on the port its log names.
    const port = await waitFor(() => /"port":(\d+),"msg":"worker health endpoint"/.exec(second.output())?.[1], 30_000, "the health endpoint");
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).text()).toBe("ok");
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    // The new worker removed it before taking runs.
    expect(await readdir(tmp)).not.toContain(leftovers[0]);
    const done = await waitFor(async () => {
      const r = await readRun();
      return ["succeeded", "failed", "cancelled"].includes(r.status) ? r : null;
    }, 180_000, `the run to finish\n${second.output()}`);
    expect(done.status, `${done.error}\n${first.output()}\n${second.output()}`).toBe("succeeded");
    expect(done.attempt).toBe(2);
    expect(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).toMatch(new RegExp(`scfnccl_epoch_seconds_count ${EPOCHS - atKill.checkpointEpoch!}\\b`));
    expect(done.progress).toMatchObject({ epoch: EPOCHS, resumedFrom: atKill.checkpointEpoch });

    // Attempt 2 continued right after the checkpoint; with attempt 1 before it, every epoch was reported.
    // Epochs are counted on the training phase's reports (loading, preprocessing and the phases after training report too).
    const secondEpochs = events.filter((e) => e.attempt === 2 && e.progress.phase === "training").map((e) => e.progress.epoch);
    const from = atKill.checkpointEpoch!;
    expect(secondEpochs).toEqual(Array.from({ length: EPOCHS - from }, (_, i) => from + 1 + i));
    const firstEpochs = new Set(events.filter((e) => e.attempt === 1 && e.progress.phase === "training").map((e) => e.progress.epoch));
    for (let e = 1; e <= from; e++) expect(firstEpochs.has(e)).toBe(true);

    // The dead worker's job was cancelled when its run was requeued; the new one completed. The
    // worker completes its job only after the run's row says succeeded, so under load the job may
    // still read 'active' for a moment.
    const jobStates = async () =>
      (await h.platform.db.sql.executeSql("select state from pgboss.job where name = 'runs' and data->>'runId' = $1 order by created_on", [runId])).rows.map((j) => j["state"]);
    await waitFor(async () => (await jobStates()).at(-1) !== "active", 30_000, "the second job to finish").catch(() => undefined);
    expect(await jobStates()).toEqual(["cancelled", "completed"]);

    // The loss history covers the whole run, the killed attempt's epochs included.
    const history = JSON.parse((await readAll(await h.platform.store.get(`runs/${runId}/history.json`))).toString()) as { epoch: number }[];
    const everyEpoch = Array.from({ length: EPOCHS }, (_, i) => i + 1);
    expect(history.map((s) => s.epoch)).toEqual(everyEpoch);
    const clusters = await user.gql<{ run: { clusters: { size: number }[]; metrics: { cells: number }; lossHistory: { epoch: number; loss: number }[] } }>(
      `query($id: ID!) { run(id: $id) { clusters { size } metrics { cells } lossHistory { epoch loss } } }`,
      { id: runId },
    );
    expect(clusters.data!.run.lossHistory.map((e) => e.epoch)).toEqual(everyEpoch);
    expect(clusters.data!.run.lossHistory.every((e) => Number.isFinite(e.loss))).toBe(true);
    expect(clusters.data!.run.clusters.reduce((s, c) => s + c.size, 0)).toBe(600);
    expect(clusters.data!.run.metrics.cells).toBe(600);
    // Nothing of the run is left in TMPDIR once it is done.
    expect((await readdir(tmp)).filter((f) => f.startsWith("scfnccl-"))).toEqual([]);
  });
});
