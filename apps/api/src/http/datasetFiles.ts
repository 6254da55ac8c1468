/**
 * Small files attached to a dataset after its upload, the body being the file (CSV/TSV, gzip or not):
 * `POST /api/datasets/:id/gene-symbols` (two columns, gene id then symbol: for files that carry ids
 * only) and `POST /api/datasets/:id/labels?key=<column>` (cell name first, then label columns; runs
 * read the dataset with it, cells it does not name being unlabelled). Editors and owners.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { attachGeneSymbols, attachLabelFile } from "../services/datasets.ts";
import { receiveFile, sendJson, withUploadDir } from "./util.ts";

/** Side files are tables of genes or cells: far smaller than datasets. */
const MAX_SIDE_FILE_BYTES = 64 * 1024 * 1024;

function withUpload(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, fn: (path: string) => Promise<unknown>): Promise<void> {
  return withUploadDir(req, res, "side", async (dir) => {
    if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
    const { path, size } = await receiveFile(req, dir, MAX_SIDE_FILE_BYTES, `gene-symbol and label files are limited to ${MAX_SIDE_FILE_BYTES / 1024 / 1024} MB`);
    if (size === 0) throw new AppError("INVALID_INPUT", "the file is empty", "file");
    sendJson(res, 200, await fn(path));
  });
}
export function handleGeneSymbols(req: IncomingMessage, res: ServerResponse, id: string, ctx: RequestContext): Promise<void> {
  return withUpload(req, res, ctx, (path) => attachGeneSymbols(ctx, id, path));
}

export function handleLabelFile(req: IncomingMessage, res: ServerResponse, id: string, url: URL, ctx: RequestContext): Promise<void> {
  return withUpload(req, res, ctx, (path) => attachLabelFile(ctx, id, path, url.searchParams.get("key") ?? undefined, url.searchParams.get("name") ?? "labels.csv"));
}
