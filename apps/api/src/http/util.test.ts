/**
 * The one way request bodies that are files are received (dataset uploads and the gene-symbol and
 * label side files): streamed to a temp folder, hashed, capped with a typed 413, answered on any
 * error, and the folder removed whatever happens.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { receiveFile, sendJson, withUploadDir } from "./util.ts";

let server: Server | undefined;
afterEach(() => server?.close());

/** A server whose one route receives the body (capped at `limit`) and answers what it got. */
async function serve(limit: number, after?: (path: string) => void): Promise<{ url: string; dirs: string[] }> {
  const dirs: string[] = [];
  server = createServer((req, res) =>
    void withUploadDir(req, res, "test", async (dir) => {
      dirs.push(dir);
      const got = await receiveFile(req, dir, limit, `files are limited to ${limit} bytes`);
      after?.(got.path);
      if (got.size === 1) throw new AppError("INVALID_INPUT", "one byte is not a file", "file");
      sendJson(res, 200, { size: got.size, sha256: got.sha256, body: readFileSync(got.path, "utf8") });
    }),
  );
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, dirs };
}

describe("receiving a file body", () => {
  it("writes the body to the temp folder with its size and SHA-256, then removes the folder", async () => {
    const { url, dirs } = await serve(1000);
    const res = await fetch(url, { method: "POST", body: "cell,label\na,B\n" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ size: 15, sha256: createHash("sha256").update("cell,label\na,B\n").digest("hex"), body: "cell,label\na,B\n" });
    expect(dirs).toHaveLength(1);
    // The answer goes out first; the folder is removed right after.
    await expect.poll(() => existsSync(dirs[0]!)).toBe(false);
  });

  it("refuses a body over the limit with a typed 413 and keeps nothing", async () => {
    const { url, dirs } = await serve(10);
    const res = await fetch(url, { method: "POST", body: "x".repeat(100) });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ code: "PAYLOAD_TOO_LARGE", message: "files are limited to 10 bytes", field: null }] });
    await expect.poll(() => existsSync(dirs[0]!)).toBe(false);
  });

  it("answers the handler's own error with its status and field, and still removes the folder", async () => {
    let kept = "";
    const { url, dirs } = await serve(10, (path) => (kept = path));
    const res = await fetch(url, { method: "POST", body: "x" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: [{ code: "INVALID_INPUT", message: "one byte is not a file", field: "file" }] });
    expect(kept.startsWith(dirs[0]!)).toBe(true);
    await expect.poll(() => existsSync(kept)).toBe(false);
  });
});
