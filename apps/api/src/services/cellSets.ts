/**
 * Cell sets: named selections of a run's cells (CELLxGENE Annotate's "name what you select"),
 * kept for the team, audited, and compared with the same marker test as clusters.
 */
import { and, cellSets, eq, type Rows } from "@scfnccl/db";
import { tl } from "@scfnccl/engine";
import { MARKERS_PER_CLUSTER, markerRows, type MarkerRow } from "@scfnccl/platform";
import type { CellsFile } from "@scfnccl/platform/cells";
import type { RequestContext } from "../context.ts";
import { conflict, forbidden, invalid, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { datasetExpression, geneNames } from "./cellData.ts";
import { suggestionsFrom, type SuggestionsAnswer } from "./cellTypes.ts";
import { checkFilter, MARKERS_TOP_MAX, type MarkerFilterArg } from "./markers.ts";
import { readCellsFile } from "./results.ts";
import { getRun } from "./runs.ts";

type CellSetRow = Rows["cellSet"];
export const MAX_CELL_SET = 1_000_000;

export async function listCellSets(ctx: RequestContext, run: { id: string; teamId: string }): Promise<CellSetRow[]> {
  await assertCan(ctx, run.teamId, "read", "run");
  return ctx.loaders.cellSetsByRun.load(run.id);
}

async function findCellSet(ctx: RequestContext, idRaw: string) {
  const [set] = await ctx.deps.db.db.select().from(cellSets).where(eq(cellSets.id, checkId(idRaw, "cell set")));
  if (!set) throw notFound("cell set");
  const run = await getRun(ctx, set.runId).catch(() => {
    throw notFound("cell set");
  });
  return { set, run };
}

/** Query.cellSet: the set when the viewer reads its run (another team's is NOT_FOUND). */
export async function getCellSet(ctx: RequestContext, idRaw: string): Promise<CellSetRow> {
  return (await findCellSet(ctx, idRaw)).set;
}

export async function createCellSet(ctx: RequestContext, runIdRaw: string, nameRaw: string, cells: readonly number[]) {
  const viewer = requireViewer(ctx);
  const run = await getRun(ctx, runIdRaw);
  await assertCan(ctx, run.teamId, "write", "run");
  const name = nameRaw.trim();
  if (!name || name.length > 200) throw invalid("name must be 1–200 characters", "name");
  if (cells.length === 0 || cells.length > MAX_CELL_SET) throw invalid(`cells must list 1–${MAX_CELL_SET} cells`, "cells");
  const f = await readCellsFile(ctx, run);
  const sorted = [...new Set(cells)].sort((a, b) => a - b);
  if (sorted.length !== cells.length) throw invalid("cells lists a cell twice", "cells");
  const bad = sorted.find((c) => !Number.isInteger(c) || c < 0 || c >= f.header.n);
  if (bad !== undefined) throw invalid(`cell ${bad} is not a position in the run's ${f.header.n} cells`, "cells");
  if (sorted.length === f.header.n) throw invalid("a cell set must leave some of the run's cells out (there is no rest to compare with)", "cells");
  const existing = await ctx.deps.db.db.select({ id: cellSets.id }).from(cellSets).where(and(eq(cellSets.runId, run.id), eq(cellSets.name, name)));
  if (existing.length) throw conflict(`the run already has a cell set named '${name}'`);
  const [row] = await ctx.deps.db.db.insert(cellSets).values({ runId: run.id, name, cells: sorted, createdById: viewer.userId }).returning();
  ctx.loaders.cellSetsByRun.clear(run.id);
  await audit(ctx.deps.db.db, { teamId: run.teamId, actorId: viewer.userId, action: "cellSet.create", targetType: "cellSet", targetId: row!.id, data: { runId: run.id, name, size: sorted.length } });
  return row!;
}

export async function deleteCellSet(ctx: RequestContext, idRaw: string): Promise<string> {
  const viewer = requireViewer(ctx);
  const { set, run } = await findCellSet(ctx, idRaw);
  const role = await assertCan(ctx, run.teamId, "write", "run");
  if (set.createdById !== viewer.userId && role !== "owner") throw forbidden("only the cell set's creator or a team owner may delete it");
  await ctx.deps.db.db.delete(cellSets).where(eq(cellSets.id, set.id));
  ctx.loaders.cellSetsByRun.clear(run.id);
  await audit(ctx.deps.db.db, { teamId: run.teamId, actorId: viewer.userId, action: "cellSet.delete", targetType: "cellSet", targetId: set.id, data: { runId: run.id, name: set.name } });
  return set.id;
}

/** Log-normalised expression of the given run cells (rows in that order) from the stored gene-by-gene copy. */
function rowsOf(store: Awaited<ReturnType<typeof datasetExpression>>, f: CellsFile, positions: readonly number[]) {
  // Dataset cell → row of the answer.
  const rowOf = new Int32Array(store.nCells).fill(-1);
  positions.forEach((p, r) => (rowOf[f.cell[p]!] = r));
  const counts = new Float64Array(positions.length + 1);
  for (let k = 0; k < store.rows.length; k++) {
    const r = rowOf[store.rows[k]!]!;
    if (r >= 0) counts[r + 1]!++;
  }
  for (let r = 0; r < positions.length; r++) counts[r + 1]! += counts[r]!;
  const fill = counts.slice(0, positions.length);
  const indices = new Int32Array(counts[positions.length]!);
  const data = new Float32Array(counts[positions.length]!);
  // Genes in order, so each row's columns come out ascending.
  for (let j = 0; j < store.nGenes; j++) {
    for (let k = store.colPtr[j]!; k < store.colPtr[j + 1]!; k++) {
      const r = rowOf[store.rows[k]!]!;
      if (r < 0) continue;
      const at = fill[r]!++;
      indices[at] = j;
      data[at] = store.values[k]!;
    }
  }
  return { nRows: positions.length, nCols: store.nGenes, indptr: counts, indices, data };
}

/**
 * The marker test of a set, by set and reference: a set's cells never change, so the test (seconds
 * on a whole dataset) runs once while the table, the dot plot and the suggestions all ask for it.
 */
const rankedCache = new Map<string, Promise<tl.RankGenesGroup>>();
const RANKED_ENTRIES = 8;

/** CellSet.markers: the set against another set of the run, or against every other cell of it. */
export async function cellSetMarkers(ctx: RequestContext, set: CellSetRow, referenceRaw: string | null | undefined, top: number, filter: MarkerFilterArg): Promise<MarkerRow[]> {
  if (!Number.isInteger(top) || top < 0 || top > MARKERS_TOP_MAX) throw invalid(`top must be 0–${MARKERS_TOP_MAX}`, "top");
  const f = checkFilter(filter);
  const run = await getRun(ctx, set.runId);
  let reference: CellSetRow | null = null;
  if (referenceRaw) {
    ({ set: reference } = await findCellSet(ctx, referenceRaw));
    if (reference.runId !== set.runId) throw invalid("the reference cell set belongs to another run", "reference");
  }
  const key = `${set.id}:${reference?.id ?? "rest"}`;
  let ranked = rankedCache.get(key);
  if (!ranked) {
    ranked = rankSet(ctx, run, set, reference);
    ranked.catch(() => rankedCache.delete(key));
    rankedCache.set(key, ranked);
    if (rankedCache.size > RANKED_ENTRIES) rankedCache.delete(rankedCache.keys().next().value!);
  }
  const dataset = await ctx.loaders.dataset.load(run.datasetId);
  if (!dataset) throw notFound("dataset");
  // Names by the dataset's current gene-name column, which its owner may change.
  const [group, { names, ids }] = await Promise.all([ranked, geneNames(ctx, dataset)]);
  return markerRows(group, names, ids, { top, filter: f });
}

async function rankSet(ctx: RequestContext, run: Awaited<ReturnType<typeof getRun>>, set: CellSetRow, ref: CellSetRow | null) {
  const cells = await readCellsFile(ctx, run);
  let reference: number[];
  if (ref) {
    const inSet = new Set(set.cells);
    reference = ref.cells.filter((c) => !inSet.has(c));
    if (reference.length === 0) throw invalid("the reference cell set has no cells outside this set", "reference");
  } else {
    const inSet = new Uint8Array(cells.header.n);
    for (const c of set.cells) inSet[c] = 1;
    reference = [];
    for (let c = 0; c < cells.header.n; c++) if (!inSet[c]) reference.push(c);
  }
  const dataset = await ctx.loaders.dataset.load(run.datasetId);
  if (!dataset) throw notFound("dataset");
  const store = await datasetExpression(ctx, dataset);
  const x = rowsOf(store, cells, [...set.cells, ...reference]);
  const groupOf = Int32Array.from({ length: x.nRows }, (_, r) => (r < set.cells.length ? 0 : 1));
  const [group] = tl.rankGenes(x, groupOf, { method: "wilcoxon", groups: [0] });
  return group!;
}

/**
 * Cell types the marker databases suggest for a set, scored as a cluster's are (cellTypes.ts) on
 * the set's markers against the rest of the run's cells, taken as a cluster's are stored: the top
 * MARKERS_PER_CLUSTER passing scanpy's default filter.
 */
export async function suggestionsForCellSet(ctx: RequestContext, set: CellSetRow, datasetId: string, options: { top: number; tissue: string | null }): Promise<SuggestionsAnswer> {
  return suggestionsFrom(ctx, datasetId, options, "cell set", () => cellSetMarkers(ctx, set, null, MARKERS_PER_CLUSTER, {}));
}
