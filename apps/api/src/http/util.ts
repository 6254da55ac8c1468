import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createTempDir } from "@scfnccl/platform";
import { AppError, type ErrorCode } from "../errors.ts";

const STATUS: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  INVALID_DATASET: 422,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  // A body we did not read (refused as too large, unauthenticated, …) would be taken for the next
  // request on a keep-alive connection, which then hangs: close the connection after this answer.
  if (!res.req.complete) res.setHeader("connection", "close");
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Answers an AppError as `{ errors: [{ code, message, field }] }` with its HTTP status; rethrows anything else. */
export function sendAppError(res: ServerResponse, err: unknown): void {
  if (!(err instanceof AppError)) throw err;
  sendJson(res, STATUS[err.code], { errors: [{ code: err.code, message: err.message, field: err.field ?? null }] });
}

/** decodeURIComponent for a path segment: a bad %-escape is INVALID_INPUT naming the segment. */
export function decodeSegment(segment: string, what: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError("INVALID_INPUT", `${what} in the path has a malformed %-escape`, what);
  }
}

/** Reads a request body up to `limit` bytes; beyond it, a PAYLOAD_TOO_LARGE AppError. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError("PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Handles a request whose body is a file: `fn` gets a fresh temp folder (createTempDir's `kind`,
 * owned by this process, so one a killed process left is removed at the next start) and answers the request;
 * any error is answered (`onError` first, for answers beyond sendAppError's), the rest of an unread
 * body is let go so the socket is not left half-drained, and the folder is removed whatever happens.
 */
export async function withUploadDir(
  req: IncomingMessage,
  res: ServerResponse,
  kind: string,
  fn: (dir: string) => Promise<void>,
  onError: (err: unknown) => boolean = () => false,
): Promise<void> {
  const dir = await createTempDir(kind);
  try {
    await fn(dir);
  } catch (err) {
    if (!req.complete) req.resume();
    if (!onError(err)) sendAppError(res, err);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Streams the request body to `<dir>/upload`, at most `limit` bytes (beyond: PAYLOAD_TOO_LARGE saying `tooLarge`), hashing it on the way. */
export async function receiveFile(req: IncomingMessage, dir: string, limit: number, tooLarge: string): Promise<{ path: string; size: number; sha256: string }> {
  const path = join(dir, "upload");
  const hash = createHash("sha256");
  let size = 0;
  await pipeline(
    req,
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > limit) return cb(new AppError("PAYLOAD_TOO_LARGE", tooLarge));
        hash.update(chunk);
        cb(null, chunk);
      },
    }),
    createWriteStream(path),
  );
  return { path, size, sha256: hash.digest("hex") };
}
