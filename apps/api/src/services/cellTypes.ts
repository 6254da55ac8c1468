/**
 * Cell-type names in the platform: the Cell Ontology (search, id checks), the genes a dataset
 * measures (cited marker genes must be among them), a dataset's organism, and marker-database
 * suggestions for a cluster. The knowledge and the algorithms live in @scfnccl/annotation; this
 * file adds authorization, storage and the API's typed errors.
 */
import { cellOntology, CellOntologyIdError, guessOrganism, markerDatabase, suggestCellTypes, type CellType, type Organism, type Suggestion } from "@scfnccl/annotation";
import { datasets, eq, type Rows } from "@scfnccl/db";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import { assertCan, checkId } from "./access.ts";
import { audit } from "./audit.ts";
import { parseInput } from "./auth.ts";
import { geneNames } from "./cellData.ts";

export const DATASET_ORGANISMS = ["human", "mouse", "other"] as const;
export type DatasetOrganism = (typeof DATASET_ORGANISMS)[number];

/** Ontology terms matching a text (labels and synonyms, ranked), for the proposal form. */
export function searchCellTypes(search: string, first: number): CellType[] {
  if (search.length > 200) throw invalid("search is longer than 200 characters", "search");
  return cellOntology()
    .search(search, { first: Math.max(1, Math.min(first, 50)) })
    .map((m) => m.term);
}

export function cellTypeById(id: string): CellType | null {
  return cellOntology().get(id.trim().toUpperCase()) ?? null;
}

/** A current Cell Ontology term, or INVALID_INPUT naming the id and why (malformed, unknown, obsolete). */
export function requireCellType(id: string, field = "ontologyId"): CellType {
  try {
    return cellOntology().requireCurrent(id);
  } catch (err) {
    if (err instanceof CellOntologyIdError) throw invalid(err.message, field);
    throw err;
  }
}

/**
 * A dataset's gene ids and display names (under its chosen gene-name column): the one gene table
 * of a dataset, the names file derived at upload (cellData), so what the gene search shows and
 * what a cited marker gene is checked against never differ.
 */
export async function genesOf(ctx: RequestContext, dataset: Rows["dataset"]): Promise<{ ids: string[]; names: string[]; known: Set<string> }> {
  try {
    const { ids, names, names_ } = await geneNames(ctx, dataset);
    // A gene is cited by its id or by any name the file gives it, whichever column is displayed.
    const known = new Set([...ids, ...names, ...Object.values(names_.genes.columns).flat()]);
    known.delete("");
    return { ids, names, known };
  } catch (err) {
    if (err instanceof AppError) throw err;
    ctx.log.warn({ err, datasetId: dataset.id }, "could not read the dataset's genes");
    throw new AppError("INVALID_INPUT", `cannot check marker genes: the genes of dataset '${dataset.name}' could not be read`, "markerGenes");
  }
}

/** Refuses cited genes the dataset does not measure (by symbol or id), naming them and a case-insensitive near miss. */
export async function checkMarkerGenes(ctx: RequestContext, datasetId: string, genes: string[]): Promise<void> {
  if (!genes.length) return;
  const dataset = await ctx.loaders.dataset.load(datasetId);
  if (!dataset) return;
  const { ids, names, known } = await genesOf(ctx, dataset);
  const missing = genes.filter((g) => !known.has(g));
  if (!missing.length) return;
  const lower = new Map([...names, ...ids].map((g) => [g.toLowerCase(), g]));
  const described = missing.map((g) => (lower.has(g.toLowerCase()) ? `${g} (did you mean ${lower.get(g.toLowerCase())}?)` : g));
  throw invalid(`marker gene${missing.length > 1 ? "s" : ""} not in dataset '${dataset.name}': ${described.join(", ")}`, "markerGenes");
}

/** What the uploader said, else the guess from the symbols' case (null when it cannot tell). */
export function organismAtUpload(said: string | null | undefined, geneNames: string[]): DatasetOrganism | null {
  if (said) return parseOrganism(said, "organism");
  return guessOrganism(geneNames).organism;
}

export function parseOrganism(raw: string, field: string): DatasetOrganism {
  const v = raw.trim().toLowerCase();
  if (!(DATASET_ORGANISMS as readonly string[]).includes(v)) throw invalid(`organism must be one of ${DATASET_ORGANISMS.join(", ")} (got '${raw}')`, field);
  return v as DatasetOrganism;
}

const organismInput = z.object({ datasetId: z.string(), organism: z.enum(DATASET_ORGANISMS, { error: `organism must be one of ${DATASET_ORGANISMS.join(", ")}` }) });

/** Sets a dataset's organism (its uploader or an owner, as for other dataset metadata). */
export async function setDatasetOrganism(ctx: RequestContext, raw: unknown) {
  const input = parseInput(organismInput, raw);
  const dataset = await ctx.loaders.dataset.load(checkId(input.datasetId, "dataset"));
  if (!dataset) throw notFound("dataset");
  await assertCan(ctx, dataset.teamId, "read", "dataset");
  await assertCan(ctx, dataset.teamId, dataset.uploaderId === ctx.viewer?.userId ? "write" : "manage", "dataset");
  const [row] = await ctx.deps.db.db.update(datasets).set({ organism: input.organism }).where(eq(datasets.id, dataset.id)).returning();
  await audit(ctx.deps.db.db, { teamId: dataset.teamId, actorId: ctx.viewer!.userId, action: "dataset.organism", targetType: "dataset", targetId: dataset.id, data: { before: dataset.organism, after: input.organism } });
  ctx.loaders.dataset.clear(dataset.id);
  return row!;
}

/** What the suggestion panel shows when there is nothing to suggest, and why. */
export interface SuggestionsAnswer {
  organism: Organism | null;
  tissue: string | null;
  suggestions: Suggestion[];
  /** Why the list is empty, when it is. */
  note: string | null;
}

export const SUGGESTION_ALGORITHM = {
  algorithmName: "scfnccl marker-database suggestion (scType-style score on rank_genes_groups statistics)",
  algorithmVersion: "1",
  algorithmRepoUrl: "https://github.com/scfnccl/platform/tree/main/packages/annotation",
} as const;

/**
 * Top cell types for a cluster from the shipped marker databases, for the dataset's organism and
 * (optionally) a tissue, scored on the cluster's stored marker statistics.
 */
export async function suggestionsForCluster(ctx: RequestContext, cluster: Rows["cluster"], datasetId: string, options: { top: number; tissue: string | null }): Promise<SuggestionsAnswer> {
  return suggestionsFrom(ctx, datasetId, options, "cluster", async () => cluster.markers ?? []);
}

/** Suggestions from a subject's marker statistics (`what` names the subject in the notes). */
export async function suggestionsFrom(
  ctx: RequestContext,
  datasetId: string,
  options: { top: number; tissue: string | null },
  what: string,
  markers: () => Promise<readonly { gene: string; logFoldChange: number; pctIn: number; pctOut: number; pvalAdj: number }[]>,
): Promise<SuggestionsAnswer> {
  const dataset = await ctx.loaders.dataset.load(datasetId);
  const tissue = options.tissue?.trim() || null;
  if (tissue && tissue.length > 100) throw invalid("tissue is longer than 100 characters", "tissue");
  const organism = dataset?.organism === "human" || dataset?.organism === "mouse" ? dataset.organism : null;
  if (!dataset || !organism)
    return { organism: null, tissue, suggestions: [], note: "the dataset's organism is not human or mouse (set it on the dataset page): the marker databases cover those two" };
  const stats = await markers();
  if (!stats.length) return { organism, tissue, suggestions: [], note: `the ${what} has no marker statistics` };
  const { ids, names } = await genesOf(ctx, dataset);
  const candidates = markerDatabase().cellTypes({ organism, tissue });
  if (!candidates.length) return { organism, tissue, suggestions: [], note: `no marker set for tissue '${tissue}' (${organism})` };
  // Stored markers may name genes by id (10x feature ids); marker databases use symbols.
  const symbolOf = new Map(ids.map((id, i) => [id, names[i]!]));
  const named = stats.map((m) => ({ ...m, gene: symbolOf.get(m.gene) ?? m.gene }));
  const suggestions = suggestCellTypes(named, candidates, { genes: names, top: Math.max(1, Math.min(options.top, 10)) });
  return { organism, tissue, suggestions, note: suggestions.length ? null : `no marker set's genes are up in this ${what}` };
}

/** The tissues the marker databases name for an organism. */
export function markerTissues(organism: Organism): string[] {
  return markerDatabase().tissues(organism);
}
