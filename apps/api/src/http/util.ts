import type { IncomingMessage, ServerResponse } from "node:http";
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
