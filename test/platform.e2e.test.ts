/**
 * The platform end to end, through GraphQL, HTTP and socket.io only, on PostgreSQL and an
 * S3-protocol server: two users of one team upload PBMC, train a few epochs, both watch progress
 * live, read clusters and metrics, download the embedding; a user of another team sees nothing.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { hasPbmc, PBMC_PATH } from "@scfnccl/engine/testing";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, Client, npyShape, startHarness, waitFor, type Harness } from "./support/harness.ts";

const EPOCHS = 2;
let h: Harness;
const sockets: Socket[] = [];

beforeAll(async () => {
  h = await startHarness({ worker: true });
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h?.stop();
});

interface RunEvent {
  type: string;
  runId: string;
  status?: string;
  progress?: { phase: string; epoch: number; epochs: number; loss: number; etaSeconds: number };
}

function collect(socket: Socket): RunEvent[] {
  const events: RunEvent[] = [];
  socket.on("run.progress", (e: RunEvent) => events.push(e));
  socket.on("run.status", (e: RunEvent) => events.push(e));
  return events;
}

describe.skipIf(!hasPbmc)("platform end to end (PostgreSQL + S3 + worker)", () => {
  it("two team members train PBMC and watch it live; another team gets 'not found' for all of it", async () => {
    const alice = new Client(h.url);
    const bob = new Client(h.url);
    const carol = new Client(h.url);
    await alice.signUp("alice@lab-a.org", "Alice", "Lab A");
    await bob.signUp("bob@lab-a.org", "Bob");
    await carol.signUp("carol@lab-c.org", "Carol", "Lab C");

    const teams = await alice.gql<{ teams: { id: string; name: string; viewerRole: string }[] }>(`{ teams { id name viewerRole } }`);
    expect(teams.data!.teams).toEqual([{ id: expect.any(String), name: "Lab A", viewerRole: "OWNER" }]);
    const teamId = teams.data!.teams[0]!.id;
    expect(await addMember(alice, bob, teamId, "bob@lab-a.org", "EDITOR")).toBe("EDITOR");

    // Upload: a streamed HTTP body, validated by the engine's reader.
    const bytes = await readFile(PBMC_PATH);
    const up = await alice.upload(teamId, "10X_PBMC_top2000.h5", bytes);
    expect(up.status, JSON.stringify(up.json)).toBe(201);
    const dataset = up.json["dataset"] as { id: string; cells: number; genes: number; checksum: string };
    const listed = await bob.gql<{ dataset: { format: string; labelColumns: string[]; uploader: { name: string } } }>(
      `query($id: ID!) { dataset(id: $id) { format labelColumns uploader { name } } }`,
      { id: dataset.id },
    );
    expect(listed.data!.dataset).toEqual({ format: "scdeepcluster-h5", labelColumns: ["Y"], uploader: { name: "Alice" } });
    expect(dataset).toMatchObject({ cells: 4271, genes: 2000, checksum: createHash("sha256").update(bytes).digest("hex") });

    const aliceSocket = await alice.socket();
    const bobSocket = await bob.socket();
    const carolSocket = await carol.socket();
    sockets.push(aliceSocket, bobSocket, carolSocket);
    const aliceEvents = collect(aliceSocket);
    const bobEvents = collect(bobSocket);
    const carolEvents = collect(carolSocket);

    // Bob (editor) starts the run.
    const created = await bob.mutate(
      "createRun",
      `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id status params seed dataset { name } } errors { code message field } } }`,
      { input: { datasetId: dataset.id, params: { epochs: EPOCHS }, seed: 1 } },
    );
    expect(created.errors).toEqual([]);
    const run = created["run"] as { id: string; status: string; params: unknown; seed: number };
    expect(run).toMatchObject({ status: "QUEUED", params: { epochs: EPOCHS }, seed: 1 });
    const sub = (await aliceSocket.emitWithAck("run:subscribe", run.id)) as { ok: boolean };
    expect(sub.ok).toBe(true);

    const done = (events: RunEvent[]) => events.some((e) => e.type === "run.status" && e.status === "succeeded");
    await waitFor(() => done(aliceEvents) && done(bobEvents), 240_000, "the run to succeed on both sockets");
    for (const events of [aliceEvents, bobEvents]) {
      // Epochs are counted on the training phase's reports (loading, preprocessing and the phases after training report too).
      const progress = events.filter((e) => e.type === "run.progress" && e.runId === run.id).map((e) => e.progress!).filter((p) => p.phase === "training");
      expect(progress.map((p) => p.epoch)).toEqual([1, 2]);
      expect(progress.every((p) => p.epochs === EPOCHS && Number.isFinite(p.loss) && p.etaSeconds >= 0)).toBe(true);
      expect(events.filter((e) => e.type === "run.status").map((e) => e.status)).toEqual(["queued", "running", "succeeded"]);
    }

    const result = await bob.gql<{
      run: {
        status: string;
        backend: string;
        progress: { epoch: number };
        metrics: { acc: number; nmi: number; ari: number; cells: number; k: number };
        clusters: { index: number; size: number; majorityLabel: string | null }[];
        embedding: { downloadUrl: string; sizeBytes: number; checksum: string };
        artifacts: { kind: string }[];
      };
    }>(
      `query($id: ID!) { run(id: $id) { status backend progress { epoch } metrics { acc nmi ari cells k }
        clusters { index size majorityLabel } embedding { downloadUrl sizeBytes checksum } artifacts { kind } } }`,
      { id: run.id },
    );
    expect(result.errors).toBeUndefined();
    const r = result.data!.run;
    expect(r.status).toBe("SUCCEEDED");
    expect(r.progress.epoch).toBe(EPOCHS);
    expect(r.metrics.cells).toBe(4271);
    for (const m of [r.metrics.acc, r.metrics.nmi, r.metrics.ari]) expect(m).toBeGreaterThan(0);
    expect(r.clusters).toHaveLength(r.metrics.k);
    expect(r.clusters.reduce((s, c) => s + c.size, 0)).toBe(4271);
    expect(r.artifacts.map((a) => a.kind).sort()).toEqual(["CHECKPOINT", "CLUSTERS", "EMBEDDING", "HISTORY", "MARKERS", "RANK_GENES", "UMAP"]);

    const download = await alice.download(r.embedding.downloadUrl);
    expect(download.status).toBe(200);
    const npy = new Uint8Array(await download.arrayBuffer());
    expect(npy.length).toBe(r.embedding.sizeBytes);
    expect(createHash("sha256").update(npy).digest("hex")).toBe(r.embedding.checksum);
    expect(npyShape(npy)[0]).toBe(4271);

    // Carol (another team): every object is "not found", wherever she asks.
    for (const [q, vars] of [
      [`query($id: ID!) { run(id: $id) { id } }`, { id: run.id }],
      [`query($id: ID!) { dataset(id: $id) { id } }`, { id: dataset.id }],
      [`query($id: ID!) { team(id: $id) { id } }`, { id: teamId }],
      [`query($ids: [ID!]!) { compareRuns(ids: $ids) { id } }`, { ids: [run.id] }],
    ] as const) {
      const res = await carol.gql(q, vars);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
      expect(Object.values(res.data ?? {}).every((v) => v === null)).toBe(true);
    }
    for (const [field, m, vars] of [
      ["createRun", `mutation($id: ID!) { createRun(input: { datasetId: $id }) { run { id } errors { code } } }`, { id: dataset.id }],
      ["cancelRun", `mutation($id: ID!) { cancelRun(id: $id) { run { id } errors { code } } }`, { id: run.id }],
      ["retryRun", `mutation($id: ID!) { retryRun(id: $id) { run { id } errors { code } } }`, { id: run.id }],
      ["deleteDataset", `mutation($id: ID!) { deleteDataset(id: $id) { deletedId errors { code } } }`, { id: dataset.id }],
      ["proposeLabel", `mutation($id: ID!) { proposeLabel(input: { runId: $id, clusterIndex: 0, expectedVersion: 0, label: "B cell" }) { proposal { id } errors { code } } }`, { id: run.id }],
    ] as const) {
      const p = await carol.mutate(field, m, vars);
      expect(p.errors, field).toEqual([{ code: "NOT_FOUND" }]);
    }
    expect((await carol.download(r.embedding.downloadUrl)).status).toBe(404);
    expect((await carol.upload(teamId, "x.h5", bytes)).status).toBe(404);
    const carolSub = (await carolSocket.emitWithAck("run:subscribe", run.id)) as { ok: boolean; error?: { code: string } };
    expect(carolSub).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "run not found" } });
    expect(carolEvents).toEqual([]);
    const carolTeams = await carol.gql<{ teams: { name: string }[] }>(`{ teams { name datasets { edges { node { id } } } runs { edges { node { id } } } } }`);
    expect(carolTeams.data!.teams).toEqual([{ name: "Lab C", datasets: { edges: [] }, runs: { edges: [] } }]);
  });
});
