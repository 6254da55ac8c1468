import type { clusters } from "@scfnccl/db";
import type { RequestContext } from "../../context.ts";

type ClusterRow = typeof clusters.$inferSelect;

// A cluster is only reached through its run, whose resolver has checked access.
export const clusterResolvers = {
  Cluster: {
    annotations: async (c: ClusterRow, _: unknown, ctx: RequestContext) =>
      (await ctx.loaders.annotationsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index),
    comments: async (c: ClusterRow, _: unknown, ctx: RequestContext) => (await ctx.loaders.commentsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index),
  },
};
