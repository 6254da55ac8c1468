import { AppError } from "../../errors.ts";
import { acceptProposal, AnnotationConflict, commentCluster, copyLabels, proposeLabel, reviseProposal, viewerVote, voteProposal } from "../../services/annotations.ts";
import { payload } from "../errors.ts";
import type { CellSetRow, ClusterRow, CommentRow, ProposalRow } from "../rows.ts";
import type { Resolvers, UserError } from "../types.generated.ts";

interface AnnotationAnswer {
  cluster: ClusterRow | null;
  cellSet: CellSetRow | null;
  proposal: ProposalRow | null;
  comment: CommentRow | null;
  errors: UserError[];
}

/** A mutation's answer: the cluster or cell set after the change, or its current state on CONFLICT. */
export async function annotationAnswer(fn: () => Promise<{ cluster: ClusterRow | null; cellSet: CellSetRow | null; result: ProposalRow | CommentRow }>, kind: "proposal" | "comment"): Promise<AnnotationAnswer> {
  try {
    const { cluster, cellSet, result } = await fn();
    return { cluster, cellSet, proposal: kind === "proposal" ? (result as ProposalRow) : null, comment: kind === "comment" ? (result as CommentRow) : null, errors: [] };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const current = err instanceof AnnotationConflict ? err : { cluster: null, cellSet: null };
    return { cluster: current.cluster, cellSet: current.cellSet, proposal: null, comment: null, errors: [{ code: err.code, message: err.message, field: err.field ?? null }] };
  }
}
const answer = annotationAnswer;

export const annotationResolvers: Resolvers = {
  AnnotationStatus: { OPEN: "open", PROPOSED: "proposed", ACCEPTED: "accepted", DISPUTED: "disputed" },
  VoteValue: { AGREE: 1, DISAGREE: -1 },
  Mutation: {
    proposeLabel: (_, args, ctx) => answer(() => proposeLabel(ctx, args.input), "proposal"),
    reviseProposal: (_, args, ctx) => answer(() => reviseProposal(ctx, args.input), "proposal"),
    voteProposal: (_, args, ctx) => answer(() => voteProposal(ctx, args.input), "proposal"),
    commentCluster: (_, args, ctx) => answer(() => commentCluster(ctx, args.input), "comment"),
    acceptProposal: (_, args, ctx) => answer(() => acceptProposal(ctx, args.proposalId, args.expectedVersion, args.overrideReason), "proposal"),
    copyLabels: async (_, args, ctx) => {
      const p = await payload("result", () => copyLabels(ctx, args.input));
      // Clusters whose version moved are CONFLICTs beside the mappings of the clusters copied.
      const conflicts = (p.result?.conflicts ?? []).map((e) => ({ code: e.code, message: e.message, field: e.field ?? null }));
      return { run: p.result?.run ?? null, mappings: p.result?.mappings ?? [], errors: [...p.errors, ...conflicts] };
    },
  },
  Proposal: {
    label: (p) => p.cellType,
    author: async (p, _, ctx) => (await ctx.loaders.user.load(p.authorId))!,
    accepted: async (p, _, ctx) =>
      (p.cellSetId ? (await ctx.loaders.cellSetsByRun.load(p.runId)).find((s) => s.id === p.cellSetId) : (await ctx.loaders.clustersByRun.load(p.runId)).find((c) => c.index === p.clusterIndex))
        ?.acceptedProposalId === p.id,
    agreeCount: async (p, _, ctx) => (await ctx.loaders.votesByAnnotation.load(p.id)).filter((v) => v.value > 0).length,
    disagreeCount: async (p, _, ctx) => (await ctx.loaders.votesByAnnotation.load(p.id)).filter((v) => v.value < 0).length,
    votes: (p, _, ctx) => ctx.loaders.votesByAnnotation.load(p.id),
    viewerVote: (p, _, ctx) => viewerVote(ctx, p.id),
  },
  Vote: {
    user: async (v, _, ctx) => (await ctx.loaders.user.load(v.userId))!,
    value: (v) => (v.value > 0 ? 1 : -1),
  },
  Comment: {
    author: async (c, _, ctx) => (await ctx.loaders.user.load(c.authorId))!,
    proposal: async (c, _, ctx) => (c.proposalId ? ((await ctx.loaders.annotationsByRun.load(c.runId)).find((p) => p.id === c.proposalId) ?? null) : null),
  },
  AnnotationEvent: {
    id: (e) => String(e.id),
    actor: async (e, _, ctx) => (e.actorId ? ctx.loaders.user.load(e.actorId) : null),
    proposalId: (e) => (e.data?.["proposalId"] as string | null | undefined) ?? null,
    before: (e) => e.data?.["before"] ?? null,
    after: (e) => e.data?.["after"] ?? null,
  },
};
