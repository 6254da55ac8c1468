/**
 * Marker tables of a run's clusters, read from the worker's `rank_genes` artifact (scanpy's
 * rank_genes_groups fields for every gene of every cluster) and filtered when shown, as scanpy's
 * `filter_rank_genes_groups` (defaults 0.25 / 0.5 / 2). Runs finished before the artifact existed
 * answer from the top markers stored on their cluster rows.
 */
import { type Rows } from "@scfnccl/db";
import { tl, InputError } from "@scfnccl/engine";
import { decodeRankGenes, markerRows, markersCsv, type MarkerRow, type RankGenesFile } from "@scfnccl/platform";
import { readAll } from "@scfnccl/storage";
import type { RequestContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { geneNames } from "./cellData.ts";
import { runArtifacts } from "./results.ts";

type RunRow = Rows["run"];

/** The most marker rows one request may ask for (a whole table fits: CSV downloads take every gene). */
export const MARKERS_TOP_MAX = 1000;

export type MarkerFilterArg = tl.MarkerFilter | null | undefined;

/** A GraphQL MarkerFilterInput with its null fields dropped (they take the defaults). */
export function filterArg(input: { minInGroupFraction?: number | null; maxOutGroupFraction?: number | null; minFoldChange?: number | null } | undefined): tl.MarkerFilter {
  return Object.fromEntries(Object.entries(input ?? {}).filter(([, v]) => v !== null && v !== undefined)) as tl.MarkerFilter;
}

/** Checks a filter from GraphQL or a URL (undefined = scanpy's defaults, null = every gene). */
export function checkFilter(filter: MarkerFilterArg): tl.MarkerFilter | null {
  if (filter === null) return null;
  try {
    return tl.checkMarkerFilter(Object.fromEntries(Object.entries(filter ?? {}).filter(([, v]) => v !== null && v !== undefined)));
  } catch (err) {
    if (err instanceof InputError) throw invalid(err.problem, "filter");
    throw err;
  }
}

const rankCache = new Map<string, Promise<RankGenesFile>>();

/** The run's stored rank_genes_groups results, or null for runs finished before they were stored. */
export async function readRankGenes(ctx: RequestContext, run: { id: string; teamId: string }): Promise<RankGenesFile | null> {
  const artifact = (await runArtifacts(ctx, run)).find((a) => a.kind === "rank_genes");
  if (!artifact) return null;
  const key = `${artifact.storageKey}:${artifact.checksum}`;
  let hit = rankCache.get(key);
  if (!hit) {
    hit = ctx.deps.store.get(artifact.storageKey).then(readAll).then((b) => decodeRankGenes(new Uint8Array(b)));
    hit.catch(() => rankCache.delete(key));
    rankCache.set(key, hit);
    if (rankCache.size > 16) rankCache.delete(rankCache.keys().next().value!);
  }
  return hit;
}

async function datasetOf(ctx: RequestContext, run: RunRow) {
  const dataset = await ctx.loaders.dataset.load(run.datasetId);
  if (!dataset) throw notFound("dataset");
  return dataset;
}

/** A cluster's markers, best first, filtered unless `filter` is null. */
export async function clusterMarkers(ctx: RequestContext, cluster: Rows["cluster"], top: number, filter: MarkerFilterArg): Promise<MarkerRow[]> {
  if (!Number.isInteger(top) || top < 0 || top > MARKERS_TOP_MAX) throw invalid(`top must be 0–${MARKERS_TOP_MAX}`, "top");
  const f = checkFilter(filter);
  const run = await ctx.loaders.run.load(cluster.runId);
  if (!run) throw notFound("run");
  const rank = await readRankGenes(ctx, run);
  const group = rank?.groups.find((g) => g.group === cluster.index);
  if (!rank || !group) {
    // Older runs: the top markers kept on the row (unfiltered then), filtered here the same way.
    return (cluster.markers ?? [])
      .map((m, i) => ({ geneId: m.gene, log10Pval: Math.log10(m.pval), log10PvalAdj: Math.log10(m.pvalAdj), ...m, rank: i + 1 }))
      .filter((m) => !f || tl.passesMarkerFilter(m, f))
      .slice(0, top);
  }
  const { names, ids } = await geneNames(ctx, await datasetOf(ctx, run));
  return markerRows(group, names, ids, { top, filter: f });
}

/** Every cluster's markers as one CSV (every gene when unfiltered). */
export async function runMarkersCsv(ctx: RequestContext, run: RunRow, filter: MarkerFilterArg): Promise<string> {
  const f = checkFilter(filter);
  const rank = await readRankGenes(ctx, run);
  if (!rank) throw invalid(`run ${run.id} has no stored marker results (it finished before they were kept whole); download its markers artifact instead`, "runId");
  const { names, ids } = await geneNames(ctx, await datasetOf(ctx, run));
  return markersCsv(rank.groups.map((g) => [String(g.group), markerRows(g, names, ids, { top: rank.nGenes, filter: f })] as const));
}

/** Parses the filter of a URL: `?filter=none` = every gene; else minInGroupFraction / maxOutGroupFraction / minFoldChange override the defaults. */
export function filterFromUrl(url: URL): MarkerFilterArg {
  if (url.searchParams.get("filter") === "none") return null;
  const out: tl.MarkerFilter = {};
  for (const key of ["minInGroupFraction", "maxOutGroupFraction", "minFoldChange"] as const) {
    const raw = url.searchParams.get(key);
    if (raw === null) continue;
    const v = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(v)) throw invalid(`${key} must be a number (got '${raw.slice(0, 30)}')`, key);
    out[key] = v;
  }
  return out;
}
