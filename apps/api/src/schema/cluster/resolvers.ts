import { MARKERS_PER_CLUSTER } from "@scfnccl/platform";
import { clusterHistory } from "../../services/annotations.ts";
import { query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

// A cluster is only reached through its run (or an annotation payload), whose service has checked access.
export const clusterResolvers: Resolvers = {
  Cluster: {
    id: (c) => `${c.runId}:${c.index}`,
    markers: (c, args) =>
      (c.markers ?? []).slice(0, Math.max(0, Math.min(args.top ?? 10, MARKERS_PER_CLUSTER))).map((m, i) => ({ ...m, rank: i + 1 })),
    label: async (c, _, ctx) => (c.acceptedProposalId ? ((await ctx.loaders.annotationsByRun.load(c.runId)).find((p) => p.id === c.acceptedProposalId)?.cellType ?? null) : null),
    acceptedProposal: async (c, _, ctx) => (c.acceptedProposalId ? ((await ctx.loaders.annotationsByRun.load(c.runId)).find((p) => p.id === c.acceptedProposalId) ?? null) : null),
    proposals: async (c, _, ctx) => (await ctx.loaders.annotationsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index),
    comments: async (c, _, ctx) => (await ctx.loaders.commentsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index),
    history: (c, args, ctx) => query(() => clusterHistory(ctx, c, args.first ?? 100)),
  },
};
