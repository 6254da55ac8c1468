/**
 * The embedded default (PGlite in a data folder, filesystem storage, in-process worker) through the
 * API: sessions and API tokens, pagination, a short training run watched over a token-authenticated
 * socket, cancel and retry.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Platform } from "@scfnccl/platform";
import { hasPbmc, writePbmcSubset } from "@scfnccl/engine/testing";
import { io as connect } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, eq } from "@scfnccl/db";
import { startEmbeddedHarness, type EmbeddedHarness } from "./support/harness.ts";

let h: EmbeddedHarness;
let dir: string;
let platform: Platform;
let url: string;
let cookie = "";
let subset: Buffer;

async function gql<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { res, body: (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } };
}

beforeAll(async () => {
  h = await startEmbeddedHarness("api-embedded");
  ({ dir, platform, url } = h);
  if (hasPbmc) subset = await readFile(await writePbmcSubset(join(dir, "pbmc200.h5"), 200));
});

afterAll(async () => {
  await h?.stop();
});

describe.skipIf(!hasPbmc)("API on the embedded default (PGlite + filesystem + in-process worker)", () => {
  it("signs up with an httpOnly SameSite session cookie and signs out", async () => {
    const { res, body } = await gql<{ signUp: { user: { email: string; memberships: { role: string; team: { name: string } }[] } } }>(
      `mutation { signUp(input: { email: "Eve@Lab.org", password: "correct horse battery", name: "Eve", teamName: "Eve's lab" }) { user { email memberships { role team { name } } } errors { code } } }`,
    );
    // The payload is already answered as the new user.
    expect(body.data!.signUp.user).toEqual({ email: "eve@lab.org", memberships: [{ role: "OWNER", team: { name: "Eve's lab" } }] });
    const setCookie = res.headers.getSetCookie()[0]!;
    expect(setCookie).toMatch(/^scfnccl_session=[\w-]{40,};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    cookie = setCookie.split(";")[0]!;
    const stale = cookie;
    await gql(`mutation { signOut }`);
    cookie = stale;
    // A signed-out session is refused with a reason (not served anonymously), and the cookie cleared.
    const refused = await gql<{ viewer: null }>(`{ viewer { id } }`);
    expect(refused.res.status).toBe(401);
    expect(refused.body.errors![0]!.message).toMatch(/sign in again/);
    expect(refused.res.headers.getSetCookie()[0]).toMatch(/^scfnccl_session=;.*Max-Age=0/);
    cookie = "";
    const signIn = await gql<{ signIn: { user: { email: string } } }>(`mutation { signIn(email: "eve@lab.org", password: "correct horse battery") { user { email } errors { code } } }`);
    expect(signIn.body.data!.signIn.user.email).toBe("eve@lab.org");
    cookie = signIn.res.headers.getSetCookie()[0]!.split(";")[0]!;
  });

  it("signs up without a team when teamName is null or blank", async () => {
    for (const [email, teamName] of [["nul@lab.org", "null"], ["blank@lab.org", '"  "']]) {
      const { body } = await gql<{ signUp: { user: { memberships: unknown[] } | null; errors: unknown[] } }>(
        `mutation { signUp(input: { email: "${email}", password: "correct horse battery", name: "N", teamName: ${teamName} }) { user { memberships { role } } errors { code } } }`,
      );
      expect(body.data!.signUp).toEqual({ user: { memberships: [] }, errors: [] });
    }
  });

  it("pages datasets newest first with cursors", async () => {
    const teamId = (await gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).body.data!.teams[0]!.id;
    for (const name of ["one.h5", "two.h5", "three.h5"]) {
      const res = await fetch(`${url}/api/datasets?teamId=${teamId}&name=${name}&allowDuplicate=true`, { method: "POST", headers: { cookie }, body: new Blob([new Uint8Array(subset)]) });
      expect(res.status).toBe(201);
    }
    const page = (after?: string) =>
      gql<{ team: { datasets: { edges: { node: { name: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } }>(
        `query($t: ID!, $after: String) { team(id: $t) { datasets(first: 2, after: $after) { edges { node { name } } pageInfo { hasNextPage endCursor } } } }`,
        { t: teamId, after },
      );
    const p1 = (await page()).body.data!.team.datasets;
    expect(p1.edges.map((e) => e.node.name)).toEqual(["three.h5", "two.h5"]);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await page(p1.pageInfo.endCursor)).body.data!.team.datasets;
    expect(p2.edges.map((e) => e.node.name)).toEqual(["one.h5"]);
    expect(p2.pageInfo.hasNextPage).toBe(false);
    const bad = await page("garbage");
    expect(bad.body.errors![0]!.extensions?.code).toBe("INVALID_INPUT");
  });

  it("computes the QC of a dataset stored before QC existed on first read, and keeps it", async () => {
    const [row] = await platform.db.db.update(datasets).set({ qc: null }).returning();
    const q = () => gql<{ dataset: { qc: { countsPerCell: { histogram: { counts: number[] } }; genesPerCell: { max: number } } | null } }>(`query($id: ID!) { dataset(id: $id) { qc { countsPerCell { histogram { counts } } genesPerCell { max } } } }`, { id: row!.id });
    const first = (await q()).body.data!.dataset.qc!;
    expect(first.countsPerCell.histogram.counts.reduce((a, b) => a + b, 0)).toBe(200);
    const [stored] = await platform.db.db.select().from(datasets).where(eq(datasets.id, row!.id));
    expect(stored!.qc?.genesPerCell.max).toBe(first.genesPerCell.max);
  });

  it("trains through an API token (GraphQL and socket), then cancels and retries a run", async () => {
    const created = await gql<{ createApiToken: { secret: string; apiToken: { id: string; prefix: string } } }>(
      `mutation { createApiToken(name: "notebook") { secret apiToken { id prefix } errors { code } } }`,
    );
    const { secret, apiToken } = created.body.data!.createApiToken;
    expect(secret.startsWith(apiToken.prefix)).toBe(true);
    cookie = "";
    const bearer = { authorization: `Bearer ${secret}` };
    const teams = await gql<{ teams: { id: string; datasets: { edges: { node: { id: string } }[] } }[] }>(`{ teams { id datasets(first: 1) { edges { node { id } } } } }`, {}, bearer);
    const datasetId = teams.body.data!.teams[0]!.datasets.edges[0]!.node.id;

    const socket = connect(url, { transports: ["websocket"], auth: { token: secret }, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    await socket.emitWithAck("teams:refresh");
    const statuses: string[] = [];
    const epochs: number[] = [];
    socket.on("run.status", (e: { status: string }) => statuses.push(e.status));
    socket.on("run.progress", (e: { progress: { epoch: number } }) => epochs.push(e.progress.epoch));

    const run = await gql<{ createRun: { run: { id: string } } }>(
      `mutation($d: ID!) { createRun(input: { datasetId: $d, params: { epochs: 1 } }) { run { id } errors { code message } } }`,
      { d: datasetId },
      bearer,
    );
    const runId = run.body.data!.createRun.run.id;
    for (let i = 0; i < 600 && !statuses.includes("succeeded"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(statuses).toEqual(["queued", "running", "succeeded"]);
    // Progress comes per phase (loading, preprocessing: epoch 0; training; then embedding, UMAP, markers at the last epoch).
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
    expect(epochs.at(-1)).toBe(1);

    // A run cancelled while queued never trains; retried, it does.
    await h.stopWorker();
    const second = await gql<{ createRun: { run: { id: string } } }>(`mutation($d: ID!) { createRun(input: { datasetId: $d, params: { epochs: 1 } }) { run { id } errors { code } } }`, { d: datasetId }, bearer);
    const secondId = second.body.data!.createRun.run.id;
    const cancelled = await gql<{ cancelRun: { run: { status: string } } }>(`mutation($id: ID!) { cancelRun(id: $id) { run { status } errors { code } } }`, { id: secondId }, bearer);
    expect(cancelled.body.data!.cancelRun.run.status).toBe("CANCELLED");
    const retried = await gql<{ retryRun: { run: { status: string } } }>(`mutation($id: ID!) { retryRun(id: $id) { run { status } errors { code } } }`, { id: secondId }, bearer);
    expect(retried.body.data!.retryRun.run.status).toBe("QUEUED");
    await h.startWorker();
    let status = "";
    for (let i = 0; i < 600 && status !== "SUCCEEDED"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await gql<{ run: { status: string } }>(`query($id: ID!) { run(id: $id) { status } }`, { id: secondId }, bearer)).body.data!.run.status;
    }
    expect(status).toBe("SUCCEEDED");
    const compared = await gql<{ compareRuns: { id: string; metrics: { cells: number } }[] }>(`query($ids: [ID!]!) { compareRuns(ids: $ids) { id metrics { cells } } }`, { ids: [runId, secondId] }, bearer);
    expect(compared.body.data!.compareRuns.map((r) => r.metrics.cells)).toEqual([200, 200]);
    socket.disconnect();

    // A revoked token opens nothing: 401 with the reason, not an anonymous answer.
    await gql(`mutation($id: ID!) { revokeApiToken(id: $id) { deletedId } }`, { id: apiToken.id }, bearer);
    const revoked = await gql<{ viewer: null }>(`{ viewer { id } }`, {}, bearer);
    expect([revoked.res.status, revoked.body.errors![0]!.message]).toEqual([401, "the API token was revoked"]);
  });

  it("deletes a dataset with its runs and every stored object of them", async () => {
    const signIn = await gql(`mutation { signIn(email: "eve@lab.org", password: "correct horse battery") { errors { code } } }`);
    cookie = signIn.res.headers.getSetCookie()[0]!.split(";")[0]!;
    const { body } = await gql<{ teams: { datasets: { edges: { node: { id: string; name: string; runs: { edges: unknown[] } } }[] } }[] }>(
      `{ teams { datasets { edges { node { id name runs { edges { node { id } } } } } } } }`,
    );
    const withRuns = body.data!.teams[0]!.datasets.edges.map((e) => e.node).find((d) => d.runs.edges.length > 0)!;
    expect(withRuns.runs.edges).toHaveLength(2);
    expect((await platform.store.list("runs/")).length).toBeGreaterThan(0);
    const del = await gql<{ deleteDataset: { deletedId: string; errors: unknown[] } }>(`mutation($id: ID!) { deleteDataset(id: $id) { deletedId errors { code } } }`, { id: withRuns.id });
    expect(del.body.data!.deleteDataset).toEqual({ deletedId: withRuns.id, errors: [] });
    expect(await platform.store.list("runs/")).toEqual([]);
    expect((await platform.store.list("datasets/")).some((k) => k.includes(withRuns.id))).toBe(false);
    const again = await gql<{ dataset: null }>(`query($id: ID!) { dataset(id: $id) { id } }`, { id: withRuns.id });
    expect(again.body.errors![0]!.extensions?.code).toBe("NOT_FOUND");
  });

  it("serves health, readiness and Prometheus metrics", async () => {
    expect(await (await fetch(`${url}/healthz`)).text()).toBe("ok");
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/scfnccl_http_requests_total\{route="graphql",status="200"\} \d+/);
    expect(metrics).toMatch(/scfnccl_queue_depth \d+/);
  });
});
