/**
 * Per-run downloads beside `/api/artifacts/:id`, with the same authentication (session cookie or
 * API token) and the same rule (a member of the run's team; another team's run is 404):
 * `GET /api/runs/:id/cells[?format=json]` (UMAP + clusters per cell, see `Run.cellsUrl`) and
 * `GET /api/runs/:id/export.h5ad|csv` (the annotated result).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { RequestContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { exportRun, type ExportFormat } from "../services/exports.ts";
import { datasetNames, runGeneValues, runObsValues } from "../services/cellData.ts";
import { filterFromUrl, runMarkersCsv } from "../services/markers.ts";
import { readCellsFile, runArtifact } from "../services/results.ts";
import { getRun } from "../services/runs.ts";
import { sendAppError, sendJson } from "./util.ts";

async function guard(res: ServerResponse, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (res.headersSent) res.destroy(err as Error);
    else sendAppError(res, err);
  }
}

export function handleRunCells(res: ServerResponse, id: string, url: URL, ctx: RequestContext): Promise<void> {
  return guard(res, async () => {
    if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
    const run = await getRun(ctx, id);
    if (url.searchParams.get("format") === "json") {
      const f = await readCellsFile(ctx, run);
      const { n, nComponents, k, labelKey, labelNames } = f.header;
      const dataset = await ctx.loaders.dataset.load(run.datasetId);
      const names = dataset ? (await datasetNames(ctx, dataset)).cells : null;
      return sendJson(res, 200, {
        n,
        nComponents,
        k,
        labelKey,
        labelNames,
        umap: Array.from(f.umap),
        cluster: Array.from(f.cluster),
        cell: Array.from(f.cell),
        cellNames: names ? Array.from(f.cell, (c) => names[c]!) : null,
        label: f.label ? Array.from(f.label) : null,
      });
    }
    // The stored file is the binary answer; it streams as it is.
    const artifact = await runArtifact(ctx, run, "umap");
    const body = await ctx.deps.store.get(artifact.storageKey);
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": artifact.sizeBytes,
      "cache-control": "private, max-age=3600",
      "x-checksum-sha256": artifact.checksum,
    });
    await pipeline(body, res);
  });
}

export function handleRunExport(res: ServerResponse, id: string, format: ExportFormat, ctx: RequestContext): Promise<void> {
  return guard(res, async () => {
    if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
    const file = await exportRun(ctx, id, format);
    try {
      const { size } = await stat(file.path);
      res.writeHead(200, { "content-type": file.contentType, "content-length": size, "content-disposition": `attachment; filename="${file.fileName}"` });
      await pipeline(createReadStream(file.path), res);
    } finally {
      await file.cleanup();
    }
  });
}

/** Float32 little-endian, one value per cell of the run, in `/cells` order; `?format=json` → `{ …, values }`. */
function sendColumn(res: ServerResponse, url: URL, values: Float32Array, json: Record<string, unknown>): void {
  if (url.searchParams.get("format") === "json") return sendJson(res, 200, { ...json, values: Array.from(values) });
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": values.byteLength, "cache-control": "private, max-age=3600" });
  res.end(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
}

async function runAndDataset(ctx: RequestContext, id: string) {
  if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
  const run = await getRun(ctx, id);
  const f = await readCellsFile(ctx, run);
  const dataset = await ctx.loaders.dataset.load(run.datasetId);
  if (!dataset) throw new AppError("NOT_FOUND", "dataset not found");
  return { run, f, dataset };
}

/** `GET /api/runs/:id/expression?gene=<name|id>`: log1p(counts/total·1e4) of one gene for every cell of the run. */
export function handleRunExpression(res: ServerResponse, id: string, url: URL, ctx: RequestContext): Promise<void> {
  return guard(res, async () => {
    const gene = url.searchParams.get("gene");
    if (!gene) throw new AppError("INVALID_INPUT", "gene is required (?gene=<name or id>)", "gene");
    const { f, dataset } = await runAndDataset(ctx, id);
    const r = await runGeneValues(ctx, dataset, f, gene);
    sendColumn(res, url, r.values, { gene: r.gene, geneId: r.geneId });
  });
}

/** `GET /api/runs/:id/obs?key=total_counts|n_genes_by_counts|pct_counts_mt`: one QC column for every cell of the run. */
export function handleRunObs(res: ServerResponse, id: string, url: URL, ctx: RequestContext): Promise<void> {
  return guard(res, async () => {
    const key = url.searchParams.get("key") ?? "";
    const { f, dataset } = await runAndDataset(ctx, id);
    sendColumn(res, url, await runObsValues(ctx, dataset, f, key), { key });
  });
}

/** `GET /api/runs/:id/markers.csv[?filter=none|minInGroupFraction=…]`: every cluster's markers. */
export function handleRunMarkersCsv(res: ServerResponse, id: string, url: URL, ctx: RequestContext): Promise<void> {
  return guard(res, async () => {
    if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
    const run = await getRun(ctx, id);
    const csv = Buffer.from(await runMarkersCsv(ctx, run, filterFromUrl(url)));
    res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-length": csv.length, "content-disposition": `attachment; filename="run-${run.id}-markers.csv"` });
    res.end(csv);
  });
}
