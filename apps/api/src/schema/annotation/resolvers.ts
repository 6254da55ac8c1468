import { annotateCluster, commentCluster, voteAnnotation, viewerVote } from "../../services/annotations.ts";
import { payload } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

export const annotationResolvers: Resolvers = {
  Mutation: {
    annotateCluster: (_, args, ctx) => payload("annotation", () => annotateCluster(ctx, args.runId, args.clusterIndex, args.cellType)),
    voteAnnotation: (_, args, ctx) => payload("annotation", () => voteAnnotation(ctx, args.id, args.value)),
    commentCluster: (_, args, ctx) => payload("comment", () => commentCluster(ctx, args.runId, args.clusterIndex, args.body)),
  },
  Annotation: {
    author: async (a, _, ctx) => (await ctx.loaders.user.load(a.authorId))!,
    score: async (a, _, ctx) => (await ctx.loaders.votesByAnnotation.load(a.id)).reduce((s, v) => s + v.value, 0),
    viewerVote: (a, _, ctx) => viewerVote(ctx, a.id),
  },
  Comment: {
    author: async (c, _, ctx) => (await ctx.loaders.user.load(c.authorId))!,
  },
};
