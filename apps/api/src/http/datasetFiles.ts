/**
 * Small files attached to a dataset after its upload, the body being the file (CSV/TSV, gzip or not):
 * `POST /api/datasets/:id/gene-symbols` (two columns, gene id then symbol: for files that carry ids
 * only) and `POST /api/datasets/:id/labels?key=<column>` (cell name first, then label columns; runs
 * read the dataset with it, cells it does not name being unlabelled). Editors and owners.
 */
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { RequestContext } from "../context.ts";
import { AppError } from "../errors.ts";
import { attachGeneSymbols, attachLabelFile } from "../services/datasets.ts";
import { sendAppError, sendJson } from "./util.ts";
import { createTempDir } from "@scfnccl/platform";

/** Side files are tables of genes or cells: far smaller than datasets. */
const MAX_SIDE_FILE_BYTES = 64 * 1024 * 1024;

async function receive(req: IncomingMessage, dir: string): Promise<string> {
  const path = join(dir, "upload");
  let size = 0;
  await pipeline(
    req,
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > MAX_SIDE_FILE_BYTES) return cb(new AppError("PAYLOAD_TOO_LARGE", `gene-symbol and label files are limited to ${MAX_SIDE_FILE_BYTES / 1024 / 1024} MB`));
        cb(null, chunk);
      },
    }),
    createWriteStream(path),
  );
  if (size === 0) throw new AppError("INVALID_INPUT", "the file is empty", "file");
  return path;
}

async function withUpload(req: IncomingMessage, res: ServerResponse, ctx: RequestContext, fn: (path: string) => Promise<unknown>): Promise<void> {
  const dir = await createTempDir("side");
  try {
    if (!ctx.viewer) throw new AppError("UNAUTHENTICATED", "sign in first");
    sendJson(res, 200, await fn(await receive(req, dir)));
  } catch (err) {
    if (!req.complete) req.resume();
    sendAppError(res, err);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function handleGeneSymbols(req: IncomingMessage, res: ServerResponse, id: string, ctx: RequestContext): Promise<void> {
  return withUpload(req, res, ctx, (path) => attachGeneSymbols(ctx, id, path));
}

export function handleLabelFile(req: IncomingMessage, res: ServerResponse, id: string, url: URL, ctx: RequestContext): Promise<void> {
  return withUpload(req, res, ctx, (path) => attachLabelFile(ctx, id, path, url.searchParams.get("key") ?? undefined, url.searchParams.get("name") ?? "labels.csv"));
}
