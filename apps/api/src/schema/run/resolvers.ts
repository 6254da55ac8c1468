import type { artifacts, runs } from "@scfnccl/db";
import type { RequestContext } from "../../context.ts";
import { artifactUrl, runArtifacts, runClusters } from "../../services/results.ts";
import { cancelRun, compareRuns, createRun, getRun, retryRun } from "../../services/runs.ts";
import { payload, query } from "../errors.ts";

type RunRow = typeof runs.$inferSelect;
type ArtifactRow = typeof artifacts.$inferSelect;

export const runResolvers = {
  RunStatus: { QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", CANCELLED: "cancelled" },
  ArtifactKind: { EMBEDDING: "embedding", CLUSTERS: "clusters", CHECKPOINT: "checkpoint", HISTORY: "history" },
  Query: {
    run: (_: unknown, args: { id: string }, ctx: RequestContext) => query(() => getRun(ctx, args.id)),
    compareRuns: (_: unknown, args: { ids: string[] }, ctx: RequestContext) => query(() => compareRuns(ctx, args.ids)),
  },
  Mutation: {
    createRun: (_: unknown, args: { input: unknown }, ctx: RequestContext) => payload("run", () => createRun(ctx, args.input)),
    cancelRun: (_: unknown, args: { id: string }, ctx: RequestContext) => payload("run", () => cancelRun(ctx, args.id)),
    retryRun: (_: unknown, args: { id: string }, ctx: RequestContext) => payload("run", () => retryRun(ctx, args.id)),
  },
  Run: {
    team: (r: RunRow, _: unknown, ctx: RequestContext) => ctx.loaders.team.load(r.teamId),
    dataset: (r: RunRow, _: unknown, ctx: RequestContext) => ctx.loaders.dataset.load(r.datasetId),
    createdBy: (r: RunRow, _: unknown, ctx: RequestContext) => ctx.loaders.user.load(r.createdById),
    clusters: (r: RunRow, _: unknown, ctx: RequestContext) => query(() => runClusters(ctx, r)),
    artifacts: (r: RunRow, _: unknown, ctx: RequestContext) => query(() => runArtifacts(ctx, r)),
    embedding: async (r: RunRow, _: unknown, ctx: RequestContext) => (await query(() => runArtifacts(ctx, r))).find((a) => a.kind === "embedding") ?? null,
  },
  Artifact: {
    downloadUrl: (a: ArtifactRow) => artifactUrl(a.id),
  },
};
