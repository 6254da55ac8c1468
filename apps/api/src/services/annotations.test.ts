/**
 * The annotation rules at the service level, on an in-memory PGlite database: who may do what,
 * status transitions, optimistic concurrency, the audit trail, bad input, copying labels.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { validateCas } from "@scfnccl/annotation";
import { pp } from "@scfnccl/engine";
import { and, annotations, artifacts, auditLog, cellSets, clusters, comments, createDb, datasets, eq, memberships, runs, teams, users, votes, type DbClient, type MarkerGene, type Role } from "@scfnccl/db";
import { createFilesystemStore, type ObjectStore } from "@scfnccl/storage";
import { subscribeEvents, type PlatformEvent } from "@scfnccl/platform";
import { encodeCellsFile } from "@scfnccl/platform/cells";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createContext, type Deps, type RequestContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { readEnv } from "../env.ts";
import { acceptProposal, adoptSuggestion, AnnotationConflict, clusterHistory, commentCluster, copyLabels, proposeLabel, reviseProposal, subjectHistory, viewerAcceptGuard, voteProposal } from "./annotations.ts";
import { importCas, labelCorrespondence, runCas, runComposition } from "./casExchange.ts";
import { storeDerived } from "./cellData.ts";
import { createCellSet, suggestionsForCellSet } from "./cellSets.ts";
import { suggestionsForCluster } from "./cellTypes.ts";

/** The test dataset's genes: B-cell, T-cell and monocyte markers and a housekeeping gene. */
const GENES = ["MS4A1", "CD79A", "CD79B", "CD19", "CD3E", "CD3D", "CD14", "LYZ", "ACTB"];

let dir: string;
let db: DbClient;
let store: ObjectStore;
let deps: Deps;
const events: PlatformEvent[] = [];
const user: Record<"owner" | "editor" | "editor2" | "viewer" | "outsider", string> = { owner: "", editor: "", editor2: "", viewer: "", outsider: "" };
let teamId: string;
let datasetId: string;
let runId: string;

const ctxOf = (who: keyof typeof user): RequestContext => createContext(deps, { viewer: { userId: user[who] }, log: deps.log, clientAddress: "test" });

/** The AppError a call fails with (the test fails if it succeeds). */
async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected the call to fail");
}

/** Every row of every annotation table, to show a refused call changed nothing. */
async function snapshot() {
  const d = db.db;
  return {
    clusters: await d.select().from(clusters).orderBy(clusters.runId, clusters.index),
    proposals: await d.select().from(annotations).orderBy(annotations.id),
    votes: await d.select().from(votes).orderBy(votes.annotationId, votes.userId),
    comments: await d.select().from(comments).orderBy(comments.id),
    audit: (await d.select().from(auditLog)).length,
  };
}

async function addRun(cellClusters: number[], seed: number): Promise<string> {
  const k = Math.max(...cellClusters) + 1;
  const [r] = await db.db.insert(runs).values({ teamId, datasetId, createdById: user.owner, method: "scfnccl", params: {}, seed, status: "succeeded" }).returning();
  await db.db.insert(clusters).values(Array.from({ length: k }, (_, index) => ({ runId: r!.id, index, size: cellClusters.filter((c) => c === index).length })));
  const n = cellClusters.length;
  const body = encodeCellsFile({ k, umap: new Float32Array(2 * n), cluster: Int32Array.from(cellClusters), cell: Int32Array.from({ length: n }, (_, i) => i), labels: null, labelKey: null });
  const put = await store.put(`runs/${r!.id}/umap.bin`, body);
  await db.db.insert(artifacts).values({ runId: r!.id, kind: "umap", storageKey: put.key, contentType: "application/octet-stream", sizeBytes: put.sizeBytes, checksum: put.sha256 });
  const csv = `cell,cluster\n${cellClusters.map((c, i) => `cell${i},${c}`).join("\n")}\n`;
  const putCsv = await store.put(`runs/${r!.id}/clusters.csv`, Buffer.from(csv));
  await db.db.insert(artifacts).values({ runId: r!.id, kind: "clusters", storageKey: putCsv.key, contentType: "text/csv", sizeBytes: putCsv.sizeBytes, checksum: putCsv.sha256 });
  return r!.id;
}

async function clusterRow(run: string, index: number) {
  return (await db.db.select().from(clusters).where(eq(clusters.runId, run))).find((x) => x.index === index)!;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "annotations-test-"));
  db = await createDb();
  await db.migrate();
  store = createFilesystemStore(join(dir, "objects"));
  const log = pino({ level: "silent" });
  deps = { db, store, boss: null as never, env: readEnv({ LOG_LEVEL: "silent" }), log, limits: null as never, clientAddress: () => "test" };
  await subscribeEvents(db, (e) => events.push(e));
  for (const name of Object.keys(user) as (keyof typeof user)[]) {
    const [u] = await db.db.insert(users).values({ email: `${name}@lab.org`, name, passwordHash: "x" }).returning();
    user[name] = u!.id;
  }
  const [t] = await db.db.insert(teams).values({ name: "lab" }).returning();
  const [other] = await db.db.insert(teams).values({ name: "elsewhere" }).returning();
  teamId = t!.id;
  const roles: [keyof typeof user, Role][] = [
    ["owner", "owner"],
    ["editor", "editor"],
    ["editor2", "editor"],
    ["viewer", "viewer"],
  ];
  await db.db.insert(memberships).values(roles.map(([u, role]) => ({ teamId, userId: user[u], role })));
  await db.db.insert(memberships).values({ teamId: other!.id, userId: user.outsider, role: "owner" });
  const [d] = await db.db
    .insert(datasets)
    .values({ teamId, name: "d.h5", format: "csv", cells: 12, genes: GENES.length, checksum: "0", sizeBytes: 1, storageKey: "datasets/x", uploaderId: user.owner, organism: "human", geneNameColumn: "gene_symbols" })
    .returning();
  datasetId = d!.id;
  // The dataset's derived files (gene names, expression by gene), as an upload stores them: cells
  // 0–3 express the B-cell markers, 4–7 the T-cell ones, 8–11 the monocyte ones; ACTB everywhere.
  const expressed = [["MS4A1", "CD79A", "CD79B", "CD19"], ["CD3E", "CD3D"], ["CD14", "LYZ"]];
  const dense = Array.from({ length: 12 }, (_, cell) => GENES.map((g, j) => (g === "ACTB" ? 5 : expressed[Math.floor(cell / 4)]!.includes(g) ? 8 + ((cell + j) % 3) : 0))).flat();
  await storeDerived(store, datasetId, {
    counts: pp.csrFromDense(dense, 12, GENES.length),
    cells: Array.from({ length: 12 }, (_, i) => `cell${i}`),
    genes: GENES.map((_, i) => `ENSG${String(i).padStart(11, "0")}`),
    geneColumns: { gene_symbols: GENES },
    geneNameColumn: "gene_symbols",
    source: "test",
  });
});

afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  runId = await addRun([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], 0);
});

const propose = (who: keyof typeof user, extra: Record<string, unknown> = {}, clusterIndex = 0) =>
  proposeLabel(ctxOf(who), { runId, clusterIndex, expectedVersion: 0, label: "B cell", ontologyId: "CL:0000236", evidence: "MS4A1, CD79A high", markerGenes: ["MS4A1", "CD79A"], ...extra });

describe("annotation authorization by role", () => {
  it("lets editors propose and accept; viewers may vote and comment but not propose, revise or accept", async () => {
    const viewerPropose = await failure(propose("viewer"));
    expect(viewerPropose.code).toBe("FORBIDDEN");
    const { result: p, cluster } = await propose("editor");
    expect(cluster).toMatchObject({ status: "proposed", version: 1 });
    await voteProposal(ctxOf("viewer"), { proposalId: p.id, value: 1 });
    await commentCluster(ctxOf("viewer"), { runId, clusterIndex: 0, body: "agree: MS4A1 is clear" });
    expect((await failure(acceptProposal(ctxOf("viewer"), p.id, 3))).code).toBe("FORBIDDEN");
    expect((await failure(reviseProposal(ctxOf("viewer"), { proposalId: p.id, expectedVersion: 3, label: "T cell" }))).code).toBe("FORBIDDEN");
    const accepted = await acceptProposal(ctxOf("editor2"), p.id, 3);
    expect(accepted.cluster).toMatchObject({ status: "accepted", acceptedProposalId: p.id, version: 4 });
  });

  it("lets only the author or an owner revise a proposal", async () => {
    const { result: p } = await propose("editor");
    expect((await failure(reviseProposal(ctxOf("editor2"), { proposalId: p.id, expectedVersion: 1, label: "T cell" }))).code).toBe("FORBIDDEN");
    const byOwner = await reviseProposal(ctxOf("owner"), { proposalId: p.id, expectedVersion: 1, label: "naive B cell" });
    expect(byOwner.result).toMatchObject({ cellType: "naive B cell", revision: 2, ontologyId: "CL:0000236" });
  });

  it("answers NOT_FOUND to another team, for the run and for a proposal", async () => {
    const { result: p } = await propose("editor");
    const before = await snapshot();
    expect((await failure(proposeLabel(ctxOf("outsider"), { runId, clusterIndex: 0, expectedVersion: 1, label: "x" }))).code).toBe("NOT_FOUND");
    expect((await failure(voteProposal(ctxOf("outsider"), { proposalId: p.id, value: 1 }))).code).toBe("NOT_FOUND");
    expect((await failure(acceptProposal(ctxOf("outsider"), p.id, 1))).code).toBe("NOT_FOUND");
    expect((await failure(clusterHistory(ctxOf("outsider"), { runId, index: 0 }, 10))).code).toBe("NOT_FOUND");
    expect(await snapshot()).toEqual(before);
  });
});

describe("annotation status", () => {
  it("goes open → proposed → disputed → proposed (revised) → accepted, and back to proposed when the accepted text is revised", async () => {
    expect((await clusterRow(runId, 0)).status).toBe("open");
    const { result: p } = await propose("editor", { label: "T cell", ontologyId: "CL:0000084" });
    const disagree = await voteProposal(ctxOf("editor2"), { proposalId: p.id, value: -1, reason: "CD3E is absent; MS4A1 is high" });
    expect(disagree.cluster!.status).toBe("disputed");
    await commentCluster(ctxOf("editor2"), { runId, clusterIndex: 0, body: "Look at MS4A1", proposalId: p.id });
    // A revision clears the votes cast on the earlier label.
    const revised = await reviseProposal(ctxOf("editor"), { proposalId: p.id, expectedVersion: 3, label: "B cell", ontologyId: "CL:0000236" });
    expect(revised.cluster!.status).toBe("proposed");
    expect(await db.db.select().from(votes).where(eq(votes.annotationId, p.id))).toEqual([]);
    const agree = await voteProposal(ctxOf("editor2"), { proposalId: p.id, value: 1 });
    expect(agree.cluster).toMatchObject({ status: "proposed", version: 5 });
    const accepted = await acceptProposal(ctxOf("owner"), p.id, 5);
    expect(accepted.cluster!.status).toBe("accepted");
    const again = await reviseProposal(ctxOf("editor"), { proposalId: p.id, expectedVersion: 6, evidence: "also CD19" });
    expect(again.cluster).toMatchObject({ status: "proposed", acceptedProposalId: null });
  });

  it("is disputed only while every proposal has more disagree than agree votes; a re-vote replaces the vote", async () => {
    const { result: a } = await propose("editor", { label: "NK cell", ontologyId: null });
    await voteProposal(ctxOf("viewer"), { proposalId: a.id, value: -1, reason: "no NKG7" });
    const { result: b, cluster } = await proposeLabel(ctxOf("editor2"), { runId, clusterIndex: 0, expectedVersion: 2, label: "B cell" });
    expect(cluster!.status).toBe("proposed");
    const d = await voteProposal(ctxOf("viewer"), { proposalId: b.id, value: -1, reason: "too vague" });
    expect(d.cluster!.status).toBe("disputed");
    const r = await voteProposal(ctxOf("viewer"), { proposalId: b.id, value: 1 });
    expect(r.cluster!.status).toBe("proposed");
    expect(await db.db.select().from(votes).where(eq(votes.annotationId, b.id))).toHaveLength(1);
  });
});

describe("optimistic concurrency", () => {
  it("refuses a state change made on a stale version with CONFLICT and the current state, changing nothing", async () => {
    const { result: p } = await propose("editor");
    // Two editors loaded version 1; the first accepts, the second's revision must not overwrite it.
    await acceptProposal(ctxOf("owner"), p.id, 1);
    const before = await snapshot();
    const err = await failure(reviseProposal(ctxOf("editor"), { proposalId: p.id, expectedVersion: 1, label: "plasma cell" }));
    expect(err).toBeInstanceOf(AnnotationConflict);
    expect(err.code).toBe("CONFLICT");
    expect((err as AnnotationConflict).current).toMatchObject({ version: 2, status: "accepted", acceptedProposalId: p.id });
    expect(await snapshot()).toEqual(before);
    // A new proposal replaces nothing: made on the stale version, it is still recorded.
    const late = await propose("editor2", { label: "plasmacytoid dendritic cell", ontologyId: "CL:0000784", markerGenes: [] });
    expect(late.cluster).toMatchObject({ version: 3, status: "accepted", acceptedProposalId: p.id });
  });

  it("records both of two simultaneous different proposals, and lets only one of two simultaneous accepts through", async () => {
    const results = await Promise.allSettled([propose("editor", { label: "one" }), propose("editor2", { label: "two" })]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const recorded = await db.db.select().from(annotations).where(eq(annotations.runId, runId));
    expect(recorded.map((p) => p.cellType).sort()).toEqual(["one", "two"]);
    expect((await clusterRow(runId, 0)).version).toBe(2);
    const history = await clusterHistory(ctxOf("viewer"), { runId, index: 0 }, 10);
    expect(history.map((h) => h.action)).toEqual(["proposal.create", "proposal.create"]);
    const accepts = await Promise.allSettled(recorded.map((p) => acceptProposal(ctxOf("owner"), p.id, 2)));
    expect(accepts.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(((accepts.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as AppError).code).toBe("CONFLICT");
  });
});

describe("names that mean the same to everyone", () => {
  it.each([
    ["an obsolete id", "CL:0000003", "CL:0000003 ('obsolete native cell') is obsolete in the Cell Ontology (release 2026-03-26); use CL:0000000 instead"],
    ["an id that is no term", "CL:9999999", "CL:9999999 is not a term of the Cell Ontology (release 2026-03-26)"],
    ["a malformed id", "CL:236", "'CL:236' is not a Cell Ontology id (CL: and seven digits, e.g. CL:0000236)"],
  ])("refuses %s, naming it, on propose and revise", async (_what, ontologyId, message) => {
    const before = await snapshot();
    expect(await failure(propose("editor", { ontologyId }))).toMatchObject({ code: "INVALID_INPUT", field: "ontologyId", message });
    expect(await snapshot()).toEqual(before);
    const { result: p } = await propose("editor");
    expect(await failure(reviseProposal(ctxOf("editor"), { proposalId: p.id, expectedVersion: 1, ontologyId }))).toMatchObject({ code: "INVALID_INPUT", field: "ontologyId", message });
  });

  it("refuses cited marker genes the dataset does not measure, naming them", async () => {
    const before = await snapshot();
    expect(await failure(propose("editor", { markerGenes: ["MS4A1", "NOTAGENE", "ms4a1"] }))).toMatchObject({
      code: "INVALID_INPUT",
      field: "markerGenes",
      message: "marker genes not in dataset 'd.h5': NOTAGENE, ms4a1 (did you mean MS4A1?)",
    });
    expect(await snapshot()).toEqual(before);
    // Ids are genes too.
    const { result } = await propose("editor", { markerGenes: ["ENSG00000000000", "CD79A"] });
    expect(result.markerGenes).toEqual(["ENSG00000000000", "CD79A"]);
  });
});

describe("the self-accept rule", () => {
  it("stops an editor accepting their own proposal over a disagreement, and says so before the click", async () => {
    const { result: p } = await propose("editor");
    await voteProposal(ctxOf("editor2"), { proposalId: p.id, value: -1, reason: "CD3E is up too" });
    expect(await viewerAcceptGuard(ctxOf("editor"), p)).toEqual({
      allowed: false,
      needsOverrideReason: false,
      message: "You proposed this label and 1 reviewer disagrees: another editor or an owner must accept it, or revise it to answer the disagreement.",
    });
    const before = await snapshot();
    expect(await failure(acceptProposal(ctxOf("editor"), p.id, 2))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(acceptProposal(ctxOf("editor"), p.id, 2, "I am sure"))).toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshot()).toEqual(before);
    // Anyone else with the right to accept may.
    expect(await viewerAcceptGuard(ctxOf("owner"), p)).toMatchObject({ allowed: true, needsOverrideReason: false });
    expect((await acceptProposal(ctxOf("editor2"), p.id, 2)).cluster!.status).toBe("accepted");
  });

  it("lets an owner accept their own disputed proposal only with a recorded override reason", async () => {
    const { result: p } = await propose("owner");
    await voteProposal(ctxOf("viewer"), { proposalId: p.id, value: -1, reason: "looks like T cells" });
    expect(await viewerAcceptGuard(ctxOf("owner"), p)).toMatchObject({ allowed: true, needsOverrideReason: true });
    expect(await failure(acceptProposal(ctxOf("owner"), p.id, 2))).toMatchObject({ code: "INVALID_INPUT", field: "overrideReason" });
    const { cluster } = await acceptProposal(ctxOf("owner"), p.id, 2, "MS4A1 and CD79A in 95% of cells; CD3E is ambient");
    expect(cluster).toMatchObject({ status: "accepted", acceptOverrideReason: "MS4A1 and CD79A in 95% of cells; CD3E is ambient" });
    const last = (await clusterHistory(ctxOf("viewer"), { runId, index: 0 }, 10)).at(-1)!;
    expect(last.data).toMatchObject({ after: { overrideReason: "MS4A1 and CD79A in 95% of cells; CD3E is ambient", disagreements: [{ reason: "looks like T cells" }] } });
  });

  it("asks nothing of an author nobody disagrees with", async () => {
    const { result: p } = await propose("editor");
    await voteProposal(ctxOf("viewer"), { proposalId: p.id, value: 1 });
    expect((await acceptProposal(ctxOf("editor"), p.id, 2)).cluster).toMatchObject({ status: "accepted", acceptOverrideReason: null });
  });
});

const stat = (gene: string, logFoldChange: number, pctIn: number, pctOut: number): MarkerGene => ({ gene, score: 10, logFoldChange, pctIn, pctOut, pval: 1e-12, pvalAdj: 1e-10 });

describe("suggestions from marker databases", () => {
  it("suggests B cell for a cluster whose B-cell markers are up, and one click makes an automated proposal with the evidence", async () => {
    await db.db
      .update(clusters)
      .set({ markers: [stat("MS4A1", 3.1, 0.95, 0.05), stat("CD79A", 3.5, 0.97, 0.04), stat("CD79B", 2.2, 0.9, 0.1), stat("CD19", 1.5, 0.4, 0.01), stat("ACTB", 0.3, 1, 1)] })
      .where(eq(clusters.runId, runId));
    const answer = await suggestionsForCluster(ctxOf("viewer"), await clusterRow(runId, 0), datasetId, { top: 3, tissue: null });
    expect(answer.organism).toBe("human");
    const ids = answer.suggestions.map((s) => s.cellTypeId);
    expect(ids.some((id) => ["CL:0000236", "CL:0000785", "CL:0000788", "CL:0000787", "CL:0000816"].includes(id))).toBe(true);
    const top = answer.suggestions[0]!;
    expect(top.matched.map((m) => m.gene)).toEqual(expect.arrayContaining(["MS4A1", "CD79A"]));
    expect((await failure(adoptSuggestion(ctxOf("viewer"), { runId, clusterIndex: 0, cellTypeId: top.cellTypeId }))).code).toBe("FORBIDDEN");
    expect(await failure(adoptSuggestion(ctxOf("editor"), { runId, clusterIndex: 0, cellTypeId: "CL:0000084" }))).toMatchObject({ code: "INVALID_INPUT", field: "cellTypeId" });
    const { result: p, cluster } = await adoptSuggestion(ctxOf("editor"), { runId, clusterIndex: 0, cellTypeId: top.cellTypeId });
    expect(cluster!.status).toBe("proposed");
    expect(p).toMatchObject({ source: "suggestion", ontologyId: top.cellTypeId, authorId: user.editor });
    expect(p.markerGenes).toEqual(expect.arrayContaining(["MS4A1", "CD79A"]));
    expect(p.evidence).toMatch(/^Suggested from marker databases .*score .*MS4A1 \(log2FC/);
    expect(p.automated).toMatchObject({ score: top.score, organism: "human" });
    // Adopting a suggestion again (a second click, a second member) makes no duplicate, in turn or at once.
    const second = answer.suggestions[1]!;
    const race = await Promise.allSettled([0, 1].map(() => adoptSuggestion(ctxOf("editor"), { runId, clusterIndex: 0, cellTypeId: second.cellTypeId })));
    expect(race.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(await failure(adoptSuggestion(ctxOf("owner"), { runId, clusterIndex: 0, cellTypeId: top.cellTypeId }))).toMatchObject({
      code: "INVALID_INPUT",
      field: "cellTypeId",
      message: expect.stringMatching(/^cluster 0 already has a proposal adopted from the suggestion CL:\d{7} \('.+'\): vote on it instead$/),
    });
    const adopted = await db.db.select().from(annotations).where(and(eq(annotations.runId, runId), eq(annotations.clusterIndex, 0), eq(annotations.ontologyId, top.cellTypeId)));
    expect(adopted).toHaveLength(1);
  });

  it("explains an empty list when the dataset's organism is not known", async () => {
    await db.db.update(datasets).set({ organism: "other" }).where(eq(datasets.id, datasetId));
    try {
      const answer = await suggestionsForCluster(createContext(deps, { viewer: { userId: user.viewer }, log: deps.log, clientAddress: "test" }), await clusterRow(runId, 0), datasetId, { top: 3, tissue: null });
      expect(answer).toMatchObject({ organism: null, suggestions: [], note: expect.stringMatching(/organism/) });
    } finally {
      await db.db.update(datasets).set({ organism: "human" }).where(eq(datasets.id, datasetId));
    }
  });
});

describe("Cell Annotation Schema out and in", () => {
  it("exports a reviewed run valid against the shipped schema, and round-trips: export, import onto a copy, export again", async () => {
    const { result: b } = await propose("editor", { label: "B cell", evidence: "MS4A1 high" });
    await voteProposal(ctxOf("viewer"), { proposalId: b.id, value: -1, reason: "CD3E too" });
    await voteProposal(ctxOf("editor2"), { proposalId: b.id, value: 1 });
    await acceptProposal(ctxOf("owner"), b.id, 3);
    await proposeLabel(ctxOf("editor2"), { runId, clusterIndex: 0, label: "naive B cell", ontologyId: "CL:0000788", markerGenes: ["CD19"] });
    const { result: t } = await proposeLabel(ctxOf("editor"), { runId, clusterIndex: 1, label: "T cell", ontologyId: "CL:0000084", markerGenes: ["CD3E"] });
    await voteProposal(ctxOf("owner"), { proposalId: t.id, value: 1 });
    const run = (await db.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
    const first = await runCas(ctxOf("viewer"), run);
    expect(validateCas(first)).toEqual([]);
    expect(first.annotations.map((a) => [a.labelset, a.cell_label, a.cell_ids!.length])).toEqual([
      ["accepted", "B cell", 4],
      ["proposed", "naive B cell", 4],
      ["proposed", "T cell", 4],
    ]);
    expect(first.annotations[0]!.reviews!.map((r) => [r.reviewer, r.review, r.explanation])).toEqual([
      ["viewer <viewer@lab.org>", "Disagree", "CD3E too"],
      ["editor2 <editor2@lab.org>", "Agree", undefined],
    ]);
    expect(first.annotations[0]!.author_annotation_fields).toMatchObject({ author: "editor <editor@lab.org>", scfnccl_cluster: 0 });

    // A copy: another run of the same cells, clustered the same way but numbered differently.
    const copy = await addRun([2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1], 7);
    expect((await failure(importCas(ctxOf("viewer"), { runId: copy, document: first }))).code).toBe("FORBIDDEN");
    const { entries } = await importCas(ctxOf("editor"), { runId: copy, document: JSON.parse(JSON.stringify(first)) });
    expect(entries.map((e) => [e.label, e.clusterIndex, e.imported])).toEqual([
      ["B cell", 2, true],
      ["naive B cell", 2, true],
      ["T cell", 0, true],
    ]);
    const copyRun = (await db.db.select().from(runs).where(eq(runs.id, copy)))[0]!;
    const second = await runCas(ctxOf("viewer"), copyRun);
    expect(validateCas(second)).toEqual([]);
    const comparable = (doc: typeof first) =>
      doc.annotations.map(({ author_annotation_fields, ...a }) => ({ ...a, author: author_annotation_fields!["author"], cell_ids: [...a.cell_ids!].sort() }));
    expect(comparable(second)).toEqual(comparable(first));
    // Imported reviews are kept as written, never cast as votes in the reviewers' names.
    expect(await db.db.select().from(votes).innerJoin(annotations, eq(votes.annotationId, annotations.id)).where(eq(annotations.runId, copy))).toEqual([]);
  });

  it("refuses a document that is not CAS, and reports annotations it cannot place", async () => {
    const copy = await addRun([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], 8);
    expect(await failure(importCas(ctxOf("editor"), { runId: copy, document: { title: "x" } }))).toMatchObject({ code: "INVALID_INPUT", field: "document" });
    const doc = {
      title: "t",
      author_name: "someone",
      labelsets: [{ name: "mine" }],
      annotations: [
        { labelset: "mine", cell_label: "ghost", cell_ids: ["nope1", "nope2"] },
        { labelset: "mine", cell_label: "split", cell_ids: ["cell0", "cell6", "cell7", "cell1"] },
        { labelset: "mine", cell_label: "old", cell_ontology_term_id: "CL:0000003", cell_ids: ["cell0"] },
        { labelset: "mine", cell_label: "B cell", cell_ontology_term_id: "CL:0000236", cell_ids: ["cell0", "cell1"], marker_gene_evidence: ["MS4A1", "NOTAGENE"] },
      ],
    };
    const { entries } = await importCas(ctxOf("editor"), { runId: copy, document: doc });
    expect(entries.map((e) => [e.imported, e.reason])).toEqual([
      [false, "none of its 2 cells is a cell of this run"],
      [true, null],
      [false, "CL:0000003 ('obsolete native cell') is obsolete in the Cell Ontology (release 2026-03-26); use CL:0000000 instead"],
      [true, "marker genes not in this dataset left out: NOTAGENE"],
    ]);
  });
});

describe("cell sets are reviewed through the same flow as clusters", () => {
  it("proposes with checked ids and genes, votes, comments, guards self-acceptance, refuses a stale accept with CONFLICT, accepts, audits and announces", async () => {
    const set = await createCellSet(ctxOf("editor"), runId, "B-like", [0, 1, 2, 3]);
    const onSet = (who: keyof typeof user, extra: Record<string, unknown> = {}) =>
      proposeLabel(ctxOf(who), { runId, cellSetId: set.id, label: "B cell", ontologyId: "CL:0000236", markerGenes: ["MS4A1", "CD79A"], ...extra });
    expect(await failure(onSet("editor", { ontologyId: "CL:9999999" }))).toMatchObject({ code: "INVALID_INPUT", field: "ontologyId" });
    expect(await failure(onSet("editor", { markerGenes: ["NOTAGENE"] }))).toMatchObject({ code: "INVALID_INPUT", field: "markerGenes" });
    expect(await failure(onSet("viewer"))).toMatchObject({ code: "FORBIDDEN" });
    expect(await failure(proposeLabel(ctxOf("editor"), { runId, clusterIndex: 0, cellSetId: set.id, label: "x" }))).toMatchObject({ code: "INVALID_INPUT", field: "clusterIndex" });
    expect(await failure(proposeLabel(ctxOf("editor"), { runId, cellSetId: "00000000-0000-4000-8000-000000000000", label: "x" }))).toMatchObject({ code: "INVALID_INPUT", field: "cellSetId" });

    const { result: p, cellSet, cluster } = await onSet("editor");
    expect(cluster).toBeNull();
    expect(cellSet).toMatchObject({ id: set.id, status: "proposed", version: 1 });
    expect(p).toMatchObject({ cellSetId: set.id, clusterIndex: -1 });
    const disagree = await voteProposal(ctxOf("viewer"), { proposalId: p.id, value: -1, reason: "CD3E is up too" });
    expect(disagree.cellSet).toMatchObject({ status: "disputed", version: 2 });
    const { result: c } = await commentCluster(ctxOf("viewer"), { runId, cellSetId: set.id, body: "see CD79A", proposalId: p.id });
    expect(c).toMatchObject({ cellSetId: set.id, proposalId: p.id });
    // A cluster's proposal cannot be answered on the set, nor the other way round.
    const { result: onCluster } = await propose("editor2");
    expect(await failure(commentCluster(ctxOf("viewer"), { runId, cellSetId: set.id, body: "x", proposalId: onCluster.id }))).toMatchObject({ field: "proposalId" });

    // The self-accept guard: the author may not accept over the disagreement.
    expect((await viewerAcceptGuard(ctxOf("editor"), p)).allowed).toBe(false);
    expect(await failure(acceptProposal(ctxOf("editor"), p.id, 3))).toMatchObject({ code: "FORBIDDEN" });
    // A stale version: CONFLICT with the set's current state, nothing written.
    const before = await snapshot();
    const stale = await failure(acceptProposal(ctxOf("editor2"), p.id, 1));
    expect(stale).toBeInstanceOf(AnnotationConflict);
    expect(stale).toMatchObject({ code: "CONFLICT", cluster: null, cellSet: { id: set.id, version: 3, status: "disputed" } });
    expect(await snapshot()).toEqual(before);
    const accepted = await acceptProposal(ctxOf("editor2"), p.id, 3);
    expect(accepted.cellSet).toMatchObject({ status: "accepted", acceptedProposalId: p.id, version: 4 });
    // The clusters are untouched by the set's review.
    expect(await clusterRow(runId, 0)).toMatchObject({ status: "proposed", acceptedProposalId: null });

    const history = await subjectHistory(ctxOf("viewer"), runId, { kind: "cellSet", id: set.id }, 100);
    expect(history.map((h) => [h.action, h.actorId])).toEqual([
      ["cellSet.create", user.editor],
      ["proposal.create", user.editor],
      ["proposal.vote", user.viewer],
      ["comment.create", user.viewer],
      ["proposal.accept", user.editor2],
    ]);
    expect(history[4]!.data).toMatchObject({ before: { cellSet: { status: "disputed", version: 3 } }, after: { cellSet: { status: "accepted", version: 4 } } });
    expect((await failure(subjectHistory(ctxOf("outsider"), runId, { kind: "cellSet", id: set.id }, 10))).code).toBe("NOT_FOUND");
    await new Promise((r) => setTimeout(r, 50));
    expect(events.filter((e) => e.type === "annotation.changed" && e.runId === runId && e.cellSetId === set.id).map((e) => e.type === "annotation.changed" && [e.action, e.clusterIndex, e.version])).toEqual([
      ["proposal.create", -1, 1],
      ["proposal.vote", -1, 2],
      ["comment.create", -1, 3],
      ["proposal.accept", -1, 4],
    ]);
  });

  it("lets an owner accept their own disputed proposal on a set only with a recorded reason, and revising it reopens the set", async () => {
    const set = await createCellSet(ctxOf("owner"), runId, "mixed", [0, 1, 4, 5]);
    const { result: p } = await proposeLabel(ctxOf("owner"), { runId, cellSetId: set.id, label: "B cell", ontologyId: "CL:0000236" });
    await voteProposal(ctxOf("editor"), { proposalId: p.id, value: -1, reason: "half are T cells" });
    expect(await failure(acceptProposal(ctxOf("owner"), p.id, 2))).toMatchObject({ code: "INVALID_INPUT", field: "overrideReason" });
    const { cellSet } = await acceptProposal(ctxOf("owner"), p.id, 2, "the T cells are doublets");
    expect(cellSet).toMatchObject({ status: "accepted", acceptOverrideReason: "the T cells are doublets" });
    const revised = await reviseProposal(ctxOf("owner"), { proposalId: p.id, expectedVersion: 3, label: "mixed B/T" });
    expect(revised.cellSet).toMatchObject({ status: "proposed", acceptedProposalId: null });
  });

  it("suggests from the set's own markers and adopts a suggestion as an automated proposal on the set", async () => {
    const set = await createCellSet(ctxOf("editor"), runId, "B cells", [0, 1, 2, 3]);
    const answer = await suggestionsForCellSet(ctxOf("viewer"), set, datasetId, { top: 3, tissue: null });
    expect(answer.note).toBeNull();
    const top = answer.suggestions[0]!;
    expect(answer.suggestions.map((x) => x.cellTypeId).some((id) => ["CL:0000236", "CL:0000785", "CL:0000788", "CL:0000787", "CL:0000816"].includes(id))).toBe(true);
    expect(top.matched.map((m) => m.gene)).toEqual(expect.arrayContaining(["MS4A1", "CD79A"]));
    expect(await failure(adoptSuggestion(ctxOf("editor"), { runId, cellSetId: set.id, cellTypeId: "CL:0000576" }))).toMatchObject({ code: "INVALID_INPUT", field: "cellTypeId" });
    const { result: p, cellSet } = await adoptSuggestion(ctxOf("editor"), { runId, cellSetId: set.id, cellTypeId: top.cellTypeId });
    expect(cellSet).toMatchObject({ status: "proposed" });
    expect(p).toMatchObject({ source: "suggestion", cellSetId: set.id, ontologyId: top.cellTypeId, automated: { score: top.score } });
    expect(p.evidence).toMatch(/Up in this cell set: .*MS4A1/);
  });

  it("exports a set's proposals in the CAS document with the set's cells, valid against the schema", async () => {
    const set = await createCellSet(ctxOf("editor"), runId, "monocytes", [8, 9, 10, 11]);
    const { result: p } = await proposeLabel(ctxOf("editor"), { runId, cellSetId: set.id, label: "CD14-positive monocyte", ontologyId: "CL:0001054" });
    await acceptProposal(ctxOf("owner"), p.id, 1);
    const run = (await db.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
    const doc = await runCas(ctxOf("viewer"), run);
    expect(validateCas(doc)).toEqual([]);
    const entry = (doc as unknown as { annotations: Record<string, unknown>[] }).annotations.find((a) => a["cell_label"] === "CD14-positive monocyte")!;
    expect(entry).toMatchObject({ cell_ids: ["cell8", "cell9", "cell10", "cell11"], labelset: "accepted" });
    expect(JSON.stringify(entry)).toContain('"scfnccl_cell_set":"monocytes"');

    // Round trip: imported onto a copy, the annotation goes to a cell set of that name and those
    // cells (made there), not to the cluster holding them, and exports again the same.
    const copy = await addRun([2, 2, 2, 2, 0, 0, 0, 0, 1, 1, 1, 1], 7);
    const { entries } = await importCas(ctxOf("editor"), { runId: copy, document: JSON.parse(JSON.stringify(doc)) });
    const setEntry = entries.find((e) => e.label === "CD14-positive monocyte")!;
    expect(setEntry).toMatchObject({ imported: true, clusterIndex: null, cellSetId: expect.any(String) });
    const [made] = await db.db.select().from(cellSets).where(eq(cellSets.id, setEntry.cellSetId!));
    expect(made).toMatchObject({ runId: copy, name: "monocytes", cells: [8, 9, 10, 11], status: "accepted" });
    const copyRun = (await db.db.select().from(runs).where(eq(runs.id, copy)))[0]!;
    const again = (await runCas(ctxOf("viewer"), copyRun)) as unknown as { annotations: Record<string, unknown>[] };
    const strip = (a: Record<string, unknown>) => ({ ...a, author_annotation_fields: { ...(a["author_annotation_fields"] as object), scfnccl_proposal_id: null, created_at: null, author: null } });
    expect(strip(again.annotations.find((a) => a["cell_label"] === "CD14-positive monocyte")!)).toEqual(strip(entry));
    // Imported twice: the set is found again, not duplicated.
    const twice = await importCas(ctxOf("editor"), { runId: copy, document: JSON.parse(JSON.stringify(doc)) });
    expect(twice.entries.find((e) => e.label === "CD14-positive monocyte")!.cellSetId).toBe(setEntry.cellSetId);
  });
});

describe("composition", () => {
  it("counts cells per accepted label and matches two runs' labels by shared cells", async () => {
    const { result: b } = await propose("editor", { label: "B cell" });
    await acceptProposal(ctxOf("owner"), b.id, 1);
    const run = (await db.db.select().from(runs).where(eq(runs.id, runId)))[0]!;
    expect(await runComposition(ctxOf("viewer"), run)).toEqual([
      { label: "B cell", ontologyId: "CL:0000236", cells: 4, fraction: 4 / 12, clusters: [0] },
      { label: null, ontologyId: null, cells: 8, fraction: 8 / 12, clusters: [1, 2] },
    ]);
    const other = await addRun([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 9);
    const { result: t } = await proposeLabel(ctxOf("editor"), { runId: other, clusterIndex: 1, label: "T cell", ontologyId: "CL:0000084" });
    await acceptProposal(ctxOf("owner"), t.id, 1);
    const c = await labelCorrespondence(ctxOf("viewer"), runId, other);
    expect(c).toMatchObject({ sharedCells: 12, labelsA: ["B cell", null], labelsB: ["T cell", null], counts: [[2, 2], [8, 0]] });
  });
});

describe("audit trail", () => {
  it("records who, when, before and after for every change, oldest first, and the log refuses updates", async () => {
    const { result: p } = await propose("editor");
    await voteProposal(ctxOf("viewer"), { proposalId: p.id, value: -1, reason: "CD79A is low" });
    await reviseProposal(ctxOf("editor"), { proposalId: p.id, expectedVersion: 2, label: "memory B cell" });
    await acceptProposal(ctxOf("owner"), p.id, 3);
    const history = await clusterHistory(ctxOf("viewer"), { runId, index: 0 }, 100);
    expect(history.map((h) => [h.action, h.actorId])).toEqual([
      ["proposal.create", user.editor],
      ["proposal.vote", user.viewer],
      ["proposal.revise", user.editor],
      ["proposal.accept", user.owner],
    ]);
    expect(history.every((h) => h.at instanceof Date)).toBe(true);
    const revise = history[2]!.data as { before: { proposal: { label: string }; votes: unknown[] }; after: { proposal: { label: string; revision: number } } };
    expect(revise.before.proposal.label).toBe("B cell");
    expect(revise.before.votes).toEqual([{ userId: user.viewer, value: -1 }]);
    expect(revise.after.proposal).toMatchObject({ label: "memory B cell", revision: 2 });
    expect(history[3]!.data).toMatchObject({ before: { cluster: { status: "proposed", version: 3 } }, after: { cluster: { status: "accepted", version: 4 } } });
    // drizzle wraps the database error; its cause is the trigger's refusal.
    await expect(db.db.update(auditLog).set({ action: "rewritten" }).where(eq(auditLog.id, history[0]!.id))).rejects.toMatchObject({ cause: { message: expect.stringMatching(/append-only/) } });
  });

  it("announces each change to the run's listeners with the new version and status", async () => {
    const { result: p } = await propose("editor");
    await acceptProposal(ctxOf("owner"), p.id, 1);
    await new Promise((r) => setTimeout(r, 50));
    const mine = events.filter((e) => e.type === "annotation.changed" && e.runId === runId);
    expect(mine).toMatchObject([
      { action: "proposal.create", clusterIndex: 0, version: 1, status: "proposed", proposalId: p.id, actorId: user.editor, teamId },
      { action: "proposal.accept", version: 2, status: "accepted" },
    ]);
  });
});

describe("bad input is refused with a typed error and changes nothing", () => {
  it.each([
    ["an unknown cluster", { clusterIndex: 9 }, "INVALID_INPUT", "clusterIndex"],
    ["a malformed Cell Ontology id", { ontologyId: "CL:236" }, "INVALID_INPUT", "ontologyId"],
    ["a non-CL ontology id", { ontologyId: "UBERON:0000955" }, "INVALID_INPUT", "ontologyId"],
    ["an empty label", { label: "   " }, "INVALID_INPUT", "label"],
    ["a negative expected version", { expectedVersion: -1 }, "INVALID_INPUT", "expectedVersion"],
    ["an unknown run", { runId: "00000000-0000-0000-0000-000000000000" }, "NOT_FOUND", undefined],
  ])("proposing with %s", async (_what, extra, code, field) => {
    const before = await snapshot();
    const err = await failure(propose("editor", extra));
    expect([err.code, err.field]).toEqual([code, field]);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a disagreement without reason, a self-vote, an unknown proposal and an empty comment", async () => {
    const { result: p } = await propose("editor");
    const before = await snapshot();
    expect(await failure(voteProposal(ctxOf("viewer"), { proposalId: p.id, value: -1, reason: " " }))).toMatchObject({ code: "INVALID_INPUT", field: "reason" });
    expect(await failure(voteProposal(ctxOf("editor"), { proposalId: p.id, value: 1 }))).toMatchObject({ code: "INVALID_INPUT", field: "proposalId" });
    expect(await failure(voteProposal(ctxOf("viewer"), { proposalId: "not-a-uuid", value: 1 }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failure(commentCluster(ctxOf("viewer"), { runId, clusterIndex: 0, body: "" }))).toMatchObject({ code: "INVALID_INPUT", field: "body" });
    expect(await failure(acceptProposal(ctxOf("owner"), p.id, 0))).toMatchObject({ code: "CONFLICT" });
    expect(await snapshot()).toEqual(before);
  });
});

describe("copying labels between runs", () => {
  it("maps each target cluster to the source cluster with most of its cells and copies accepted labels as proposals", async () => {
    // Source clusters 0 and 1 accepted; target splits the cells differently.
    const { result: b } = await propose("editor", { label: "B cell" }, 0);
    await acceptProposal(ctxOf("owner"), b.id, 1);
    const { result: t } = await proposeLabel(ctxOf("editor"), { runId, clusterIndex: 1, expectedVersion: 0, label: "T cell", ontologyId: "CL:0000084" });
    await acceptProposal(ctxOf("owner"), t.id, 1);
    const source = runId;
    const target = await addRun([1, 1, 1, 0, 0, 0, 0, 2, 2, 2, 2, 2], 1);
    expect((await failure(copyLabels(ctxOf("viewer"), { fromRunId: source, toRunId: target }))).code).toBe("FORBIDDEN");
    const { mappings } = await copyLabels(ctxOf("editor"), { fromRunId: source, toRunId: target, accept: true });
    expect(mappings.map((m) => [m.toCluster, m.fromCluster, m.sharedCells, m.copied, m.label])).toEqual([
      [0, 1, 3, true, "T cell"], // 1 of 4 in source 0, 3 of 4 in source 1
      [1, 0, 3, true, "B cell"],
      [2, 2, 4, false, null], // source cluster 2 has no accepted label
    ]);
    expect(mappings[2]!.reason).toMatch(/no accepted label/);
    const rows = await db.db.select().from(clusters).where(eq(clusters.runId, target));
    expect(rows.sort((x, y) => x.index - y.index).map((r) => r.status)).toEqual(["accepted", "accepted", "open"]);
    const copied = await db.db.select().from(annotations).where(eq(annotations.runId, target));
    expect(copied.find((p) => p.clusterIndex === 0)).toMatchObject({ cellType: "T cell", ontologyId: "CL:0000084" });
    // Copying again creates nothing new.
    const again = await copyLabels(ctxOf("editor"), { fromRunId: source, toRunId: target });
    expect(again.mappings.filter((m) => m.copied)).toEqual([]);
  });

  it("keeps an accepted label unless the caller names the version they saw; a stale version is a CONFLICT", async () => {
    const { result: b } = await propose("editor", { label: "B cell" }, 0);
    await acceptProposal(ctxOf("owner"), b.id, 1);
    const target = await addRun([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], 1);
    const { result: mine, cluster } = await proposeLabel(ctxOf("editor2"), { runId: target, clusterIndex: 0, expectedVersion: 0, label: "plasma cell" });
    const { cluster: acceptedRow } = await acceptProposal(ctxOf("owner"), mine.id, cluster!.version);
    // accept: true without versions: copied as a proposal, the accepted label stays.
    const kept = await copyLabels(ctxOf("editor"), { fromRunId: runId, toRunId: target, accept: true });
    expect(kept.mappings[0]).toMatchObject({ copied: true, accepted: false, reason: expect.stringMatching(/accepted label was kept/) });
    expect((await clusterRow(target, 0)).acceptedProposalId).toBe(mine.id);
    // A stale version: CONFLICT, nothing written to that cluster.
    // (The run-level audit entry of the copy itself is the one row added.)
    const before = { ...(await snapshot()), audit: 0 };
    const stale = await copyLabels(ctxOf("editor"), { fromRunId: runId, toRunId: target, accept: true, expectedVersions: [{ clusterIndex: 0, version: acceptedRow!.version }] });
    expect(stale.conflicts.map((c) => [c.code, c.field])).toEqual([["CONFLICT", "expectedVersions"]]);
    expect({ ...(await snapshot()), audit: 0 }).toEqual(before);
    // Naming the version the caller saw replaces the accepted label, as asked.
    const target2 = await addRun([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], 2);
    const { result: theirs, cluster: c2 } = await proposeLabel(ctxOf("editor2"), { runId: target2, clusterIndex: 0, expectedVersion: 0, label: "plasma cell" });
    const { cluster: seen } = await acceptProposal(ctxOf("owner"), theirs.id, c2!.version);
    const replaced = await copyLabels(ctxOf("editor"), { fromRunId: runId, toRunId: target2, accept: true, expectedVersions: [{ clusterIndex: 0, version: seen!.version }] });
    expect(replaced.conflicts).toEqual([]);
    expect(replaced.mappings[0]).toMatchObject({ copied: true, accepted: true, reason: null });
    expect((await clusterRow(target2, 0)).acceptedProposalId).toBe(replaced.mappings[0]!.proposal!.id);
    // Copying again finds the label there and writes nothing.
    const again = await copyLabels(ctxOf("editor"), { fromRunId: runId, toRunId: target2, accept: true });
    expect(again.mappings[0]).toMatchObject({ copied: false, reason: "the cluster already has a proposal with this label" });
  });

  it("refuses runs of different datasets and copying a run onto itself", async () => {
    const [d2] = await db.db
      .insert(datasets)
      .values({ teamId, name: "other.h5", format: "csv", cells: 12, genes: 1, checksum: "0", sizeBytes: 1, storageKey: "datasets/y", uploaderId: user.owner })
      .returning();
    const [r2] = await db.db.insert(runs).values({ teamId, datasetId: d2!.id, createdById: user.owner, method: "scfnccl", params: {}, seed: 0, status: "succeeded" }).returning();
    expect(await failure(copyLabels(ctxOf("editor"), { fromRunId: runId, toRunId: r2!.id }))).toMatchObject({ code: "INVALID_INPUT", field: "toRunId" });
    expect(await failure(copyLabels(ctxOf("editor"), { fromRunId: runId, toRunId: runId }))).toMatchObject({ code: "INVALID_INPUT", field: "toRunId" });
  });
});
