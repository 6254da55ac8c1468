/**
 * copyLabels racing acceptProposal and itself on PostgreSQL (row locks, real concurrency): every
 * call told it succeeded is in the final state and the audit log, and no accepted label is replaced
 * silently. Before the fix, 10 parallel copies made 34 proposals on 8 clusters and switched the
 * accepted proposal 26 times; 3 of 8 acknowledged acceptances were replaced.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { annotations, artifacts, auditLog, clusters, createDb, datasets, eq, memberships, runs, teams, users, type DbClient } from "@scfnccl/db";
import { createTempDatabase, type TempDatabase } from "@scfnccl/db/testing";
import { encodeCellsFile } from "@scfnccl/platform/cells";
import { createFilesystemStore, type ObjectStore } from "@scfnccl/storage";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContext, type Deps } from "../context.ts";
import { AppError } from "../errors.ts";
import { readEnv } from "../env.ts";
import { acceptProposal, copyLabels, proposeLabel } from "./annotations.ts";

const K = 8;
const ROUNDS = 100;
let temp: TempDatabase;
let dir: string;
let db: DbClient;
let store: ObjectStore;
let deps: Deps;
let teamId: string;
let datasetId: string;
const editors: string[] = [];
const ctxOf = (userId: string) => createContext(deps, { viewer: { userId }, log: deps.log, clientAddress: "test" });

/** A finished run with K clusters of 3 cells each (the same cells in every run). */
async function addRun(seed: number): Promise<string> {
  const cellClusters = Array.from({ length: 3 * K }, (_, i) => i % K);
  const n = cellClusters.length;
  const [r] = await db.db.insert(runs).values({ teamId, datasetId, createdById: editors[0]!, method: "scfnccl", params: {}, seed, status: "succeeded" }).returning();
  await db.db.insert(clusters).values(Array.from({ length: K }, (_, index) => ({ runId: r!.id, index, size: 3 })));
  const body = encodeCellsFile({ k: K, umap: new Float32Array(2 * n), cluster: Int32Array.from(cellClusters), cell: Int32Array.from({ length: n }, (_, i) => i), labels: null, labelKey: null });
  const put = await store.put(`runs/${r!.id}/umap.bin`, body);
  await db.db.insert(artifacts).values({ runId: r!.id, kind: "umap", storageKey: put.key, contentType: "application/octet-stream", sizeBytes: put.sizeBytes, checksum: put.sha256 });
  return r!.id;
}

beforeAll(async () => {
  temp = await createTempDatabase("scfnccl_race");
  dir = await mkdtemp(join(tmpdir(), "race-test-"));
  db = await createDb({ url: temp.url, poolSize: 12 });
  await db.migrate();
  store = createFilesystemStore(join(dir, "objects"));
  deps = { db, store, boss: null as never, env: readEnv({ LOG_LEVEL: "silent" }), log: pino({ level: "silent" }), limits: null as never, clientAddress: () => "test" };
  const [t] = await db.db.insert(teams).values({ name: "lab" }).returning();
  teamId = t!.id;
  for (let i = 0; i < 10; i++) {
    const [u] = await db.db.insert(users).values({ email: `e${i}@lab.org`, name: `editor ${i}`, passwordHash: "x" }).returning();
    editors.push(u!.id);
    await db.db.insert(memberships).values({ teamId, userId: u!.id, role: "editor" });
  }
  const [d] = await db.db
    .insert(datasets)
    .values({ teamId, name: "d.h5", format: "csv", cells: 3 * K, genes: 1, checksum: "0", sizeBytes: 1, storageKey: "datasets/x", uploaderId: editors[0]! })
    .returning();
  datasetId = d!.id;
});

afterAll(async () => {
  await db?.close();
  await temp?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe("copyLabels against acceptProposal on PostgreSQL", () => {
  it(`${ROUNDS} rounds of parallel copyLabels(accept: true) and acceptProposal: every success is in the final state and the audit log, 0 silent replacements`, async () => {
    const source = await addRun(0);
    for (let c = 0; c < K; c++) {
      const { result: p, cluster } = await proposeLabel(ctxOf(editors[0]!), { runId: source, clusterIndex: c, expectedVersion: 0, label: `type ${c}` });
      await acceptProposal(ctxOf(editors[0]!), p.id, cluster!.version);
    }
    let silentReplacements = 0;
    let acceptsOk = 0;
    let conflicts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const target = await addRun(round + 1);
      // Each of 4 users has a proposal of their own on a cluster, and accepts it while 4 copies run.
      const mine = await Promise.all(
        [0, 1, 2, 3].map(async (c) => {
          const { result, cluster } = await proposeLabel(ctxOf(editors[c]!), { runId: target, clusterIndex: c * 2, expectedVersion: 0, label: `manual ${c}` });
          return { clusterIndex: c * 2, proposalId: result.id, version: cluster!.version };
        }),
      );
      const outcomes = await Promise.allSettled([
        ...mine.map((m, i) => acceptProposal(ctxOf(editors[i]!), m.proposalId, m.version).then(() => ({ accepted: m }))),
        ...[4, 5, 6, 7].map((u) => copyLabels(ctxOf(editors[u]!), { fromRunId: source, toRunId: target, accept: true }).then((r) => ({ copy: r }))),
      ]);
      for (const o of outcomes) if (o.status === "rejected" && !(o.reason instanceof AppError && o.reason.code === "CONFLICT")) throw o.reason;
      const final = await db.db.select().from(clusters).where(eq(clusters.runId, target));
      const proposals = await db.db.select().from(annotations).where(eq(annotations.runId, target));
      for (const o of outcomes) {
        if (o.status === "rejected") {
          conflicts++;
          continue;
        }
        const v = o.value;
        if ("accepted" in v) {
          acceptsOk++;
          // Told it succeeded: still the accepted label now.
          const row = final.find((c) => c.index === v.accepted.clusterIndex)!;
          if (row.acceptedProposalId !== v.accepted.proposalId) silentReplacements++;
        }
      }
      // One copied proposal per cluster however many copies ran (no duplicates).
      for (let c = 0; c < K; c++) expect(proposals.filter((p) => p.clusterIndex === c && p.cellType === `type ${c}`)).toHaveLength(1);
      // Every write acknowledged by a copy or an acceptance is in the audit log.
      const audit = await db.db.select().from(auditLog).where(eq(auditLog.teamId, teamId));
      const logged = new Set(audit.filter((a) => a.targetId?.startsWith(`${target}:`)).map((a) => (a.data as { proposalId?: string }).proposalId));
      for (const p of proposals) expect(logged.has(p.id)).toBe(true);
      for (const o of outcomes) if (o.status === "fulfilled" && "copy" in o.value) for (const m of o.value.copy.mappings) if (m.copied) expect(proposals.some((p) => p.id === m.proposal!.id)).toBe(true);
      // The accepted label of each cluster is the last accept the audit log records for it.
      for (const row of final) {
        type Entry = { after: { cluster: { version: number; acceptedProposalId: string | null } } };
        const accepts = audit
          .filter((a) => a.targetId === `${target}:${row.index}`)
          .map((a) => (a.data as Entry).after.cluster)
          .sort((x, y) => x.version - y.version)
          .map((c) => c.acceptedProposalId);
        expect(row.acceptedProposalId).toBe(accepts.at(-1) ?? null);
      }
    }
    expect({ silentReplacements, acceptsOk: acceptsOk > 0, conflictsOrOk: acceptsOk + conflicts }).toEqual({ silentReplacements: 0, acceptsOk: true, conflictsOrOk: 4 * ROUNDS });
  }, 600_000);
});
