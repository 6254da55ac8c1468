import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFilesystemStore, createS3Store, readAll, type ObjectStore } from "./index.ts";
import { startTestS3Server, type TestS3Server } from "./testing.ts";

let s3: TestS3Server;
let dir: string;
const stores: Record<string, ObjectStore> = {};

beforeAll(async () => {
  s3 = await startTestS3Server();
  dir = await mkdtemp(join(tmpdir(), "fs-store-"));
  stores["filesystem"] = createFilesystemStore(dir);
  // 5 MiB parts (S3's minimum) so the 12 MiB object below goes up as a multipart upload.
  stores["s3"] = await createS3Store({ ...s3, bucket: "test-bucket", partSize: 5 * 1024 * 1024 });
});

afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe.each(["filesystem", "s3"])("%s object store", (kind) => {
  it("stores a stream and reads the same bytes back with their SHA-256", async () => {
    const store = stores[kind]!;
    const bytes = Buffer.alloc(12 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i % 251;
    const chunks = [bytes.subarray(0, 5_000_000), bytes.subarray(5_000_000)];
    const put = await store.put("runs/r1/embedding.npy", Readable.from(chunks));
    expect(put.sizeBytes).toBe(bytes.length);
    expect(put.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    const back = await readAll(await store.get("runs/r1/embedding.npy"));
    expect(back.equals(bytes)).toBe(true);
    expect((await store.stat("runs/r1/embedding.npy"))?.sizeBytes).toBe(bytes.length);
  });

  it("lists by prefix, deletes, and reports a missing key", async () => {
    const store = stores[kind]!;
    await store.put("datasets/a/x.h5", new Uint8Array([1, 2, 3]));
    await store.put("datasets/b/x.h5", new Uint8Array([4]));
    expect(await store.list("datasets/a/")).toEqual(["datasets/a/x.h5"]);
    await store.delete("datasets/a/x.h5");
    expect(await store.stat("datasets/a/x.h5")).toBeNull();
    await expect(store.get("datasets/a/x.h5")).rejects.toThrow();
  });

  it("refuses keys that would leave the store", async () => {
    const store = stores[kind]!;
    await expect(store.put("../escape", new Uint8Array([1]))).rejects.toThrow("invalid object key '../escape'");
    await expect(store.put("/abs/key", new Uint8Array([1]))).rejects.toThrow("invalid object key");
  });
});
