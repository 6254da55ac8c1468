import { and, eq, inArray, runs, sql, type RunStatus } from "@scfnccl/db";
import { tl } from "@scfnccl/engine";
import { checkMethodParams, enqueueRun, METHODS, methodTrains, publishEvent, runParamsSchema } from "@scfnccl/platform";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { conflict, invalid, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { parseInput } from "./auth.ts";
import { getDataset } from "./datasets.ts";
import { keyset, pageSize, toConnection, type PageArgs } from "./pagination.ts";

export async function getRun(ctx: RequestContext, idRaw: string) {
  const run = await ctx.loaders.run.load(checkId(idRaw, "run"));
  if (!run) throw notFound("run");
  await assertCan(ctx, run.teamId, "read", "run");
  return run;
}

export async function listRuns(ctx: RequestContext, filter: { teamId: string; datasetId?: string; status?: RunStatus | null }, args: PageArgs) {
  await assertCan(ctx, filter.teamId, "read", "team");
  const limit = pageSize(args);
  const { where, orderBy } = keyset(runs, args);
  const rows = await ctx.deps.db.db
    .select()
    .from(runs)
    .where(
      and(
        eq(runs.teamId, filter.teamId),
        filter.datasetId ? eq(runs.datasetId, filter.datasetId) : undefined,
        filter.status ? eq(runs.status, filter.status) : undefined,
        where,
      ),
    )
    .orderBy(...orderBy)
    .limit(limit + 1);
  for (const r of rows) ctx.loaders.run.prime(r.id, r);
  return toConnection(rows, limit);
}

/** Runs side by side (same order as asked); each must be readable by the viewer. */
export async function compareRuns(ctx: RequestContext, ids: string[]) {
  if (ids.length < 1 || ids.length > 20) throw invalid("compare between 1 and 20 runs", "ids");
  return Promise.all(ids.map((id) => getRun(ctx, id)));
}

const createRunInput = z.object({
  datasetId: z.string(),
  method: z.enum(METHODS, { message: `method must be one of ${METHODS.join(", ")}` }).default("scfnccl"),
  params: runParamsSchema.default({}),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
});

export async function createRun(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  // Drop explicit nulls GraphQL sends for unset optional input fields.
  const cleaned = JSON.parse(JSON.stringify(raw, (_k, v: unknown) => (v === null ? undefined : v))) as unknown;
  const input = parseInput(createRunInput, cleaned);
  const dataset = await getDataset(ctx, input.datasetId);
  await assertCan(ctx, dataset.teamId, "write", "dataset");
  if (input.params.k !== undefined && input.params.k > dataset.cells) throw invalid(`k (${input.params.k}) exceeds the dataset's ${dataset.cells} cells`, "params.k");
  const mismatch = checkMethodParams(input.method, input.params);
  if (mismatch) throw invalid(mismatch.message, mismatch.field);
  if (input.params.k === undefined && tl.CLUSTER_METHODS[input.method].needsK && dataset.labelColumns.length === 0) {
    throw invalid(`the dataset has no labels, so method ${input.method} needs params.k`, "params.k");
  }
  const [run] = await ctx.deps.db.db
    .insert(runs)
    .values({ teamId: dataset.teamId, datasetId: dataset.id, createdById: viewer.userId, method: input.method, params: input.params, seed: input.seed })
    .returning();
  await enqueueRun(ctx.deps.boss, run!.id);
  await audit(ctx.deps.db.db, { teamId: run!.teamId, actorId: viewer.userId, action: "run.create", targetType: "run", targetId: run!.id, data: { params: input.params } });
  await publishEvent(ctx.deps.db, { type: "run.status", teamId: run!.teamId, runId: run!.id, status: "queued", attempt: 0 });
  return run!;
}

/** A queued run is cancelled at once; a running one when its worker's next heartbeat sees the request. */
export async function cancelRun(ctx: RequestContext, idRaw: string) {
  const viewer = requireViewer(ctx);
  const run = await getRun(ctx, idRaw);
  await assertCan(ctx, run.teamId, "write", "run");
  const db = ctx.deps.db.db;
  const [queued] = await db
    .update(runs)
    .set({ status: "cancelled", cancelRequestedAt: sql`now()`, finishedAt: sql`now()` })
    .where(and(eq(runs.id, run.id), eq(runs.status, "queued")))
    .returning();
  let updated = queued;
  if (queued) {
    await publishEvent(ctx.deps.db, { type: "run.status", teamId: run.teamId, runId: run.id, status: "cancelled", attempt: queued.attempt });
  } else {
    [updated] = await db
      .update(runs)
      .set({ cancelRequestedAt: sql`now()` })
      .where(and(eq(runs.id, run.id), eq(runs.status, "running")))
      .returning();
  }
  if (!updated) throw conflict(`the run is ${run.status}; only queued or running runs can be cancelled`);
  await audit(db, { teamId: run.teamId, actorId: viewer.userId, action: "run.cancel", targetType: "run", targetId: run.id });
  ctx.loaders.run.clear(run.id).prime(run.id, updated);
  return updated;
}

/** Queues a failed or cancelled run again; it resumes from its last checkpoint when it has one. */
export async function retryRun(ctx: RequestContext, idRaw: string) {
  const viewer = requireViewer(ctx);
  const run = await getRun(ctx, idRaw);
  await assertCan(ctx, run.teamId, "write", "run");
  const [updated] = await ctx.deps.db.db
    .update(runs)
    .set({ status: "queued", cancelRequestedAt: null, error: null, finishedAt: null })
    .where(and(eq(runs.id, run.id), inArray(runs.status, ["failed", "cancelled"])))
    .returning();
  if (!updated) throw conflict(`the run is ${run.status}; only failed or cancelled runs can be retried`);
  await enqueueRun(ctx.deps.boss, run.id);
  await audit(ctx.deps.db.db, { teamId: run.teamId, actorId: viewer.userId, action: "run.retry", targetType: "run", targetId: run.id });
  await publishEvent(ctx.deps.db, { type: "run.status", teamId: run.teamId, runId: run.id, status: "queued", attempt: updated.attempt });
  ctx.loaders.run.clear(run.id).prime(run.id, updated);
  return updated;
}

/** The clustering methods a run may use: the engine's registry, which the worker runs in full. */
export function listMethods() {
  return METHODS.map((name) => {
    const m = tl.CLUSTER_METHODS[name];
    return { name, description: m.description, needsK: m.needsK, usesResolution: m.usesResolution, trains: methodTrains(name) };
  });
}
