/**
 * Bad input on every mutation gets a typed error and changes nothing: unknown ids, another team's
 * ids, invalid parameters, too little permission, a corrupt or oversized upload, an oversized
 * query. "Nothing" is checked on every table, the audit log, the queue and object storage.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { clusters, runs } from "@scfnccl/db";
import { hasPbmc, writePbmcSubset } from "@scfnccl/engine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, Client, startHarness, type Harness } from "./support/harness.ts";

let h: Harness;
let dir: string;
let subset: Buffer;
const alice = () => new Client(h.url);
let owner: Client; // Lab A owner
let ownerId: string;
let viewer: Client; // Lab A viewer
let other: Client; // Lab B owner
let teamA: string;
let teamB: string;
let datasetA: string;
let datasetB: string;
let runA: string;
let runB: string;
let annotationB: string;
const MISSING = "00000000-0000-4000-8000-000000000000";

const TABLES = ["users", "sessions", "api_tokens", "teams", "memberships", "team_invitations", "datasets", "runs", "artifacts", "clusters", "annotations", "votes", "comments", "audit_log"];

/** Row counts of every table, the queue's jobs and the stored objects, plus the runs' states. */
async function snapshot(): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const t of TABLES) out[t] = (await h.platform.db.sql.executeSql(`select count(*)::int as n from ${t}`, [])).rows[0]!["n"];
  out["jobs"] = (await h.platform.db.sql.executeSql("select count(*)::int as n from pgboss.job", [])).rows[0]!["n"];
  out["objects"] = await h.platform.store.list("");
  out["runStates"] = (await h.platform.db.db.select({ id: runs.id, status: runs.status, cancel: runs.cancelRequestedAt }).from(runs)).sort((a, b) => a.id.localeCompare(b.id));
  return out;
}

async function teamOf(c: Client): Promise<string> {
  const r = await c.gql<{ teams: { id: string }[] }>(`{ teams { id } }`);
  return r.data!.teams[0]!.id;
}

/** A finished run inserted as a worker would leave it (no training needed for these tests). */
async function finishedRun(teamId: string, datasetId: string, createdById: string): Promise<string> {
  const [r] = await h.platform.db.db
    .insert(runs)
    .values({ teamId, datasetId, createdById, method: "scfnccl", params: { epochs: 1 }, seed: 0, status: "succeeded", metrics: { acc: 0.5 }, finishedAt: new Date() })
    .returning();
  await h.platform.db.db.insert(clusters).values([0, 1].map((index) => ({ runId: r!.id, index, size: 150 })));
  return r!.id;
}

beforeAll(async () => {
  h = await startHarness({ worker: false, env: { MAX_UPLOAD_MB: "1", SIGNIN_FREE_FAILURES: "3", QUERY_MAX_DEPTH: "8", QUERY_MAX_COST: "3000" } });
  dir = await mkdtemp(join(tmpdir(), "api-errors-"));
  subset = hasPbmc ? await readFile(await writePbmcSubset(join(dir, "pbmc100.h5"), 100)) : Buffer.alloc(0);
  owner = alice();
  viewer = alice();
  other = alice();
  ownerId = await owner.signUp("owner@lab-a.org", "Owner", "Lab A");
  await viewer.signUp("viewer@lab-a.org", "Viewer");
  const otherId = await other.signUp("owner@lab-b.org", "Other", "Lab B");
  teamA = await teamOf(owner);
  teamB = await teamOf(other);
  await addMember(owner, viewer, teamA, "viewer@lab-a.org", "VIEWER");
  if (!hasPbmc) return;
  datasetA = ((await owner.upload(teamA, "a.h5", subset)).json["dataset"] as { id: string }).id;
  datasetB = ((await other.upload(teamB, "b.h5", subset)).json["dataset"] as { id: string }).id;
  runA = await finishedRun(teamA, datasetA, ownerId);
  runB = await finishedRun(teamB, datasetB, otherId);
  const ann = await other.mutate("proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: "T cell" }) { proposal { id } errors { code } } }`, { r: runB });
  annotationB = (ann["proposal"] as { id: string }).id;
});

afterAll(async () => {
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Case = [name: string, field: string, mutation: string, vars: () => Record<string, unknown>, code: string, as?: () => Client];

const createRun = `mutation($input: CreateRunInput!) { createRun(input: $input) { run { id } errors { code message field } } }`;
const cases: Case[] = [
  ["createRun: unknown dataset", "createRun", createRun, () => ({ input: { datasetId: MISSING } }), "NOT_FOUND"],
  ["createRun: malformed id", "createRun", createRun, () => ({ input: { datasetId: "not-an-id" } }), "NOT_FOUND"],
  ["createRun: another team's dataset", "createRun", createRun, () => ({ input: { datasetId: datasetB } }), "NOT_FOUND"],
  ["createRun: epochs out of range", "createRun", createRun, () => ({ input: { datasetId: datasetA, params: { epochs: 0 } } }), "INVALID_INPUT"],
  ["createRun: k above the cell count", "createRun", createRun, () => ({ input: { datasetId: datasetA, params: { k: 500 } } }), "INVALID_INPUT"],
  ["createRun: unknown method", "createRun", createRun, () => ({ input: { datasetId: datasetA, method: "kmeans++" } }), "INVALID_INPUT"],
  ["createRun: a training setting for a method that does not train", "createRun", createRun, () => ({ input: { datasetId: datasetA, method: "seurat", params: { epochs: 5 } } }), "INVALID_INPUT"],
  ["createRun: phi for sccl, which pins it (plain NT-Xent)", "createRun", createRun, () => ({ input: { datasetId: datasetA, method: "sccl", params: { phi: 0.9 } } }), "INVALID_INPUT"],
  ["createRun: a resolution for k-means", "createRun", createRun, () => ({ input: { datasetId: datasetA, method: "kmeans", params: { k: 3, resolution: 1 } } }), "INVALID_INPUT"],
  ["createRun: negative seed", "createRun", createRun, () => ({ input: { datasetId: datasetA, seed: -1 } }), "INVALID_INPUT"],
  ["createRun: a viewer may not train", "createRun", createRun, () => ({ input: { datasetId: datasetA } }), "FORBIDDEN", () => viewer],
  ["cancelRun: unknown run", "cancelRun", `mutation($id: ID!) { cancelRun(id: $id) { run { id } errors { code } } }`, () => ({ id: MISSING }), "NOT_FOUND"],
  ["cancelRun: another team's run", "cancelRun", `mutation($id: ID!) { cancelRun(id: $id) { run { id } errors { code } } }`, () => ({ id: runB }), "NOT_FOUND"],
  ["cancelRun: a finished run", "cancelRun", `mutation($id: ID!) { cancelRun(id: $id) { run { id } errors { code } } }`, () => ({ id: runA }), "CONFLICT"],
  ["retryRun: a succeeded run", "retryRun", `mutation($id: ID!) { retryRun(id: $id) { run { id } errors { code } } }`, () => ({ id: runA }), "CONFLICT"],
  ["retryRun: another team's run", "retryRun", `mutation($id: ID!) { retryRun(id: $id) { run { id } errors { code } } }`, () => ({ id: runB }), "NOT_FOUND"],
  ["deleteDataset: another team's", "deleteDataset", `mutation($id: ID!) { deleteDataset(id: $id) { deletedId errors { code } } }`, () => ({ id: datasetB }), "NOT_FOUND"],
  ["deleteDataset: a viewer may not delete", "deleteDataset", `mutation($id: ID!) { deleteDataset(id: $id) { deletedId errors { code } } }`, () => ({ id: datasetA }), "FORBIDDEN", () => viewer],
  ["proposeLabel: no such cluster", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 7, expectedVersion: 0, label: "B" }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["proposeLabel: empty label", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: "  " }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["proposeLabel: a bad Cell Ontology id", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: "B cell", ontologyId: "CL:12" }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["proposeLabel: an obsolete Cell Ontology id", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, label: "cell", ontologyId: "CL:0000003" }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["proposeLabel: a gene the dataset lacks", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, label: "B cell", markerGenes: ["NOTAGENE"] }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["proposeLabel: another team's run", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: "B" }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runB }), "NOT_FOUND"],
  ["proposeLabel: a viewer may not propose", "proposeLabel", `mutation($r: ID!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: "B" }) { proposal { id } cluster { version } errors { code } } }`, () => ({ r: runA }), "FORBIDDEN", () => viewer],
  ["voteProposal: another team's proposal", "voteProposal", `mutation($id: ID!) { voteProposal(input: { proposalId: $id, value: AGREE }) { proposal { id } errors { code } } }`, () => ({ id: annotationB }), "NOT_FOUND"],
  ["voteProposal: disagreeing without a reason", "voteProposal", `mutation($id: ID!) { voteProposal(input: { proposalId: $id, value: DISAGREE }) { proposal { id } errors { code } } }`, () => ({ id: annotationB }), "INVALID_INPUT", () => other],
  ["acceptProposal: another team's proposal", "acceptProposal", `mutation($id: ID!) { acceptProposal(proposalId: $id, expectedVersion: 1) { proposal { id } errors { code } } }`, () => ({ id: annotationB }), "NOT_FOUND"],
  ["commentCluster: another team's run", "commentCluster", `mutation($r: ID!) { commentCluster(input: { runId: $r, clusterIndex: 0, body: "hi" }) { comment { id } errors { code } } }`, () => ({ r: runB }), "NOT_FOUND"],
  ["importCas: not a CAS document", "importCas", `mutation($r: ID!) { importCas(input: { runId: $r, document: { title: "x" } }) { entries { imported } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["importCas: another team's run", "importCas", `mutation($r: ID!) { importCas(input: { runId: $r, document: {} }) { entries { imported } errors { code } } }`, () => ({ r: runB }), "NOT_FOUND"],
  ["adoptSuggestion: another team's run", "adoptSuggestion", `mutation($r: ID!) { adoptSuggestion(input: { runId: $r, clusterIndex: 0, cellTypeId: "CL:0000236" }) { proposal { id } errors { code } } }`, () => ({ r: runB }), "NOT_FOUND"],
  ["adoptSuggestion: an obsolete term", "adoptSuggestion", `mutation($r: ID!) { adoptSuggestion(input: { runId: $r, clusterIndex: 0, cellTypeId: "CL:0000003" }) { proposal { id } errors { code } } }`, () => ({ r: runA }), "INVALID_INPUT"],
  ["copyLabels: another team's run", "copyLabels", `mutation($a: ID!, $b: ID!) { copyLabels(input: { fromRunId: $a, toRunId: $b }) { mappings { copied } errors { code } } }`, () => ({ a: runA, b: runB }), "NOT_FOUND"],
  ["setTeamMember: another team", "setTeamMember", `mutation($t: ID!) { setTeamMember(teamId: $t, email: "owner@lab-a.org", role: OWNER) { membership { role } errors { code } } }`, () => ({ t: teamB }), "NOT_FOUND"],
  ["setTeamMember: no such account", "setTeamMember", `mutation($t: ID!) { setTeamMember(teamId: $t, email: "nobody@x.org", role: EDITOR) { membership { role } errors { code } } }`, () => ({ t: teamA }), "NOT_FOUND"],
  ["setTeamMember: a viewer may not manage", "setTeamMember", `mutation($t: ID!) { setTeamMember(teamId: $t, email: "viewer@lab-a.org", role: OWNER) { membership { role } errors { code } } }`, () => ({ t: teamA }), "FORBIDDEN", () => viewer],
  ["setTeamMember: an account that is not a member (no adding without consent)", "setTeamMember", `mutation($t: ID!) { setTeamMember(teamId: $t, email: "owner@lab-b.org", role: EDITOR) { membership { role } errors { code } } }`, () => ({ t: teamA }), "NOT_FOUND"],
  ["inviteTeamMember: another team", "inviteTeamMember", `mutation($t: ID!) { inviteTeamMember(teamId: $t, email: "x@lab.org", role: EDITOR) { invitation { id } errors { code } } }`, () => ({ t: teamB }), "NOT_FOUND"],
  ["inviteTeamMember: a viewer may not invite", "inviteTeamMember", `mutation($t: ID!) { inviteTeamMember(teamId: $t, email: "x@lab.org", role: EDITOR) { invitation { id } errors { code } } }`, () => ({ t: teamA }), "FORBIDDEN", () => viewer],
  ["inviteTeamMember: not an e-mail address", "inviteTeamMember", `mutation($t: ID!) { inviteTeamMember(teamId: $t, email: "not-an-address", role: EDITOR) { invitation { id } errors { code field } } }`, () => ({ t: teamA }), "INVALID_INPUT"],
  ["inviteTeamMember: already a member", "inviteTeamMember", `mutation($t: ID!) { inviteTeamMember(teamId: $t, email: "viewer@lab-a.org", role: EDITOR) { invitation { id } errors { code } } }`, () => ({ t: teamA }), "CONFLICT"],
  ["acceptInvitation: unknown invitation", "acceptInvitation", `mutation($id: ID!) { acceptInvitation(id: $id) { membership { role } errors { code } } }`, () => ({ id: MISSING }), "NOT_FOUND"],
  ["declineInvitation: not an id", "declineInvitation", `mutation($id: ID!) { declineInvitation(id: $id) { deletedId errors { code } } }`, () => ({ id: "nope" }), "NOT_FOUND"],
  ["revokeInvitation: unknown invitation", "revokeInvitation", `mutation($id: ID!) { revokeInvitation(id: $id) { deletedId errors { code } } }`, () => ({ id: MISSING }), "NOT_FOUND"],
  ["removeTeamMember: another team", "removeTeamMember", `mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) { deletedId errors { code } } }`, () => ({ t: teamB, u: MISSING }), "NOT_FOUND"],
  ["removeTeamMember: the last owner leaving", "removeTeamMember", `mutation($t: ID!, $u: ID!) { removeTeamMember(teamId: $t, userId: $u) { deletedId errors { code } } }`, () => ({ t: teamA, u: ownerId }), "CONFLICT"],
  ["setTeamMember: the last owner stepping down", "setTeamMember", `mutation($t: ID!) { setTeamMember(teamId: $t, email: "owner@lab-a.org", role: EDITOR) { membership { role } errors { code } } }`, () => ({ t: teamA }), "CONFLICT"],
  ["revokeApiToken: unknown token", "revokeApiToken", `mutation($id: ID!) { revokeApiToken(id: $id) { deletedId errors { code } } }`, () => ({ id: MISSING }), "NOT_FOUND"],
  ["createTeam: empty name", "createTeam", `mutation { createTeam(name: "") { team { id } errors { code field } } }`, () => ({}), "INVALID_INPUT"],
  ["signUp: existing e-mail", "signUp", `mutation { signUp(input: { email: "OWNER@lab-a.org", password: "another long one", name: "X" }) { user { id } errors { code } } }`, () => ({}), "CONFLICT", () => alice()],
  ["signUp: a common password (1234567890)", "signUp", `mutation { signUp(input: { email: "weak1@x.org", password: "1234567890", name: "X" }) { user { id } errors { code field } } }`, () => ({}), "INVALID_INPUT", () => alice()],
  ["signUp: a common password (password12)", "signUp", `mutation { signUp(input: { email: "weak2@x.org", password: "password12", name: "X" }) { user { id } errors { code field } } }`, () => ({}), "INVALID_INPUT", () => alice()],
  ["changePassword: a common new password", "changePassword", `mutation { changePassword(currentPassword: "correct horse battery", newPassword: "password12") { user { id } errors { code field } } }`, () => ({}), "INVALID_INPUT"],
  ["changePassword: signed out", "changePassword", `mutation { changePassword(currentPassword: "correct horse battery", newPassword: "a much better passphrase") { user { id } errors { code } } }`, () => ({}), "UNAUTHENTICATED", () => alice()],
  ["signUp: short password", "signUp", `mutation { signUp(input: { email: "new@x.org", password: "short", name: "X" }) { user { id } errors { code field } } }`, () => ({}), "INVALID_INPUT", () => alice()],
  ["createApiToken: signed out", "createApiToken", `mutation { createApiToken(name: "ci") { secret errors { code } } }`, () => ({}), "UNAUTHENTICATED", () => alice()],
];

describe.skipIf(!hasPbmc)("bad input on mutations (PostgreSQL + S3)", () => {
  it.each(cases)("%s → typed error, nothing changed", async (_name, field, mutation, vars, code, as) => {
    const before = await snapshot();
    const p = await (as?.() ?? owner).mutate(field, mutation, vars());
    expect(p.errors.map((e) => e.code)).toEqual([code]);
    expect(await snapshot()).toEqual(before);
  });

  it("a corrupt upload is INVALID_DATASET naming the file, and stores nothing", async () => {
    const before = await snapshot();
    const truncated = subset.subarray(0, 4000);
    for (const body of [Buffer.from([0x00, 0x9c, 0xff, 0x13, 0x00, 0x42]), truncated]) {
      const up = await owner.upload(teamA, "broken.h5", body);
      expect(up.status).toBe(422);
      const errors = up.json["errors"] as { code: string; message: string }[];
      expect(errors[0]!.code).toBe("INVALID_DATASET");
      expect(errors[0]!.message).toMatch(/^broken\.h5: /);
    }
    expect((await owner.upload(teamA, "empty.h5", Buffer.alloc(0))).status).toBe(422);
    expect(await snapshot()).toEqual(before);
  });

  it("an upload over the size limit is refused (413) and stores nothing", async () => {
    const before = await snapshot();
    const up = await owner.upload(teamA, "big.h5", Buffer.alloc(1024 * 1024 + 10));
    expect(up.status).toBe(413);
    expect((up.json["errors"] as { code: string }[])[0]!.code).toBe("PAYLOAD_TOO_LARGE");
    expect(await snapshot()).toEqual(before);
  });

  it("uploads need a signed-in editor of an existing team and a valid name", async () => {
    const before = await snapshot();
    expect((await alice().upload(teamA, "x.h5", subset)).status).toBe(401);
    expect((await viewer.upload(teamA, "x.h5", subset)).status).toBe(403);
    expect((await owner.upload(MISSING, "x.h5", subset)).status).toBe(404);
    expect((await owner.upload(teamA, "../x.h5", subset)).status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a too deep, too costly or too large query before running it", async () => {
    const before = await snapshot();
    const deep = await owner.gql(`{ teams { datasets { edges { node { runs { edges { node { dataset { team { datasets { edges { node { id } } } } } } } } } } } } }`);
    expect(deep.status).toBe(400);
    expect(deep.errors![0]!.message).toMatch(/too deep: depth \d+ exceeds 8/);
    expect(deep.data).toBeUndefined();
    const costly = await owner.gql(`{ teams { datasets(first: 100) { edges { node { runs(first: 100) { edges { node { id status seed } } } } } } } }`);
    expect(costly.errors![0]!.message).toMatch(/too expensive: cost \d+ exceeds 3000/);
    const huge = await owner.gql(`{ viewer { id ${"name ".repeat(20_000)} } }`);
    expect(huge.status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it("makes an account wait after repeated wrong passwords from one address", async () => {
    const c = alice();
    const signIn = (password: string) =>
      c.mutate("signIn", `mutation($p: String!) { signIn(email: "owner@lab-b.org", password: $p) { user { id } errors { code } } }`, { p: password });
    for (let i = 0; i < 3; i++) expect((await signIn("wrong password")).errors.map((e) => e.code)).toEqual(["UNAUTHENTICATED"]);
    expect((await signIn("correct horse battery")).errors.map((e) => e.code)).toEqual(["RATE_LIMITED"]);
    expect(c.cookie).toBe("");
  });

  it("queries of unknown or foreign ids are NOT_FOUND", async () => {
    for (const id of [MISSING, "nope", runB]) {
      const r = await owner.gql(`query($id: ID!) { run(id: $id) { id } }`, { id });
      expect(r.errors!.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    }
  });
});
