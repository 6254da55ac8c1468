import { and, eq, inArray, runs, sql, type RunStatus } from "@scfnccl/db";
import { tl } from "@scfnccl/engine";
import { enqueueRun, publishEvent } from "@scfnccl/platform";
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

// The method's settings (names, types, defaults, bounds) are the engine registry's; only the shape is checked here.
const createRunInput = z.object({
  datasetId: z.string(),
  method: z.string({ message: "method must be a method name (Query.methods)" }),
  params: z.record(z.string(), z.unknown(), { message: "params must be an object of settings by name" }).default({}),
  seed: z.number().optional(),
});

/** The run's settings checked against the engine registry; a bad one is a typed error naming its field. */
function runSettings(method: string, params: Record<string, unknown>, seed: number | undefined): tl.RunSettings {
  try {
    return tl.resolveRunSettings(method, seed === undefined ? params : { ...params, seed });
  } catch (err) {
    if (!(err instanceof tl.SettingError)) throw err;
    const field = err.setting === "method" ? "method" : err.setting === "seed" && seed !== undefined ? "seed" : `params.${err.setting}`;
    throw invalid(err.problem, field);
  }
}

export async function createRun(ctx: RequestContext, raw: unknown) {
  const viewer = requireViewer(ctx);
  // Drop explicit nulls GraphQL sends for unset optional input fields.
  const cleaned = JSON.parse(JSON.stringify(raw, (_k, v: unknown) => (v === null ? undefined : v))) as unknown;
  const input = parseInput(createRunInput, cleaned);
  const dataset = await getDataset(ctx, input.datasetId);
  await assertCan(ctx, dataset.teamId, "write", "dataset");
  const { seed, settings, ...options } = runSettings(input.method, input.params, input.seed);
  const params = { ...options, ...settings };
  if (options.k !== undefined && options.k > dataset.cells) throw invalid(`k (${options.k}) exceeds the dataset's ${dataset.cells} cells`, "params.k");
  // A blank k on a dataset without labels is estimated by the worker from the cells (Run.kSelection).
  const [run] = await ctx.deps.db.db
    .insert(runs)
    .values({ teamId: dataset.teamId, datasetId: dataset.id, createdById: viewer.userId, method: input.method, params, seed })
    .returning();
  await enqueueRun(ctx.deps.boss, run!.id);
  await audit(ctx.deps.db.db, { teamId: run!.teamId, actorId: viewer.userId, action: "run.create", targetType: "run", targetId: run!.id, data: { params } });
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

/** The clustering methods a run may use, with every setting: the engine's registry, which the worker runs in full. */
export function listMethods() {
  return tl.describeMethods().map((m) => ({
    ...m,
    settings: m.settings.map((s) => ({
      name: s.name,
      type: s.type,
      default: s.default,
      min: s.type === "choice" ? null : (s.min ?? null),
      exclusiveMin: s.type !== "choice" && s.exclusiveMin === true,
      max: s.type === "choice" ? null : (s.max ?? null),
      choices: s.type === "choice" ? [...s.choices] : null,
      description: s.description,
      basic: s.basic === true,
    })),
  }));
}
