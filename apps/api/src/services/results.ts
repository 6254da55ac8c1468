import { artifacts, eq } from "@scfnccl/db";
import type { RequestContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { assertCan, checkId } from "./access.ts";

export async function runClusters(ctx: RequestContext, run: { id: string; teamId: string }) {
  await assertCan(ctx, run.teamId, "read", "run");
  return ctx.loaders.clustersByRun.load(run.id);
}

export async function runArtifacts(ctx: RequestContext, run: { id: string; teamId: string }) {
  await assertCan(ctx, run.teamId, "read", "run");
  return ctx.loaders.artifactsByRun.load(run.id);
}

/** The artifact and its run, when the viewer may read them (downloads go through this). */
export async function getArtifact(ctx: RequestContext, idRaw: string) {
  const [artifact] = await ctx.deps.db.db.select().from(artifacts).where(eq(artifacts.id, checkId(idRaw, "artifact")));
  if (!artifact) throw notFound("artifact");
  const run = await ctx.loaders.run.load(artifact.runId);
  if (!run) throw notFound("artifact");
  await assertCan(ctx, run.teamId, "read", "artifact");
  return artifact;
}

export const artifactUrl = (id: string) => `/api/artifacts/${id}`;
