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
      return sendJson(res, 200, { n, nComponents, k, labelKey, labelNames, umap: Array.from(f.umap), cluster: Array.from(f.cluster), cell: Array.from(f.cell), label: f.label ? Array.from(f.label) : null });
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
