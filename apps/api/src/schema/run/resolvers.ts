import { artifactUrl, cellsUrl, exportUrl, labelConfusion, lossHistory, runAgreement, runArtifacts, runClusters, runGeneStats } from "../../services/results.ts";
import { cancelRun, compareRuns, createRun, getRun, listMethods, retryRun } from "../../services/runs.ts";
import { payload, query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

export const runResolvers: Resolvers = {
  RunStatus: { QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", CANCELLED: "cancelled" },
  ArtifactKind: { EMBEDDING: "embedding", CLUSTERS: "clusters", CHECKPOINT: "checkpoint", HISTORY: "history", UMAP: "umap", MARKERS: "markers", RANK_GENES: "rank_genes" },
  RunPhase: { LOADING: "loading", PREPROCESSING: "preprocessing", TRAINING: "training", EMBEDDING: "embedding", UMAP: "umap", MARKERS: "markers", SAVING: "saving" },
  RunProgress: {
    phase: (p) => p.phase ?? "training",
  },
  Query: {
    run: (_, args, ctx) => query(() => getRun(ctx, args.id)),
    compareRuns: (_, args, ctx) => query(() => compareRuns(ctx, args.ids)),
    methods: () => listMethods(),
    runAgreement: (_, args, ctx) => query(() => runAgreement(ctx, args.a, args.b)),
  },
  Mutation: {
    createRun: (_, args, ctx) => payload("run", () => createRun(ctx, args.input)),
    cancelRun: (_, args, ctx) => payload("run", () => cancelRun(ctx, args.id)),
    retryRun: (_, args, ctx) => payload("run", () => retryRun(ctx, args.id)),
  },
  Run: {
    team: async (r, _, ctx) => (await ctx.loaders.team.load(r.teamId))!,
    dataset: async (r, _, ctx) => (await ctx.loaders.dataset.load(r.datasetId))!,
    createdBy: async (r, _, ctx) => (await ctx.loaders.user.load(r.createdById))!,
    clusters: (r, _, ctx) => query(() => runClusters(ctx, r)),
    artifacts: (r, _, ctx) => query(() => runArtifacts(ctx, r)),
    embedding: async (r, _, ctx) => (await query(() => runArtifacts(ctx, r))).find((a) => a.kind === "embedding") ?? null,
    umap: async (r, _, ctx) => (await query(() => runArtifacts(ctx, r))).find((a) => a.kind === "umap") ?? null,
    markers: async (r, _, ctx) => (await query(() => runArtifacts(ctx, r))).find((a) => a.kind === "markers") ?? null,
    cellsUrl: async (r, _, ctx) => ((await query(() => runArtifacts(ctx, r))).some((a) => a.kind === "umap") ? cellsUrl(r.id) : null),
    exportUrl: async (r, args, ctx) => ((await query(() => runArtifacts(ctx, r))).some((a) => a.kind === "umap") ? exportUrl(r.id, args.format === "H5AD" ? "h5ad" : "csv") : null),
    labelConfusion: (r, _, ctx) => query(() => labelConfusion(ctx, r)),
    lossHistory: (r, _, ctx) => query(() => lossHistory(ctx, r)),
    geneStats: (r, args, ctx) => query(() => runGeneStats(ctx, r, args.genes)),
    markersCsvUrl: async (r, _, ctx) => ((await query(() => runArtifacts(ctx, r))).some((a) => a.kind === "rank_genes") ? `/api/runs/${r.id}/markers.csv` : null),
    kSelection: (r) => r.metrics?.kSelection ?? null,
  },
  Artifact: {
    downloadUrl: (a) => artifactUrl(a.id),
  },
};
