import { datasetQcOf, deleteDataset, getDataset } from "../../services/datasets.ts";
import { listRuns } from "../../services/runs.ts";
import { payload, query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

export const datasetResolvers: Resolvers = {
  Query: {
    dataset: (_, args, ctx) => query(() => getDataset(ctx, args.id)),
  },
  Mutation: {
    deleteDataset: (_, args, ctx) => payload("deletedId", () => deleteDataset(ctx, args.id)),
  },
  Dataset: {
    team: async (d, _, ctx) => (await ctx.loaders.team.load(d.teamId))!,
    uploader: async (d, _, ctx) => (await ctx.loaders.user.load(d.uploaderId))!,
    runs: (d, args, ctx) => query(() => listRuns(ctx, { teamId: d.teamId, datasetId: d.id }, args)),
    qc: (d, _, ctx) => query(() => datasetQcOf(ctx, d)),
  },
};
