/**
 * Live events with several API instances: each LISTENs on PostgreSQL, so an event published by any
 * process (a worker elsewhere, another instance) reaches sockets connected to every instance, and
 * only those of the run's team.
 */
import { createApi, readEnv, type Api } from "@scfnccl/api";
import { clusters, createDb, datasets, runs, type DbClient } from "@scfnccl/db";
import { createLogger, publishEvent, startQueue } from "@scfnccl/platform";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, Client, startHarness, waitFor, type Harness } from "./support/harness.ts";

let h: Harness;
let second: { api: Api; db: DbClient; boss: Awaited<ReturnType<typeof startQueue>>; url: string };
let workerDb: DbClient;
const sockets: Socket[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: false });
  // A second API instance: its own connections to the same database and bucket.
  const db = await createDb({ url: h.pgUrl });
  const boss = await startQueue(db, { supervise: false });
  const env = readEnv({ DATABASE_URL: h.pgUrl, LOG_LEVEL: "silent" });
  const api = await createApi({ env, db, store: h.platform.store, boss, log: createLogger("api-2", "silent") });
  second = { api, db, boss, url: await api.listen(0) };
  workerDb = await createDb({ url: h.pgUrl });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await second?.api.close();
  await second?.boss.stop({ graceful: false, close: false, wait: true });
  await second?.db.close();
  await workerDb?.close();
  await h?.stop();
});

describe("socket.io across API instances", () => {
  it("delivers a worker's progress to team members on either instance and to no one else", async () => {
    const a1 = new Client(h.url);
    await a1.signUp("a1@lab.org", "A1", "Lab");
    const teamId = (await a1.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id;
    const a2 = new Client(second.url);
    await a2.signUp("a2@lab.org", "A2");
    await addMember(a1, a2, teamId, "a2@lab.org", "VIEWER");
    const outsider = new Client(second.url);
    await outsider.signUp("x@other.org", "X", "Other");

    const received: Record<string, unknown[]> = { a1: [], a2: [], outsider: [] };
    for (const [name, client] of [["a1", a1], ["a2", a2], ["outsider", outsider]] as const) {
      const s = await client.socket();
      sockets.push(s);
      s.on("run.progress", (e: unknown) => received[name]!.push(e));
    }
    const progress = { epoch: 3, epochs: 10, loss: 1.5, instanceLoss: 1, clusterLoss: 0.5, secondsPerEpoch: 2, etaSeconds: 14, resumedFrom: 0 };
    await publishEvent(workerDb, { type: "run.progress", teamId, runId: "00000000-0000-4000-8000-000000000001", progress, attempt: 1 });
    await waitFor(() => received["a1"]!.length > 0 && received["a2"]!.length > 0, 10_000, "events on both instances");
    expect(received["a1"]).toEqual([expect.objectContaining({ type: "run.progress", teamId, progress })]);
    expect(received["a2"]).toEqual(received["a1"]);
    await new Promise((r) => setTimeout(r, 200));
    expect(received["outsider"]).toEqual([]);
  });

  it("relays annotation changes, and follows membership changes on open sockets", async () => {
    const owner = new Client(h.url);
    const ownerId = await owner.signUp("o@lab2.org", "O", "Lab 2");
    const teamId = (await owner.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id;
    const newcomer = new Client(second.url);
    const newcomerId = await newcomer.signUp("n@lab2.org", "N");
    const socket = await newcomer.socket();
    sockets.push(socket);
    const got: { type: string }[] = [];
    socket.on("annotation.changed", (e: { type: string }) => got.push(e));
    socket.on("membership.changed", (e: { type: string }) => got.push(e));
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));

    // Added while connected: the socket joins the team's room without reconnecting.
    await addMember(owner, newcomer, teamId, "n@lab2.org", "VIEWER");
    await waitFor(() => got.some((e) => e.type === "membership.changed"), 10_000, "membership event");

    const dataset = (await h.platform.db.db.insert(datasets).values({ teamId, name: "d", format: "scdeepcluster-h5", cells: 2, genes: 2, checksum: "x", sizeBytes: 1, storageKey: "datasets/x", uploaderId: ownerId }).returning())[0]!;
    const run = (await h.platform.db.db.insert(runs).values({ teamId, datasetId: dataset.id, createdById: ownerId, method: "scfnccl", params: {}, seed: 0, status: "succeeded" }).returning())[0]!;
    await h.platform.db.db.insert(clusters).values({ runId: run.id, index: 0, size: 2 });
    await owner.mutate("proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: "NK cell" }) { errors { code } } }`, { r: run.id });
    await waitFor(() => got.some((e) => e.type === "annotation.changed"), 10_000, "annotation event");
    expect(got.find((e) => e.type === "annotation.changed")).toMatchObject({ teamId, runId: run.id, clusterIndex: 0, action: "proposal.create", version: 1, status: "proposed", actorId: ownerId });

    // Removed: the open page hears it first (so it can say so at once), then the socket is dropped
    // (and would reconnect without the team's rooms).
    const told = new Promise<{ event: unknown; connected: boolean }>((resolve) =>
      socket.on("membership.changed", (e: { role: string | null }) => e.role === null && resolve({ event: e, connected: socket.connected })),
    );
    await owner.mutate("removeTeamMember", `mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) { errors { code } } }`, { t: teamId, u: newcomerId });
    const tooLate = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the removed member's page was not told within 10 s")), 10_000));
    expect(await Promise.race([told, tooLate])).toEqual({ event: expect.objectContaining({ type: "membership.changed", teamId, userId: newcomerId, role: null }), connected: true });
    expect(await disconnected).toBe("io server disconnect");
  });

  it("refuses a socket without a valid session or token", async () => {
    const c = new Client(h.url);
    await expect(c.socket()).rejects.toThrow("unauthenticated");
    c.cookie = "scfnccl_session=forged";
    await expect(c.socket()).rejects.toThrow("unauthenticated");
  });

  it("refuses browser sockets from another origin", async () => {
    const c = new Client(h.url);
    await c.signUp("o@origin.org", "O");
    await expect(c.socket({ origin: "http://evil.example" })).rejects.toThrow();
    const s = await c.socket({ origin: h.url });
    sockets.push(s);
    expect(s.connected).toBe(true);
  });
});
