import type { datasets } from "@scfnccl/db";
import type { RequestContext } from "../../context.ts";
import { deleteDataset, getDataset } from "../../services/datasets.ts";
import type { PageArgs } from "../../services/pagination.ts";
import { listRuns } from "../../services/runs.ts";
import { payload, query } from "../errors.ts";

type DatasetRow = typeof datasets.$inferSelect;

export const datasetResolvers = {
  Query: {
    dataset: (_: unknown, args: { id: string }, ctx: RequestContext) => query(() => getDataset(ctx, args.id)),
  },
  Mutation: {
    deleteDataset: (_: unknown, args: { id: string }, ctx: RequestContext) => payload("deletedId", () => deleteDataset(ctx, args.id)),
  },
  Dataset: {
    team: (d: DatasetRow, _: unknown, ctx: RequestContext) => ctx.loaders.team.load(d.teamId),
    uploader: (d: DatasetRow, _: unknown, ctx: RequestContext) => ctx.loaders.user.load(d.uploaderId),
    runs: (d: DatasetRow, args: PageArgs, ctx: RequestContext) => query(() => listRuns(ctx, { teamId: d.teamId, datasetId: d.id }, args)),
  },
};
