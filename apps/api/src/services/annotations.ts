import { annotations, comments, eq, votes } from "@scfnccl/db";
import { publishEvent } from "@scfnccl/worker";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { parseInput } from "./auth.ts";
import { getRun } from "./runs.ts";

async function clusterOf(ctx: RequestContext, runId: string, clusterIndex: number) {
  const run = await getRun(ctx, runId);
  const clusters = await ctx.loaders.clustersByRun.load(run.id);
  if (!clusters.some((c) => c.index === clusterIndex)) throw invalid(`the run has no cluster ${clusterIndex}`, "clusterIndex");
  return run;
}

export async function annotateCluster(ctx: RequestContext, runId: string, clusterIndex: number, cellTypeRaw: string) {
  const viewer = requireViewer(ctx);
  const run = await clusterOf(ctx, runId, clusterIndex);
  await assertCan(ctx, run.teamId, "write", "run");
  const cellType = parseInput(z.string().trim().min(1, "cell type is required").max(200), cellTypeRaw);
  const [a] = await ctx.deps.db.db.insert(annotations).values({ runId: run.id, clusterIndex, cellType, authorId: viewer.userId }).returning();
  await audit(ctx.deps.db.db, { teamId: run.teamId, actorId: viewer.userId, action: "annotation.create", targetType: "annotation", targetId: a!.id, data: { cellType } });
  await publishEvent(ctx.deps.db, { type: "annotation.changed", teamId: run.teamId, runId: run.id, clusterIndex, annotationId: a!.id, action: "created" });
  return a!;
}

export async function voteAnnotation(ctx: RequestContext, idRaw: string, value: number) {
  const viewer = requireViewer(ctx);
  if (value !== 1 && value !== -1) throw invalid("a vote is 1 or -1", "value");
  const [a] = await ctx.deps.db.db.select().from(annotations).where(eq(annotations.id, checkId(idRaw, "annotation")));
  if (!a) throw notFound("annotation");
  const run = await getRun(ctx, a.runId).catch(() => {
    throw notFound("annotation");
  });
  await assertCan(ctx, run.teamId, "review", "annotation");
  await ctx.deps.db.db
    .insert(votes)
    .values({ annotationId: a.id, userId: viewer.userId, value })
    .onConflictDoUpdate({ target: [votes.annotationId, votes.userId], set: { value } });
  await audit(ctx.deps.db.db, { teamId: run.teamId, actorId: viewer.userId, action: "annotation.vote", targetType: "annotation", targetId: a.id, data: { value } });
  await publishEvent(ctx.deps.db, { type: "annotation.changed", teamId: run.teamId, runId: run.id, clusterIndex: a.clusterIndex, annotationId: a.id, action: "voted" });
  ctx.loaders.votesByAnnotation.clear(a.id);
  return a;
}

export async function commentCluster(ctx: RequestContext, runId: string, clusterIndex: number, bodyRaw: string) {
  const viewer = requireViewer(ctx);
  const run = await clusterOf(ctx, runId, clusterIndex);
  await assertCan(ctx, run.teamId, "review", "run");
  const body = parseInput(z.string().trim().min(1, "comment is empty").max(5000), bodyRaw);
  const [c] = await ctx.deps.db.db.insert(comments).values({ runId: run.id, clusterIndex, authorId: viewer.userId, body }).returning();
  await audit(ctx.deps.db.db, { teamId: run.teamId, actorId: viewer.userId, action: "comment.create", targetType: "comment", targetId: c!.id });
  return c!;
}

export async function viewerVote(ctx: RequestContext, annotationId: string): Promise<number | null> {
  const list = await ctx.loaders.votesByAnnotation.load(annotationId);
  return list.find((v) => v.userId === ctx.viewer?.userId)?.value ?? null;
}

