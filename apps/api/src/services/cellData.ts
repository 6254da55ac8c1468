/**
 * Per-cell and per-gene data of a dataset for the run pages: gene names and search, one gene's
 * expression or one QC column for a run's cells, and per-cluster means for dot plots. Everything
 * reads the files derived once at upload (`@scfnccl/platform` datasetFiles); a dataset stored before
 * they existed gets them made from its file on first use. Decoded files are kept in a small cache,
 * so colouring by another gene is one slice of a stored column, not a read of the dataset.
 */
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { datasets, eq, type Rows } from "@scfnccl/db";
import { io } from "@scfnccl/engine";
import {
  cellPositions,
  datasetKeys,
  decodeExpression,
  decodeObs,
  deriveDatasetFiles,
  displayNames,
  findGene,
  geneValues,
  OBS_KEYS,
  searchGenes,
  type DatasetNames,
  type ExpressionStore,
  type ObsKey,
  createTempDir,
} from "@scfnccl/platform";
import type { CellsFile } from "@scfnccl/platform/cells";
import { readAll, type ObjectStore } from "@scfnccl/storage";
import type { RequestContext } from "../context.ts";
import { invalid } from "../errors.ts";
import { assertCan } from "./access.ts";

type DatasetRow = Rows["dataset"];

/** Stores what is derived from a dataset's counts (at upload, or later for older datasets). */
export async function storeDerived(store: ObjectStore, datasetId: string, data: Awaited<ReturnType<typeof io.readDataset>>): Promise<DatasetNames> {
  const d = deriveDatasetFiles(data);
  await store.put(datasetKeys.expression(datasetId), d.expression, { contentType: "application/octet-stream" });
  await store.put(datasetKeys.obs(datasetId), d.obs, { contentType: "application/octet-stream" });
  await store.put(datasetKeys.names(datasetId), Buffer.from(JSON.stringify(d.names)), { contentType: "application/json" });
  return d.names;
}

// One derivation per dataset at a time, however many requests ask.
const deriving = new Map<string, Promise<void>>();

async function ensureDerived(ctx: RequestContext, dataset: DatasetRow): Promise<void> {
  if (await ctx.deps.store.stat(datasetKeys.names(dataset.id))) return;
  let pending = deriving.get(dataset.id);
  if (!pending) {
    pending = (async () => {
      const dir = await createTempDir("derive");
      try {
        const path = join(dir, dataset.name.replace(/[^\w.-]+/g, "_") || "dataset");
        await pipeline(await ctx.deps.store.get(dataset.storageKey), createWriteStream(path));
        const names = await storeDerived(ctx.deps.store, dataset.id, await io.readDataset(path));
        await ctx.deps.db.db
          .update(datasets)
          .set({ geneColumns: Object.keys(names.genes.columns), geneNameColumn: dataset.geneNameColumn ?? names.genes.nameColumn })
          .where(eq(datasets.id, dataset.id));
      } finally {
        await rm(dir, { recursive: true, force: true });
        deriving.delete(dataset.id);
      }
    })();
    deriving.set(dataset.id, pending);
  }
  await pending;
}

/** A small LRU of decoded files by storage key (files never change under a key but the names file, which is re-put with its cache entry dropped). */
const cache = new Map<string, Promise<unknown>>();
const CACHE_ENTRIES = 12;

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  let hit = cache.get(key) as Promise<T> | undefined;
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  hit = load();
  hit.catch(() => cache.delete(key));
  cache.set(key, hit);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return hit;
}

export function forgetDerived(datasetId: string): void {
  for (const key of Object.values(datasetKeys)) cache.delete(key(datasetId));
}

async function readBytes(ctx: RequestContext, key: string): Promise<Uint8Array> {
  return new Uint8Array(await readAll(await ctx.deps.store.get(key)));
}

export async function datasetNames(ctx: RequestContext, dataset: DatasetRow): Promise<DatasetNames> {
  await assertCan(ctx, dataset.teamId, "read", "dataset");
  await ensureDerived(ctx, dataset);
  return cached(datasetKeys.names(dataset.id), async () => JSON.parse(Buffer.from(await readBytes(ctx, datasetKeys.names(dataset.id))).toString("utf8")) as DatasetNames);
}

export async function datasetExpression(ctx: RequestContext, dataset: DatasetRow): Promise<ExpressionStore> {
  await ensureDerived(ctx, dataset);
  return cached(datasetKeys.expression(dataset.id), async () => decodeExpression(await readBytes(ctx, datasetKeys.expression(dataset.id))));
}

async function datasetObs(ctx: RequestContext, dataset: DatasetRow) {
  await ensureDerived(ctx, dataset);
  return cached(datasetKeys.obs(dataset.id), async () => decodeObs(await readBytes(ctx, datasetKeys.obs(dataset.id))));
}

/** Display names of the dataset's genes under its chosen name column. */
export async function geneNames(ctx: RequestContext, dataset: DatasetRow): Promise<{ names: string[]; ids: string[]; names_: DatasetNames }> {
  const n = await datasetNames(ctx, dataset);
  return { names: displayNames(n.genes, dataset.geneNameColumn ?? null), ids: n.genes.ids, names_: n };
}

export const GENE_SEARCH_MAX = 100;

/** Genes matching `search` (prefix first, then substring; name or id, case-insensitive). */
export async function findGenes(ctx: RequestContext, dataset: DatasetRow, search: string | null | undefined, first: number) {
  if (!Number.isInteger(first) || first < 1 || first > GENE_SEARCH_MAX) throw invalid(`first must be 1–${GENE_SEARCH_MAX}`, "first");
  if ((search ?? "").length > 200) throw invalid("search must be at most 200 characters", "search");
  const { names, ids, names_ } = await geneNames(ctx, dataset);
  const symbols = names_.genes.nameColumn ? names_.genes.columns[names_.genes.nameColumn] : undefined;
  return searchGenes(names_.genes, names, search ?? "", first).map((j) => ({ index: j, id: ids[j]!, symbol: symbols?.[j] || null, name: names[j]! }));
}

/** Resolves a gene named by display name or id to its index, or INVALID_INPUT naming it. */
export async function resolveGene(ctx: RequestContext, dataset: DatasetRow, gene: string, field = "gene"): Promise<number> {
  if (!gene || gene.length > 200) throw invalid("gene must be 1–200 characters", field);
  const { names, names_ } = await geneNames(ctx, dataset);
  const j = findGene(names_.genes, names, gene);
  if (j < 0) throw invalid(`dataset '${dataset.name}' has no gene '${gene}' (search with Dataset.geneSearch)`, field);
  return j;
}

/** Positions of the dataset's cells in a run's cell order, cached with the run's cells file. */
const positions = new WeakMap<CellsFile, Int32Array>();
function runPositions(f: CellsFile, nCells: number): Int32Array {
  let p = positions.get(f);
  if (!p) positions.set(f, (p = cellPositions(nCells, f.cell)));
  return p;
}

/** One gene's log-normalised expression for each of the run's cells, in the run's cell order. */
export async function runGeneValues(ctx: RequestContext, dataset: DatasetRow, f: CellsFile, gene: string): Promise<{ gene: string; geneId: string; values: Float32Array }> {
  const j = await resolveGene(ctx, dataset, gene);
  const [store, { names, ids }] = await Promise.all([datasetExpression(ctx, dataset), geneNames(ctx, dataset)]);
  return { gene: names[j]!, geneId: ids[j]!, values: geneValues(store, j, runPositions(f, store.nCells), f.cell.length) };
}

/** One QC column for each of the run's cells. */
export async function runObsValues(ctx: RequestContext, dataset: DatasetRow, f: CellsFile, key: string): Promise<Float32Array> {
  if (!(OBS_KEYS as readonly string[]).includes(key)) throw invalid(`key must be one of ${OBS_KEYS.join(", ")} (got '${key.slice(0, 50)}')`, "key");
  const obs = await datasetObs(ctx, dataset);
  const column = obs.columns[key as ObsKey];
  return Float32Array.from(f.cell, (c) => column[c]!);
}

export const GENE_STATS_MAX = 200;

/**
 * Mean log-normalised expression and share of cells expressing each gene, per group (clusters of the
 * run; `groupOf` overrides with any grouping of the run's cells, -1 = left out): groups × genes.
 */
export async function geneStats(ctx: RequestContext, dataset: DatasetRow, f: CellsFile, genes: readonly string[], groupOf?: { labels: Int32Array; groups: number[] }) {
  if (genes.length === 0 || genes.length > GENE_STATS_MAX) throw invalid(`genes must list 1–${GENE_STATS_MAX} genes`, "genes");
  const js: number[] = [];
  for (const g of genes) js.push(await resolveGene(ctx, dataset, g, "genes"));
  const [store, { names, ids }] = await Promise.all([datasetExpression(ctx, dataset), geneNames(ctx, dataset)]);
  const labels = groupOf?.labels ?? f.cluster;
  const groups = groupOf?.groups ?? Array.from({ length: f.header.k }, (_, c) => c);
  const slot = new Map(groups.map((g, s) => [g, s]));
  const size = new Float64Array(groups.length);
  for (const l of labels) {
    const s = slot.get(l);
    if (s !== undefined) size[s]!++;
  }
  const position = runPositions(f, store.nCells);
  const mean = groups.map(() => new Array<number>(js.length).fill(0));
  const frac = groups.map(() => new Array<number>(js.length).fill(0));
  js.forEach((j, t) => {
    for (let k = store.colPtr[j]!; k < store.colPtr[j + 1]!; k++) {
      const p = position[store.rows[k]!]!;
      if (p < 0) continue;
      const s = slot.get(labels[p]!);
      if (s === undefined) continue;
      mean[s]![t]! += store.values[k]!;
      if (store.values[k]! > 0) frac[s]![t]! += 1;
    }
  });
  groups.forEach((_, s) => {
    for (let t = 0; t < js.length; t++) {
      mean[s]![t] = size[s]! ? mean[s]![t]! / size[s]! : 0;
      frac[s]![t] = size[s]! ? frac[s]![t]! / size[s]! : 0;
    }
  });
  return { genes: js.map((j) => names[j]!), geneIds: js.map((j) => ids[j]!), groups, meanExpression: mean, fractionExpressing: frac };
}
