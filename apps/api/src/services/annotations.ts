/**
 * Collaborative annotation of a run's clusters and cell sets (the "subject" of a proposal):
 * proposals, votes, comments, acceptance, copying a label set between runs. A cell set is reviewed
 * exactly like a cluster, through the same functions: only where its state row lives differs
 * (`clusters` or `cell_sets`, both with status, version, accepted proposal and override reason).
 * Every authorization rule of annotation lives here:
 *
 * - every team member reads (another team's run is NOT_FOUND);
 * - viewers also vote and comment: review is open to the whole team, so a consulted colleague's
 *   disagreement is on the record; a vote or comment never changes a label;
 * - editors and owners also propose labels, revise their own proposals, accept a proposal and
 *   copy label sets; owners also revise anyone's proposal;
 * - nobody votes on their own proposal (the author's support is implied; counting it would let one
 *   person outvote a dissent);
 * - nobody accepts their own proposal while someone disagrees with it, except an owner who records
 *   why (the override reason goes on the subject and in the audit entry);
 * - a label names a current Cell Ontology term when it has an id, and cites only genes the dataset
 *   measures.
 *
 * Each change runs in one transaction that first bumps the subject's `version` (a row lock in
 * PostgreSQL, so changes to one subject are serialised), then recomputes the status and appends an
 * audit entry with the state before and after. State changes (revise, accept) also require the
 * version to still be the one the client saw, so of two concurrent ones the second gets CONFLICT; a
 * new proposal, a vote or a comment adds to the record without replacing anything, so two people
 * proposing different labels at once both get theirs recorded. Events go out after the commit.
 */
import { and, annotations, CELL_SET_INDEX, cellSets, clusters, comments, eq, sql, votes, type AnnotationStatus, type Db, type Role, type Rows } from "@scfnccl/db";
import { publishEvent } from "@scfnccl/platform";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { AppError, forbidden, invalid, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { parseInput } from "./auth.ts";
import { suggestionsForCellSet } from "./cellSets.ts";
import { checkMarkerGenes, requireCellType, SUGGESTION_ALGORITHM, suggestionsForCluster } from "./cellTypes.ts";
import { readCellsFile } from "./results.ts";
import { getRun } from "./runs.ts";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
type ClusterRow = typeof clusters.$inferSelect;
type CellSetRow = Rows["cellSet"];
type ProposalRow = typeof annotations.$inferSelect;
type RunRow = NonNullable<Awaited<ReturnType<typeof getRun>>>;

/** What a proposal or comment is about: one cluster of the run, or one of its cell sets. */
export type Subject = { kind: "cluster"; index: number } | { kind: "cellSet"; id: string };
/** The annotation state of a subject (its row in `clusters` or `cell_sets`). */
type SubjectRow = ClusterRow | CellSetRow;

export const subjectOf = (p: { clusterIndex: number; cellSetId: string | null }): Subject => (p.cellSetId ? { kind: "cellSet", id: p.cellSetId } : { kind: "cluster", index: p.clusterIndex });
const sameSubject = (a: Subject, b: Subject) => (a.kind === "cluster" ? b.kind === "cluster" && a.index === b.index : b.kind === "cellSet" && a.id === b.id);
const describeSubject = (s: Subject) => (s.kind === "cluster" ? `cluster ${s.index}` : `cell set ${s.id}`);
/** The columns a proposal or comment row stores its subject in. */
export const subjectColumns = (s: Subject) => (s.kind === "cluster" ? { clusterIndex: s.index, cellSetId: null } : { clusterIndex: CELL_SET_INDEX, cellSetId: s.id });
/** The audit log's target of a subject's entries (a cell set's creation and deletion are there too). */
export const subjectTarget = (runId: string, s: Subject) => (s.kind === "cluster" ? { targetType: "cluster", targetId: clusterKey(runId, s.index) } : { targetType: "cellSet", targetId: s.id });

/** The proposals of one subject (annotations rows). */
const proposalsOf = (runId: string, s: Subject) => (s.kind === "cluster" ? and(eq(annotations.runId, runId), eq(annotations.clusterIndex, s.index)) : and(eq(annotations.runId, runId), eq(annotations.cellSetId, s.id)));

/** Reading and writing a subject's state row, in whichever table it lives. */
const subjectRows = {
  /** +1 on the version (the row lock), only while it is still `expected` when given; undefined when it moved. */
  async bump(tx: Tx, runId: string, s: Subject, expected: number | null | undefined): Promise<SubjectRow | undefined> {
    if (s.kind === "cluster") {
      const where = and(eq(clusters.runId, runId), eq(clusters.index, s.index));
      const [row] = await tx.update(clusters).set({ version: sql`${clusters.version} + 1` }).where(expected == null ? where : and(where, eq(clusters.version, expected))).returning();
      return row;
    }
    const where = and(eq(cellSets.runId, runId), eq(cellSets.id, s.id));
    const [row] = await tx.update(cellSets).set({ version: sql`${cellSets.version} + 1` }).where(expected == null ? where : and(where, eq(cellSets.version, expected))).returning();
    return row;
  },
  async save(tx: Tx, runId: string, s: Subject, set: { status: AnnotationStatus; acceptedProposalId: string | null; acceptOverrideReason?: string | null }): Promise<SubjectRow> {
    if (s.kind === "cluster") return (await tx.update(clusters).set(set).where(and(eq(clusters.runId, runId), eq(clusters.index, s.index))).returning())[0]!;
    return (await tx.update(cellSets).set(set).where(and(eq(cellSets.runId, runId), eq(cellSets.id, s.id))).returning())[0]!;
  },
  async read(db: Db, runId: string, s: Subject): Promise<SubjectRow> {
    if (s.kind === "cluster") return (await db.select().from(clusters).where(and(eq(clusters.runId, runId), eq(clusters.index, s.index))))[0]!;
    return (await db.select().from(cellSets).where(and(eq(cellSets.runId, runId), eq(cellSets.id, s.id))))[0]!;
  },
};

/** A change's answer: the subject's state after it (in `cluster` or `cellSet`) and what it made. */
export interface SubjectChange<T> {
  cluster: ClusterRow | null;
  cellSet: CellSetRow | null;
  result: T;
}

const asAnswer = (s: Subject, row: SubjectRow) => (s.kind === "cluster" ? { cluster: row as ClusterRow, cellSet: null } : { cluster: null, cellSet: row as CellSetRow });

/** CONFLICT carrying the subject's current state, which the payload hands back. */
export class AnnotationConflict extends AppError {
  readonly cluster: ClusterRow | null;
  readonly cellSet: CellSetRow | null;
  constructor(
    message: string,
    subject: Subject,
    readonly current: SubjectRow,
  ) {
    super("CONFLICT", message, "expectedVersion");
    ({ cluster: this.cluster, cellSet: this.cellSet } = asAnswer(subject, current));
  }
}

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is longer than ${max} characters`)
    .nullish()
    .transform((s) => (s ? s : null));
const label = z.string().trim().min(1, "label is empty").max(200, "label is longer than 200 characters");
// Checked against the shipped Cell Ontology after parsing (requireCellType): current terms only.
const ontologyId = z
  .string()
  .trim()
  .max(100, "ontologyId is longer than 100 characters")
  .nullish()
  .transform((s) => (s ? requireCellType(s).id : null));
const markerGenes = z
  .array(z.string().trim().min(1, "a marker gene is empty").max(100))
  .max(50, "cite at most 50 marker genes")
  .nullish()
  .transform((genes) => [...new Set(genes ?? [])]);
const version = z.number().int().min(0);
/** A subject in an input: a cluster index or a cell set id, exactly one. */
const subjectFields = { clusterIndex: z.number().int().nullish(), cellSetId: z.string().max(100).nullish() };
const oneSubject = (v: { clusterIndex?: number | null; cellSetId?: string | null }) => (v.clusterIndex == null) !== (v.cellSetId == null);
const oneSubjectMessage = { message: "name the subject: give clusterIndex or cellSetId (one of them)", path: ["clusterIndex"] };

const proposeInput = z
  .object({
    runId: z.string(),
    ...subjectFields,
    // Accepted for old clients; a new proposal never conflicts (it replaces nothing).
    expectedVersion: version.nullish(),
    label,
    ontologyId,
    evidence: optionalText(5000, "evidence"),
    markerGenes,
  })
  .refine(oneSubject, oneSubjectMessage);
const reviseInput = z.object({
  proposalId: z.string(),
  expectedVersion: version,
  label: label.optional(),
  ontologyId: ontologyId.optional(),
  evidence: optionalText(5000, "evidence").optional(),
  markerGenes: markerGenes.optional(),
});
const voteInput = z
  .object({
    proposalId: z.string(),
    value: z.union([z.literal(1), z.literal(-1)]),
    reason: optionalText(2000, "reason"),
    expectedVersion: version.nullish(),
  })
  .refine((v) => v.value === 1 || v.reason !== null, { message: "a disagreement needs a reason", path: ["reason"] });
const commentInput = z
  .object({
    runId: z.string(),
    ...subjectFields,
    body: z.string().trim().min(1, "comment is empty").max(5000, "comment is longer than 5000 characters"),
    proposalId: z.string().nullish(),
    expectedVersion: version.nullish(),
  })
  .refine(oneSubject, oneSubjectMessage);

// GraphQL sends explicit nulls for omitted optional fields only when the client writes them; an
// omitted field is absent. Revisions tell "leave as is" (absent) from "clear" (null) by that.
export const proposalSnapshot = (p: ProposalRow) => ({ label: p.cellType, ontologyId: p.ontologyId, evidence: p.evidence, markerGenes: p.markerGenes, revision: p.revision, source: p.source });
const subjectSnapshot = (c: SubjectRow) => ({ status: c.status, version: c.version, acceptedProposalId: c.acceptedProposalId, acceptOverrideReason: c.acceptOverrideReason });

export const clusterKey = (runId: string, index: number) => `${runId}:${index}`;

/** The run (readable by the viewer) and the input's subject in it, or INVALID_INPUT naming the cluster index or cell set. */
async function findSubject(ctx: RequestContext, runIdRaw: string, input: { clusterIndex?: number | null; cellSetId?: string | null }): Promise<{ run: RunRow; subject: Subject; row: SubjectRow }> {
  const run = await getRun(ctx, runIdRaw);
  if (input.cellSetId != null) {
    const missing = () => invalid(`the run has no cell set ${input.cellSetId}`, "cellSetId");
    let id: string;
    try {
      id = checkId(input.cellSetId, "cell set");
    } catch {
      throw missing();
    }
    const [set] = await ctx.deps.db.db.select().from(cellSets).where(eq(cellSets.id, id));
    if (!set || set.runId !== run.id) throw invalid(`the run has no cell set ${input.cellSetId}`, "cellSetId");
    return { run, subject: { kind: "cellSet", id: set.id }, row: set };
  }
  const cluster = (await ctx.loaders.clustersByRun.load(run.id)).find((c) => c.index === input.clusterIndex);
  if (!cluster) throw invalid(`the run has no cluster ${input.clusterIndex}`, "clusterIndex");
  return { run, subject: { kind: "cluster", index: cluster.index }, row: cluster };
}

/** A proposal and its run, NOT_FOUND for another team's. */
async function findProposal(ctx: RequestContext, idRaw: string): Promise<{ run: RunRow; proposal: ProposalRow }> {
  const [proposal] = await ctx.deps.db.db.select().from(annotations).where(eq(annotations.id, checkId(idRaw, "proposal")));
  if (!proposal) throw notFound("proposal");
  const run = await getRun(ctx, proposal.runId).catch((err: unknown) => {
    throw err instanceof AppError && err.code === "NOT_FOUND" ? notFound("proposal") : err;
  });
  return { run, proposal };
}

/** OPEN without proposals; ACCEPTED with an accepted one; DISPUTED when every proposal has more disagree than agree votes. */
async function statusOf(tx: Tx, runId: string, subject: Subject, acceptedProposalId: string | null): Promise<AnnotationStatus> {
  const proposals = await tx.select({ id: annotations.id }).from(annotations).where(proposalsOf(runId, subject));
  if (proposals.length === 0) return "open";
  if (acceptedProposalId && proposals.some((p) => p.id === acceptedProposalId)) return "accepted";
  const tally = await tx
    .select({ annotationId: votes.annotationId, value: votes.value })
    .from(votes)
    .innerJoin(annotations, eq(votes.annotationId, annotations.id))
    .where(proposalsOf(runId, subject));
  const score = new Map<string, number>();
  for (const v of tally) score.set(v.annotationId, (score.get(v.annotationId) ?? 0) + v.value);
  return proposals.every((p) => (score.get(p.id) ?? 0) < 0) ? "disputed" : "proposed";
}

interface Change<T> {
  action: string;
  proposalId: string | null;
  before: unknown;
  after: unknown;
  result: T;
  /** A new accepted proposal id (string), none (null), or unchanged (undefined). */
  accepted?: string | null;
  /** With a new acceptance: the owner's reason for accepting their own disputed proposal. */
  overrideReason?: string | null;
}

/**
 * Applies one change to a subject's annotation: version check and bump, the change itself, the
 * status, the audit entry, in one transaction; then the event. Nothing is written on a conflict.
 */
export async function changeSubject<T>(
  ctx: RequestContext,
  run: RunRow,
  subject: Subject,
  expectedVersion: number | null | undefined,
  apply: (tx: Tx, row: SubjectRow) => Promise<Change<T>>,
): Promise<SubjectChange<T>> {
  const viewer = requireViewer(ctx);
  const db = ctx.deps.db.db;
  let outcome: { row: SubjectRow; result: T; change: Change<T> };
  try {
    outcome = await db.transaction(async (tx) => {
      const locked = await subjectRows.bump(tx, run.id, subject, expectedVersion);
      if (!locked) throw new VersionMoved();
      const before = { ...locked, version: locked.version - 1 };
      const change = await apply(tx, before);
      const acceptedProposalId = change.accepted === undefined ? locked.acceptedProposalId : change.accepted;
      const status = await statusOf(tx, run.id, subject, acceptedProposalId);
      const acceptance = change.accepted === undefined ? {} : { acceptOverrideReason: change.overrideReason ?? null };
      const row = await subjectRows.save(tx, run.id, subject, { status, acceptedProposalId, ...acceptance });
      const key = subject.kind === "cluster" ? "cluster" : "cellSet";
      await audit(tx, {
        teamId: run.teamId,
        actorId: viewer.userId,
        action: change.action,
        ...subjectTarget(run.id, subject),
        data: {
          proposalId: change.proposalId,
          ...(subject.kind === "cellSet" ? { runId: run.id } : {}),
          before: { [key]: subjectSnapshot(before), ...(change.before as object) },
          after: { [key]: subjectSnapshot(row), ...(change.after as object) },
        },
      });
      return { row, result: change.result, change };
    });
  } catch (err) {
    if (!(err instanceof VersionMoved)) throw err;
    const current = await subjectRows.read(db, run.id, subject);
    throw new AnnotationConflict(
      `${describeSubject(subject)} changed since you loaded it (version ${current.version}, you had ${String(expectedVersion)}); here is its current state`,
      subject,
      current,
    );
  }
  ctx.loaders.clustersByRun.clear(run.id);
  ctx.loaders.cellSetsByRun.clear(run.id);
  ctx.loaders.annotationsByRun.clear(run.id);
  ctx.loaders.commentsByRun.clear(run.id);
  ctx.loaders.votesByAnnotation.clearAll();
  const target = subjectTarget(run.id, subject);
  ctx.loaders.history.clear(`${target.targetType}|${target.targetId}`);
  await publishEvent(ctx.deps.db, {
    type: "annotation.changed",
    teamId: run.teamId,
    runId: run.id,
    ...subjectColumns(subject),
    proposalId: outcome.change.proposalId,
    action: outcome.change.action,
    version: outcome.row.version,
    status: outcome.row.status,
    actorId: viewer.userId,
  });
  return { ...asAnswer(subject, outcome.row), result: outcome.result };
}

/** changeSubject for a cluster (copyLabels and the CAS import write to clusters only). */
export async function changeCluster<T>(
  ctx: RequestContext,
  run: RunRow,
  clusterIndex: number,
  expectedVersion: number | null | undefined,
  apply: (tx: Tx, cluster: ClusterRow) => Promise<Change<T>>,
): Promise<{ cluster: ClusterRow; result: T }> {
  const r = await changeSubject(ctx, run, { kind: "cluster", index: clusterIndex }, expectedVersion, (tx, row) => apply(tx, row as ClusterRow));
  return { cluster: r.cluster!, result: r.result };
}

class VersionMoved extends Error {}

export async function proposeLabel(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  const input = parseInput(proposeInput, raw);
  const { run, subject } = await findSubject(ctx, input.runId, input);
  await assertCan(ctx, run.teamId, "write", "run");
  await checkMarkerGenes(ctx, run.datasetId, input.markerGenes);
  return changeSubject(ctx, run, subject, null, async (tx) => {
    const [p] = await tx
      .insert(annotations)
      .values({
        runId: run.id,
        ...subjectColumns(subject),
        cellType: input.label,
        ontologyId: input.ontologyId,
        evidence: input.evidence,
        markerGenes: input.markerGenes,
        authorId: viewer.userId,
      })
      .returning();
    return { action: "proposal.create", proposalId: p!.id, before: { proposal: null }, after: { proposal: proposalSnapshot(p!) }, result: p! };
  });
}

export async function reviseProposal(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  const input = parseInput(reviseInput, raw);
  const { run, proposal } = await findProposal(ctx, input.proposalId);
  const role: Role = await assertCan(ctx, run.teamId, "write", "run");
  if (proposal.authorId !== viewer.userId && role !== "owner") throw forbidden("only the proposal's author or a team owner may revise it");
  const set = {
    ...(input.label !== undefined ? { cellType: input.label } : {}),
    ...(input.ontologyId !== undefined ? { ontologyId: input.ontologyId } : {}),
    ...(input.evidence !== undefined ? { evidence: input.evidence } : {}),
    ...(input.markerGenes !== undefined ? { markerGenes: input.markerGenes } : {}),
  };
  if (Object.keys(set).length === 0) throw invalid("nothing to revise: give label, ontologyId, evidence or markerGenes");
  if (input.markerGenes) await checkMarkerGenes(ctx, run.datasetId, input.markerGenes);
  return changeSubject(ctx, run, subjectOf(proposal), input.expectedVersion, async (tx, subject) => {
    const [before] = await tx.select().from(annotations).where(eq(annotations.id, proposal.id));
    const [after] = await tx
      .update(annotations)
      .set({ ...set, revision: sql`${annotations.revision} + 1`, updatedAt: sql`now()` })
      .where(eq(annotations.id, proposal.id))
      .returning();
    // The votes were cast on the earlier text; they do not carry over to a different label.
    const cleared = await tx.delete(votes).where(eq(votes.annotationId, proposal.id)).returning({ userId: votes.userId, value: votes.value });
    return {
      action: "proposal.revise",
      proposalId: proposal.id,
      before: { proposal: proposalSnapshot(before!), votes: cleared },
      after: { proposal: proposalSnapshot(after!), votes: [] },
      result: after!,
      // A changed label is no longer what was accepted.
      accepted: subject.acceptedProposalId === proposal.id ? null : undefined,
    };
  });
}

export async function voteProposal(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  const input = parseInput(voteInput, raw);
  const { run, proposal } = await findProposal(ctx, input.proposalId);
  await assertCan(ctx, run.teamId, "review", "run");
  if (proposal.authorId === viewer.userId) throw invalid("you cannot vote on your own proposal", "proposalId");
  return changeSubject(ctx, run, subjectOf(proposal), input.expectedVersion, async (tx) => {
    const [previous] = await tx
      .select({ value: votes.value, reason: votes.reason })
      .from(votes)
      .where(and(eq(votes.annotationId, proposal.id), eq(votes.userId, viewer.userId)));
    await tx
      .insert(votes)
      .values({ annotationId: proposal.id, userId: viewer.userId, value: input.value, reason: input.reason })
      .onConflictDoUpdate({ target: [votes.annotationId, votes.userId], set: { value: input.value, reason: input.reason, createdAt: sql`now()` } });
    return {
      action: "proposal.vote",
      proposalId: proposal.id,
      before: { vote: previous ?? null },
      after: { vote: { value: input.value, reason: input.reason } },
      result: proposal,
    };
  });
}

export async function commentCluster(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  const input = parseInput(commentInput, raw);
  const { run, subject } = await findSubject(ctx, input.runId, input);
  await assertCan(ctx, run.teamId, "review", "run");
  let proposalId: string | null = null;
  if (input.proposalId) {
    const { proposal } = await findProposal(ctx, input.proposalId);
    if (proposal.runId !== run.id || !sameSubject(subjectOf(proposal), subject)) throw invalid(`the proposal belongs to another ${subject.kind === "cluster" ? "cluster" : "subject"}`, "proposalId");
    proposalId = proposal.id;
  }
  return changeSubject(ctx, run, subject, input.expectedVersion, async (tx) => {
    const [c] = await tx.insert(comments).values({ runId: run.id, ...subjectColumns(subject), proposalId, authorId: viewer.userId, body: input.body }).returning();
    return { action: "comment.create", proposalId, before: { comment: null }, after: { comment: { id: c!.id, body: c!.body } }, result: c! };
  });
}

const overrideReason = z.string().trim().max(2000, "overrideReason is longer than 2000 characters").nullish().transform((s) => s || null);

/** Whether the viewer may accept a proposal now, and what the page should say before the click. */
export interface AcceptGuard {
  allowed: boolean;
  needsOverrideReason: boolean;
  message: string | null;
}

/**
 * The self-accept rule: the author of a proposal someone disagrees with may not accept it, except
 * an owner who gives a reason. `disagreements` are the current DISAGREE votes on the proposal.
 */
export function acceptGuard(role: Role | null, isAuthor: boolean, disagreements: { reason: string | null }[]): AcceptGuard {
  if (role !== "owner" && role !== "editor") return { allowed: false, needsOverrideReason: false, message: "only editors and owners accept proposals" };
  if (!isAuthor || disagreements.length === 0) return { allowed: true, needsOverrideReason: false, message: null };
  const who = `${disagreements.length} reviewer${disagreements.length > 1 ? "s" : ""} disagree${disagreements.length > 1 ? "" : "s"}`;
  if (role !== "owner")
    return { allowed: false, needsOverrideReason: false, message: `You proposed this label and ${who}: another editor or an owner must accept it, or revise it to answer the disagreement.` };
  return { allowed: true, needsOverrideReason: true, message: `You proposed this label and ${who}: as an owner you may accept it only with a recorded override reason.` };
}

export async function acceptProposal(ctx: RequestContext, proposalIdRaw: string, expectedVersionRaw: number, overrideReasonRaw?: string | null) {
  const viewer = requireViewer(ctx);
  const expectedVersion = parseInput(version, expectedVersionRaw);
  const reason = parseInput(overrideReason, overrideReasonRaw);
  const { run, proposal } = await findProposal(ctx, proposalIdRaw);
  const role: Role = await assertCan(ctx, run.teamId, "write", "run");
  return changeSubject(ctx, run, subjectOf(proposal), expectedVersion, async (tx, subject) => {
    if (subject.acceptedProposalId === proposal.id) throw invalid("the proposal is already accepted", "proposalId");
    // Read under the subject's lock: a disagreement that lands first is seen here.
    const disagreements = await tx.select({ reason: votes.reason }).from(votes).where(and(eq(votes.annotationId, proposal.id), eq(votes.value, -1)));
    const guard = acceptGuard(role, proposal.authorId === viewer.userId, disagreements);
    if (!guard.allowed) throw forbidden(guard.message!);
    if (guard.needsOverrideReason && !reason) throw invalid(guard.message!.replace("may accept it only with", "must give"), "overrideReason");
    const overriding = guard.needsOverrideReason ? reason : null;
    return {
      action: "proposal.accept",
      proposalId: proposal.id,
      before: { acceptedProposalId: subject.acceptedProposalId },
      after: { acceptedProposalId: proposal.id, label: proposal.cellType, ontologyId: proposal.ontologyId, ...(overriding ? { overrideReason: overriding, disagreements } : {}) },
      result: proposal,
      accepted: proposal.id,
      overrideReason: overriding,
    };
  });
}

/** The accept guard for the signed-in viewer (Proposal.acceptGuard). */
export async function viewerAcceptGuard(ctx: RequestContext, proposal: ProposalRow): Promise<AcceptGuard> {
  const viewer = ctx.viewer;
  if (!viewer) return acceptGuard(null, false, []);
  const run = await getRun(ctx, proposal.runId);
  const role = (await ctx.roles()).get(run.teamId) ?? null;
  const disagreements = (await ctx.loaders.votesByAnnotation.load(proposal.id)).filter((v) => v.value < 0);
  return acceptGuard(role, proposal.authorId === viewer.userId, disagreements);
}

const adoptInput = z
  .object({
    runId: z.string(),
    ...subjectFields,
    cellTypeId: z.string().trim().max(100),
    tissue: z.string().trim().max(100).nullish(),
  })
  .refine(oneSubject, oneSubjectMessage);

/**
 * Turns a marker-database suggestion into a proposal marked as automated: the suggestion is
 * computed again here (the client's copy is not trusted), its evidence written out, and the
 * proposal goes through the same review flow and audit log as any other.
 */
export async function adoptSuggestion(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  const input = parseInput(adoptInput, raw);
  const term = requireCellType(input.cellTypeId, "cellTypeId");
  const { run, subject, row } = await findSubject(ctx, input.runId, input);
  await assertCan(ctx, run.teamId, "write", "run");
  const options = { top: 10, tissue: input.tissue ?? null };
  const answer = subject.kind === "cluster" ? await suggestionsForCluster(ctx, row as ClusterRow, run.datasetId, options) : await suggestionsForCellSet(ctx, row as CellSetRow, run.datasetId, options);
  const s = answer.suggestions.find((x) => x.cellTypeId === term.id);
  const whose = subject.kind === "cluster" ? `cluster ${subject.index}` : `cell set '${(row as CellSetRow).name}'`;
  if (!s) throw invalid(`${term.id} ('${term.label}') is not among ${whose}'s suggestions${answer.note ? `: ${answer.note}` : ""}`, "cellTypeId");
  const genes = s.matched.slice(0, 10);
  const evidence =
    `Suggested from marker databases (${[...new Set(s.sets.map((x) => x.source))].join(", ")}; ${answer.organism}${answer.tissue ? `, tissue ${answer.tissue}` : ""}), score ${s.score.toFixed(3)}. ` +
    `Up in this ${subject.kind === "cluster" ? "cluster" : "cell set"}: ${genes.map((g) => `${g.gene} (log2FC ${g.logFoldChange.toFixed(2)}, ${(g.pctIn * 100).toFixed(0)}% vs ${(g.pctOut * 100).toFixed(0)}%)`).join(", ")}.` +
    (s.against.length ? ` Against: ${s.against.map((g) => g.gene).join(", ")}.` : "");
  const automated = {
    ...SUGGESTION_ALGORITHM,
    score: s.score,
    organism: answer.organism,
    tissue: answer.tissue,
    matched: s.matched,
    against: s.against,
    markersMeasured: s.markersMeasured,
    sets: s.sets.slice(0, 20),
  };
  return changeSubject(ctx, run, subject, null, async (tx) => {
    // Checked under the subject's row lock, so two clicks at once still make one proposal.
    const [already] = await tx
      .select({ id: annotations.id })
      .from(annotations)
      .where(and(proposalsOf(run.id, subject), eq(annotations.source, "suggestion"), eq(annotations.ontologyId, term.id)));
    if (already) throw invalid(`${whose} already has a proposal adopted from the suggestion ${term.id} ('${term.label}'): vote on it instead`, "cellTypeId");
    const [p] = await tx
      .insert(annotations)
      .values({
        runId: run.id,
        ...subjectColumns(subject),
        cellType: term.label,
        ontologyId: term.id,
        evidence,
        markerGenes: genes.map((g) => g.gene),
        source: "suggestion",
        automated,
        authorId: viewer.userId,
      })
      .returning();
    return { action: "proposal.create", proposalId: p!.id, before: { proposal: null }, after: { proposal: proposalSnapshot(p!), automated: { score: s.score } }, result: p! };
  });
}

/** Audit entries of one cluster, oldest first (the viewer must read the run). */
export async function clusterHistory(ctx: RequestContext, cluster: { runId: string; index: number }, first: number) {
  return subjectHistory(ctx, cluster.runId, { kind: "cluster", index: cluster.index }, first);
}

/** Audit entries of one cluster or cell set, oldest first (the viewer must read the run). */
export async function subjectHistory(ctx: RequestContext, runId: string, subject: Subject, first: number) {
  await getRun(ctx, runId);
  const limit = Math.min(Math.max(first, 1), 500);
  const t = subjectTarget(runId, subject);
  return (await ctx.loaders.history.load(`${t.targetType}|${t.targetId}`)).slice(0, limit);
}

export async function viewerVote(ctx: RequestContext, proposalId: string) {
  const list = await ctx.loaders.votesByAnnotation.load(proposalId);
  return list.find((v) => v.userId === ctx.viewer?.userId) ?? null;
}

const copyInput = z.object({
  fromRunId: z.string(),
  toRunId: z.string(),
  accept: z.boolean().nullish().transform((v) => v ?? false),
  minOverlap: z
    .number()
    .gt(0, "minOverlap must be in (0, 1]")
    .max(1, "minOverlap must be in (0, 1]")
    .nullish()
    .transform((v) => v ?? 0.5),
  expectedVersions: z
    .array(z.object({ clusterIndex: z.number().int(), version }))
    .max(10_000)
    .nullish()
    .transform((v) => new Map((v ?? []).map((e) => [e.clusterIndex, e.version]))),
});

/** Thrown inside a copy's transaction to write nothing for that cluster (the reason is reported). */
class CopySkipped extends Error {}

/**
 * Copies the source run's accepted labels onto the target run's clusters: each target cluster is
 * matched to the source cluster holding most of its cells (over cells both runs clustered), and
 * gets that cluster's accepted label as a proposal when the share reaches `minOverlap`. Every
 * target cluster is reported, copied or not, with the reason.
 */
export async function copyLabels(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  const input = parseInput(copyInput, raw);
  const from = await getRun(ctx, input.fromRunId);
  const to = await getRun(ctx, input.toRunId);
  await assertCan(ctx, to.teamId, "write", "run");
  if (from.id === to.id) throw invalid("copy labels between two different runs", "toRunId");
  if (from.datasetId !== to.datasetId) throw invalid("the runs are of different datasets; labels are copied by shared cells", "toRunId");
  for (const [r, field] of [
    [from, "fromRunId"],
    [to, "toRunId"],
  ] as const)
    if (r.status !== "succeeded") throw invalid(`run ${r.id} has not succeeded (${r.status})`, field);
  const [a, b] = await Promise.all([readCellsFile(ctx, from), readCellsFile(ctx, to)]);
  const sourceOf = new Map<number, number>();
  a.cell.forEach((cell, i) => sourceOf.set(cell, a.cluster[i]!));
  const targetClusters = await ctx.loaders.clustersByRun.load(to.id);
  const sourceClusters = await ctx.loaders.clustersByRun.load(from.id);
  const sourceProposals = await ctx.loaders.annotationsByRun.load(from.id);
  // overlap[t] = counts of target cluster t's cells per source cluster.
  const overlap = new Map<number, Map<number, number>>();
  const shared = new Map<number, number>();
  b.cell.forEach((cell, i) => {
    const s = sourceOf.get(cell);
    if (s === undefined) return;
    const t = b.cluster[i]!;
    let m = overlap.get(t);
    if (!m) overlap.set(t, (m = new Map()));
    m.set(s, (m.get(s) ?? 0) + 1);
    shared.set(t, (shared.get(t) ?? 0) + 1);
  });
  const mappings = [];
  const conflicts: AppError[] = [];
  for (const target of targetClusters) {
    let best: [number, number] | null = null;
    for (const entry of overlap.get(target.index) ?? []) if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
    const total = shared.get(target.index) ?? 0;
    const base = { toCluster: target.index, fromCluster: best?.[0] ?? null, sharedCells: best?.[1] ?? 0, overlap: best && total ? best[1] / total : 0 };
    const source = best ? sourceClusters.find((c) => c.index === best[0]) : undefined;
    const accepted = source?.acceptedProposalId ? sourceProposals.find((p) => p.id === source.acceptedProposalId) : undefined;
    const skip = (reason: string) => mappings.push({ ...base, label: accepted?.cellType ?? null, ontologyId: accepted?.ontologyId ?? null, copied: false, accepted: false, reason, proposal: null });
    if (!best) {
      skip("no cell of this cluster was clustered in the source run");
      continue;
    }
    if (!accepted) {
      skip(`source cluster ${best[0]} has no accepted label`);
      continue;
    }
    if (base.overlap < input.minOverlap) {
      skip(`only ${(base.overlap * 100).toFixed(1)}% of the cluster's cells lie in source cluster ${best[0]} (needs ${(input.minOverlap * 100).toFixed(0)}%)`);
      continue;
    }
    const expected = input.expectedVersions.get(target.index);
    let copied: Awaited<ReturnType<typeof changeCluster<{ proposal: ProposalRow; accepted: boolean }>>>;
    try {
      // The same versioned path as every annotation change: the checks below read the cluster as
      // locked by its version bump, so a concurrent copy or acceptance is seen, never overwritten.
      copied = await changeCluster(ctx, to, target.index, expected, async (tx, cluster) => {
        const [same] = await tx
          .select({ id: annotations.id })
          .from(annotations)
          .where(
            and(
              eq(annotations.runId, to.id),
              eq(annotations.clusterIndex, target.index),
              eq(annotations.cellType, accepted.cellType),
              accepted.ontologyId === null ? sql`${annotations.ontologyId} is null` : eq(annotations.ontologyId, accepted.ontologyId),
            ),
          );
        if (same) throw new CopySkipped("the cluster already has a proposal with this label");
        // An accepted label is replaced only for a caller who named the version they saw.
        const accept = input.accept && (!cluster.acceptedProposalId || expected !== undefined);
        const [p] = await tx
          .insert(annotations)
          .values({
            runId: to.id,
            clusterIndex: target.index,
            cellType: accepted.cellType,
            ontologyId: accepted.ontologyId,
            evidence: `Copied from run ${from.id} cluster ${best[0]}, which holds ${(base.overlap * 100).toFixed(1)}% of this cluster's cells.${accepted.evidence ? ` Its evidence: ${accepted.evidence}` : ""}`,
            markerGenes: accepted.markerGenes,
            source: "copy",
            authorId: viewer.userId,
          })
          .returning();
        return {
          action: "labels.copy",
          proposalId: p!.id,
          before: { proposal: null, acceptedProposalId: cluster.acceptedProposalId },
          after: { proposal: proposalSnapshot(p!), from: { runId: from.id, cluster: best[0], overlap: base.overlap }, accepted: accept },
          result: { proposal: p!, accepted: accept },
          accepted: accept ? p!.id : undefined,
        };
      });
    } catch (err) {
      if (err instanceof CopySkipped) {
        skip(err.message);
        continue;
      }
      if (err instanceof AnnotationConflict) {
        conflicts.push(new AppError("CONFLICT", `cluster ${target.index}: ${err.message}`, "expectedVersions"));
        skip(err.message);
        continue;
      }
      throw err;
    }
    const { proposal, accepted: wasAccepted } = copied.result;
    const kept = input.accept && !wasAccepted ? "copied as a proposal; the cluster's accepted label was kept (name its version in expectedVersions to replace it)" : null;
    mappings.push({ ...base, label: accepted.cellType, ontologyId: accepted.ontologyId, copied: true, accepted: wasAccepted, reason: kept, proposal });
  }
  await audit(ctx.deps.db.db, {
    teamId: to.teamId,
    actorId: viewer.userId,
    action: "labels.copy",
    targetType: "run",
    targetId: to.id,
    data: { fromRunId: from.id, copied: mappings.filter((m) => m.copied).length, clusters: mappings.length },
  });
  return { run: to, mappings, conflicts };
}
