import { clusterHistory, subjectHistory } from "../../services/annotations.ts";
import { clusterMarkers, filterArg } from "../../services/markers.ts";
import { cellSetMarkers, createCellSet, deleteCellSet, getCellSet, listCellSets } from "../../services/cellSets.ts";
import { payload, query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

// A cluster is only reached through its run (or an annotation payload), whose service has checked access.
export const clusterResolvers: Resolvers = {
  Query: {
    cellSet: (_, args, ctx) => query(() => getCellSet(ctx, args.id)),
  },
  Mutation: {
    createCellSet: (_, args, ctx) => payload("cellSet", () => createCellSet(ctx, args.input.runId, args.input.name, args.input.cells)),
    deleteCellSet: (_, args, ctx) => payload("deletedId", () => deleteCellSet(ctx, args.id)),
  },
  Run: {
    cellSets: (r, _, ctx) => query(() => listCellSets(ctx, r)),
  },
  CellSet: {
    size: (s) => s.cells.length,
    createdBy: async (s, _, ctx) => (await ctx.loaders.user.load(s.createdById))!,
    markers: (s, args, ctx) => query(() => cellSetMarkers(ctx, s, args.reference, args.top ?? 10, args.filter === null ? null : filterArg(args.filter))),
    label: async (s, _, ctx) => (s.acceptedProposalId ? ((await ctx.loaders.annotationsByRun.load(s.runId)).find((p) => p.id === s.acceptedProposalId)?.cellType ?? null) : null),
    acceptedProposal: async (s, _, ctx) => (s.acceptedProposalId ? ((await ctx.loaders.annotationsByRun.load(s.runId)).find((p) => p.id === s.acceptedProposalId) ?? null) : null),
    proposals: async (s, _, ctx) => (await ctx.loaders.annotationsByRun.load(s.runId)).filter((a) => a.cellSetId === s.id),
    comments: async (s, _, ctx) => (await ctx.loaders.commentsByRun.load(s.runId)).filter((a) => a.cellSetId === s.id),
    history: (s, args, ctx) => query(() => subjectHistory(ctx, s.runId, { kind: "cellSet", id: s.id }, args.first ?? 100)),
  },
  Cluster: {
    id: (c) => `${c.runId}:${c.index}`,
    markers: (c, args, ctx) => query(() => clusterMarkers(ctx, c, args.top ?? 10, args.filter === null ? null : filterArg(args.filter))),
    label: async (c, _, ctx) => (c.acceptedProposalId ? ((await ctx.loaders.annotationsByRun.load(c.runId)).find((p) => p.id === c.acceptedProposalId)?.cellType ?? null) : null),
    acceptedProposal: async (c, _, ctx) => (c.acceptedProposalId ? ((await ctx.loaders.annotationsByRun.load(c.runId)).find((p) => p.id === c.acceptedProposalId) ?? null) : null),
    proposals: async (c, _, ctx) => (await ctx.loaders.annotationsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index && !a.cellSetId),
    comments: async (c, _, ctx) => (await ctx.loaders.commentsByRun.load(c.runId)).filter((a) => a.clusterIndex === c.index && !a.cellSetId),
    history: (c, args, ctx) => query(() => clusterHistory(ctx, c, args.first ?? 100)),
  },
};
