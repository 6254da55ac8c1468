import { Client } from "minio";
import type { Readable } from "node:stream";
import { fixedChunks } from "./chunks.ts";
import { hashingStream, toReadable } from "./hashing.ts";
import type { ObjectStore } from "./types.ts";
import { validateKey } from "./validateKey.ts";

export interface S3Options {
  /** e.g. `http://127.0.0.1:9000` */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region?: string;
  /** Part size for multipart uploads (default 16 MiB; the minio client switches to multipart above it). */
  partSize?: number;
}

/** Objects in an S3-protocol bucket (MinIO, AWS S3, ...) through the `minio` client. */
export async function createS3Store(options: S3Options): Promise<ObjectStore> {
  const url = new URL(options.endpoint);
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    useSSL: url.protocol === "https:",
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region: options.region ?? "us-east-1",
    pathStyle: true,
  });
  const partSize = options.partSize ?? 16 * 1024 * 1024;
  const bucket = options.bucket;
  if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, options.region ?? "us-east-1");
  return {
    kind: "s3",
    async put(key, body, opts) {
      validateKey(key);
      const headers = { "Content-Type": opts?.contentType ?? "application/octet-stream" };
      const hasher = hashingStream();
      const chunks = fixedChunks(toReadable(body).pipe(hasher), partSize);
      // Our own multipart loop rather than the client's unknown-size putObject: that one first lists
      // incomplete uploads, which not every S3-protocol server implements, and it buffers more.
      const first = await chunks.next();
      const second = first.done ? first : await chunks.next();
      if (second.done) {
        await client.putObject(bucket, key, first.done ? Buffer.alloc(0) : first.value, undefined, headers);
        return { key, ...hasher.digest() };
      }
      const uploadId = await client.initiateNewMultipartUpload(bucket, key, headers);
      try {
        const etags: { part: number; etag?: string }[] = [];
        let part = 0;
        const upload = async (buf: Buffer) => {
          part += 1;
          const r = await client.uploadPart({ bucketName: bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} }, buf);
          etags.push({ part: r.part, etag: r.etag });
        };
        await upload(first.value!);
        await upload(second.value);
        for await (const buf of chunks) await upload(buf);
        await client.completeMultipartUpload(bucket, key, uploadId, etags);
      } catch (err) {
        await client.abortMultipartUpload(bucket, key, uploadId).catch(() => {});
        throw err;
      }
      return { key, ...hasher.digest() };
    },
    async get(key) {
      return (await client.getObject(bucket, validateKey(key))) as Readable;
    },
    async stat(key) {
      try {
        const s = await client.statObject(bucket, validateKey(key));
        return { key, sizeBytes: s.size };
      } catch (err) {
        if ((err as { code?: string }).code === "NotFound" || (err as { code?: string }).code === "NoSuchKey") return null;
        throw err;
      }
    },
    async delete(key) {
      await client.removeObject(bucket, validateKey(key));
    },
    async list(prefix) {
      const keys: string[] = [];
      for await (const item of client.listObjectsV2(bucket, prefix, true)) {
        if ((item as { name?: string }).name) keys.push((item as { name: string }).name);
      }
      return keys.sort();
    },
    async ping() {
      await client.bucketExists(bucket);
    },
  };
}
