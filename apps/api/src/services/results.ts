import { parse as parseCsv } from "csv-parse/sync";
import { artifacts, eq } from "@scfnccl/db";
import { metrics } from "@scfnccl/engine";
import { readAll } from "@scfnccl/storage";
import { decodeCellsFile, type CellsFile } from "@scfnccl/platform/cells";
import type { RequestContext } from "../context.ts";
import { invalid, notFound } from "../errors.ts";
import { assertCan, checkId } from "./access.ts";
import { geneStats } from "./cellData.ts";
import { getRun } from "./runs.ts";

type RunRef = { id: string; teamId: string; status: string };

export async function runClusters(ctx: RequestContext, run: { id: string; teamId: string }) {
  await assertCan(ctx, run.teamId, "read", "run");
  return ctx.loaders.clustersByRun.load(run.id);
}

export async function runArtifacts(ctx: RequestContext, run: { id: string; teamId: string }) {
  await assertCan(ctx, run.teamId, "read", "run");
  return ctx.loaders.artifactsByRun.load(run.id);
}

/** The artifact and its run, when the viewer may read them (downloads go through this). */
export async function getArtifact(ctx: RequestContext, idRaw: string) {
  const [artifact] = await ctx.deps.db.db.select().from(artifacts).where(eq(artifacts.id, checkId(idRaw, "artifact")));
  if (!artifact) throw notFound("artifact");
  const run = await ctx.loaders.run.load(artifact.runId);
  if (!run) throw notFound("artifact");
  await assertCan(ctx, run.teamId, "read", "artifact");
  return artifact;
}

export const artifactUrl = (id: string) => `/api/artifacts/${id}`;
export const cellsUrl = (runId: string) => `/api/runs/${runId}/cells`;
export const exportUrl = (runId: string, format: "h5ad" | "csv") => `/api/runs/${runId}/export.${format}`;

/** The run's stored artifact of `kind` (the viewer must read the run), or INVALID_INPUT when it has none. */
export async function runArtifact(ctx: RequestContext, run: RunRef, kind: "umap" | "embedding" | "markers" | "clusters") {
  const list = await runArtifacts(ctx, run);
  const artifact = list.find((a) => a.kind === kind);
  if (!artifact) throw invalid(run.status === "succeeded" ? `run ${run.id} has no ${kind} results (it finished before they were computed)` : `run ${run.id} has not succeeded (${run.status})`, "runId");
  return artifact;
}

// Per-cell results are immutable once written (a key names one run's one artifact); a small cache
// spares re-reading them from storage for every comparison and export of the same runs.
const cellsCache = new Map<string, Promise<CellsFile>>();
const CELLS_CACHE_SIZE = 16;

/** The run's per-cell results (umap.bin): UMAP coordinates, clusters, dataset cell indices, labels. */
export async function readCellsFile(ctx: RequestContext, run: RunRef): Promise<CellsFile> {
  const artifact = await runArtifact(ctx, run, "umap");
  const key = `${artifact.storageKey}:${artifact.checksum}`;
  let cached = cellsCache.get(key);
  if (!cached) {
    cached = ctx.deps.store.get(artifact.storageKey).then(readAll).then((b) => decodeCellsFile(new Uint8Array(b)));
    cached.catch(() => cellsCache.delete(key));
    cellsCache.set(key, cached);
    if (cellsCache.size > CELLS_CACHE_SIZE) cellsCache.delete(cellsCache.keys().next().value!);
  }
  return cached;
}

/** Clusters × the dataset's labels, from the per-cell results (null without labels or results). */
export async function labelConfusion(ctx: RequestContext, run: RunRef & { datasetId: string }) {
  await assertCan(ctx, run.teamId, "read", "run");
  if (run.status !== "succeeded") return null;
  const artifact = (await ctx.loaders.artifactsByRun.load(run.id)).find((a) => a.kind === "umap");
  if (!artifact) return null;
  const f = await readCellsFile(ctx, run);
  if (!f.label) return null;
  const counts = Array.from({ length: f.header.k }, () => new Array<number>(f.header.labelNames.length).fill(0));
  f.cluster.forEach((c, i) => {
    const l = f.label![i]!;
    if (l >= 0) counts[c]![l]! += 1;
  });
  return { labelKey: f.header.labelKey ?? "labels", labels: f.header.labelNames, counts };
}

/**
 * ARI and NMI (engine `metrics`) between two succeeded runs of one dataset, over the cells both
 * clustered, with their contingency table.
 */
export async function runAgreement(ctx: RequestContext, aId: string, bId: string) {
  const a = await getRun(ctx, aId);
  const b = await getRun(ctx, bId);
  if (a.datasetId !== b.datasetId) throw invalid("the runs are of different datasets; agreement is measured on shared cells", "b");
  const [fa, fb] = await Promise.all([readCellsFile(ctx, a), readCellsFile(ctx, b)]);
  const inB = new Map<number, number>();
  fb.cell.forEach((cell, i) => inB.set(cell, fb.cluster[i]!));
  const la: number[] = [];
  const lb: number[] = [];
  fa.cell.forEach((cell, i) => {
    const cb = inB.get(cell);
    if (cb === undefined) return;
    la.push(fa.cluster[i]!);
    lb.push(cb);
  });
  const contingency = Array.from({ length: fa.header.k }, () => new Array<number>(fb.header.k).fill(0));
  la.forEach((x, i) => (contingency[x]![lb[i]!]! += 1));
  return { a, b, sharedCells: la.length, ari: metrics.ari(la, lb), nmi: metrics.nmi(la, lb), contingency };
}

interface EpochLossRow {
  epoch: number;
  loss: number;
  instanceLoss: number;
  clusterLoss: number;
  entropy?: number;
  learningRate?: number;
  seconds: number;
}

/** The per-epoch losses of a finished training run (history.json), or null without one. */
export async function lossHistory(ctx: RequestContext, run: RunRef): Promise<EpochLossRow[] | null> {
  const artifact = (await runArtifacts(ctx, run)).find((a) => a.kind === "history");
  if (!artifact) return null;
  const rows = JSON.parse((await readAll(await ctx.deps.store.get(artifact.storageKey))).toString("utf8")) as EpochLossRow[];
  return rows.map(({ epoch, loss, instanceLoss, clusterLoss, entropy, learningRate, seconds }) => ({ epoch, loss, instanceLoss, clusterLoss, entropy, learningRate, seconds }));
}

/** Cell names in the run's output order, from clusters.csv (`cell,cluster,…`; csv-parse, so quoted names may hold commas, quotes and line breaks). */
export function cellNamesFromCsv(text: string): string[] {
  const rows = parseCsv(text, { from_line: 2, relax_column_count: true, skip_empty_lines: true }) as string[][];
  return rows.map((r) => r[0]!);
}

/** Run.geneStats: per-cluster means and shares expressing of the given genes (null until the run succeeded). */
export async function runGeneStats(ctx: RequestContext, run: RunRef & { datasetId: string }, genes: readonly string[]) {
  await assertCan(ctx, run.teamId, "read", "run");
  if (run.status !== "succeeded") return null;
  const dataset = await ctx.loaders.dataset.load(run.datasetId);
  if (!dataset) throw notFound("dataset");
  return geneStats(ctx, dataset, await readCellsFile(ctx, run), genes);
}
