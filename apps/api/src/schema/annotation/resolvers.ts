import type { annotations, comments } from "@scfnccl/db";
import type { RequestContext } from "../../context.ts";
import { annotateCluster, commentCluster, voteAnnotation, viewerVote } from "../../services/annotations.ts";
import { payload } from "../errors.ts";

type AnnotationRow = typeof annotations.$inferSelect;
type CommentRow = typeof comments.$inferSelect;

export const annotationResolvers = {
  Mutation: {
    annotateCluster: (_: unknown, args: { runId: string; clusterIndex: number; cellType: string }, ctx: RequestContext) =>
      payload("annotation", () => annotateCluster(ctx, args.runId, args.clusterIndex, args.cellType)),
    voteAnnotation: (_: unknown, args: { id: string; value: number }, ctx: RequestContext) => payload("annotation", () => voteAnnotation(ctx, args.id, args.value)),
    commentCluster: (_: unknown, args: { runId: string; clusterIndex: number; body: string }, ctx: RequestContext) =>
      payload("comment", () => commentCluster(ctx, args.runId, args.clusterIndex, args.body)),
  },
  Annotation: {
    author: (a: AnnotationRow, _: unknown, ctx: RequestContext) => ctx.loaders.user.load(a.authorId),
    score: async (a: AnnotationRow, _: unknown, ctx: RequestContext) => (await ctx.loaders.votesByAnnotation.load(a.id)).reduce((s, v) => s + v.value, 0),
    viewerVote: (a: AnnotationRow, _: unknown, ctx: RequestContext) => viewerVote(ctx, a.id),
  },
  Comment: {
    author: (c: CommentRow, _: unknown, ctx: RequestContext) => ctx.loaders.user.load(c.authorId),
  },
};
