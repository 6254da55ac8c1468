import type { Resolvers } from "../types.generated.ts";

// A cluster is only reached through its run, whose resolver has checked access.
export const clusterResolvers: Resolvers = {
  Cluster: {
    annotations: async (c, _, ctx) => (await ctx.loaders.annotationsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index),
    comments: async (c, _, ctx) => (await ctx.loaders.commentsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index),
  },
};
