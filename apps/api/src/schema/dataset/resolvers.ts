import { findGenes } from "../../services/cellData.ts";
import { datasetQcOf, deleteDataset, getDataset, setGeneNameColumn } from "../../services/datasets.ts";
import { listRuns } from "../../services/runs.ts";
import { payload, query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

export const datasetResolvers: Resolvers = {
  Query: {
    dataset: (_, args, ctx) => query(() => getDataset(ctx, args.id)),
  },
  Mutation: {
    deleteDataset: (_, args, ctx) => payload("deletedId", () => deleteDataset(ctx, args.id)),
    setGeneNameColumn: (_, args, ctx) => payload("dataset", () => setGeneNameColumn(ctx, args.datasetId, args.column ?? null)),
  },
  Dataset: {
    team: async (d, _, ctx) => (await ctx.loaders.team.load(d.teamId))!,
    uploader: async (d, _, ctx) => (await ctx.loaders.user.load(d.uploaderId))!,
    runs: (d, args, ctx) => query(() => listRuns(ctx, { teamId: d.teamId, datasetId: d.id }, args)),
    qc: (d, _, ctx) => query(() => datasetQcOf(ctx, d)),
    geneSearch: (d, args, ctx) => query(() => findGenes(ctx, d, args.search, args.first ?? 20)),
    geneColumns: (d) => d.geneColumns,
    geneNameColumn: (d) => d.geneNameColumn,
  },
};
