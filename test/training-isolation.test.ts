/**
 * Training in the embedded worker does not stall the API: the run trains in a process of its own,
 * so the API's event loop stays free while one training step (here a whole epoch: one batch of
 * every cell) takes seconds. Before, each step ran on the API's event loop and every request waited
 * for it. The bound is relative to the step's own duration, so a loaded machine (slower steps,
 * noisier timers) moves both sides together.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { eq, runs } from "@scfnccl/db";
import type { Platform } from "@scfnccl/platform";
import { hasPbmc, writePbmcSubset } from "@scfnccl/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startEmbeddedHarness, waitFor, type EmbeddedHarness } from "./support/harness.ts";

const CELLS = 1200;
let h: EmbeddedHarness;
let dir: string;
let platform: Platform;
let url: string;

beforeAll(async () => {
  h = await startEmbeddedHarness("training-isolation");
  ({ dir, platform, url } = h);
});

afterAll(async () => {
  await h?.stop();
});

describe.skipIf(!hasPbmc)("a run training in the embedded worker", () => {
  it("leaves the API's event loop free: no delay near one training step's duration", async () => {
    const user = new Client(url);
    await user.signUp("iso@lab.org", "Iso", "Lab");
    const teamId = (await user.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id;
    const up = await user.upload(teamId, "pbmc1200.h5", await readFile(await writePbmcSubset(join(dir, "pbmc1200.h5"), CELLS)));
    expect(up.status).toBe(201);
    const created = await user.mutate(
      "createRun",
      `mutation($d: ID!) { createRun(input: { datasetId: $d, params: { epochs: 50, batchSize: ${CELLS} } }) { run { id } errors { message } } }`,
      { d: (up.json["dataset"] as { id: string }).id },
    );
    const runId = (created["run"] as { id: string }).id;
    const readRun = async () => (await platform.db.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
    await waitFor(async () => ((await readRun()).progress?.epoch ?? 0) >= 1, 180_000, "the first epoch");

    // From here on every epoch is one training step; watch the API for two of them.
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const probes: number[] = [];
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const t = performance.now();
        const res = await fetch(`${url}/healthz`);
        await res.text();
        probes.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const start = (await readRun()).progress!.epoch;
    const after = await waitFor(async () => {
      const r = await readRun();
      return r.progress!.epoch >= start + 2 ? r : null;
    }, 180_000, "two more epochs");
    probing = false;
    await probe;
    lag.disable();

    const stepSeconds = after.progress!.secondsPerEpoch;
    const maxLagSeconds = lag.max / 1e9;
    const maxProbeSeconds = Math.max(...probes) / 1000;
    const figures = `step ${stepSeconds.toFixed(2)} s, event-loop delay max ${maxLagSeconds.toFixed(3)} s, /healthz max ${maxProbeSeconds.toFixed(3)} s over ${probes.length} probes`;
    expect(stepSeconds, figures).toBeGreaterThan(0.3);
    expect(maxLagSeconds, figures).toBeLessThan(stepSeconds / 3);
    expect(maxProbeSeconds, figures).toBeLessThan(stepSeconds / 3);

    // Cancelling stops the trainer process at once.
    await user.mutate("cancelRun", `mutation($id: ID!) { cancelRun(id: $id) { run { id } errors { message } } }`, { id: runId });
    const done = await waitFor(async () => {
      const r = await readRun();
      return r.status === "cancelled" ? r : null;
    }, 30_000, "the cancellation");
    expect(done.progress!.epoch).toBeLessThan(50);
  });
});
