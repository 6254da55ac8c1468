import { cellOntology } from "@scfnccl/annotation";
import { viewerAcceptGuard, adoptSuggestion } from "../../services/annotations.ts";
import { importCas, labelCorrespondence, runCas, runComposition } from "../../services/casExchange.ts";
import { suggestionsForCellSet } from "../../services/cellSets.ts";
import { cellTypeById, markerTissues, searchCellTypes, setDatasetOrganism, suggestionsForCluster } from "../../services/cellTypes.ts";
import { annotationAnswer } from "../annotation/resolvers.ts";
import { getRun } from "../../services/runs.ts";
import { requireViewer } from "../../services/access.ts";
import { payload, query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

export const cellTypeResolvers: Resolvers = {
  Organism: { HUMAN: "human", MOUSE: "mouse", OTHER: "other" },
  ProposalSource: { MANUAL: "manual", SUGGESTION: "suggestion", COPY: "copy", IMPORT: "import" },
  Query: {
    cellTypes: (_, args, ctx) =>
      query(async () => {
        requireViewer(ctx);
        return searchCellTypes(args.search, args.first ?? 10);
      }),
    cellType: (_, args, ctx) =>
      query(async () => {
        requireViewer(ctx);
        return cellTypeById(args.id);
      }),
    markerTissues: (_, args, ctx) =>
      query(async () => {
        requireViewer(ctx);
        return args.organism === "other" ? [] : markerTissues(args.organism);
      }),
    labelCorrespondence: (_, args, ctx) => query(() => labelCorrespondence(ctx, args.runA, args.runB)),
  },
  CellType: {
    parents: (t) => t.parents.map((id) => ({ id, label: cellOntology().get(id)?.label ?? id })),
  },
  CellTypeSuggestion: {
    cellType: (s) => cellOntology().get(s.cellTypeId)!,
    sources: (s) => s.sets.map((x) => ({ database: x.source, name: x.name, tissue: x.tissue })),
  },
  Dataset: {
    organism: (d) => (d.organism === "human" || d.organism === "mouse" || d.organism === "other" ? d.organism : null),
  },
  Cluster: {
    suggestions: (c, args, ctx) =>
      query(async () => {
        const run = await getRun(ctx, c.runId);
        return suggestionsForCluster(ctx, c, run.datasetId, { top: args.top ?? 3, tissue: args.tissue ?? null });
      }),
    acceptOverrideReason: (c) => c.acceptOverrideReason,
  },
  CellSet: {
    suggestions: (s, args, ctx) =>
      query(async () => {
        const run = await getRun(ctx, s.runId);
        return suggestionsForCellSet(ctx, s, run.datasetId, { top: args.top ?? 3, tissue: args.tissue ?? null });
      }),
    acceptOverrideReason: (s) => s.acceptOverrideReason,
  },
  Proposal: {
    source: (p) => p.source,
    automated: (p) => p.automated ?? null,
    importedAuthor: (p) => p.importedAuthor,
    acceptGuard: (p, _, ctx) => viewerAcceptGuard(ctx, p),
  },
  Run: {
    composition: (r, _, ctx) => query(() => runComposition(ctx, r)),
    cas: (r, _, ctx) => query(() => runCas(ctx, r)),
  },
  Mutation: {
    adoptSuggestion: (_, args, ctx) => annotationAnswer(() => adoptSuggestion(ctx, args.input), "proposal"),
    setDatasetOrganism: async (_, args, ctx) => {
      const p = await payload("dataset", () => setDatasetOrganism(ctx, args.input));
      return { dataset: p.dataset, errors: p.errors };
    },
    importCas: async (_, args, ctx) => {
      const p = await payload("result", () => importCas(ctx, args.input));
      return { run: p.result?.run ?? null, entries: p.result?.entries ?? [], errors: p.errors };
    },
  },
};
