import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";

/** A pass-through that hashes and counts what flows through it. */
export function hashingStream(): Transform & { digest(): { sha256: string; sizeBytes: number } } {
  const hash = createHash("sha256");
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return Object.assign(t, { digest: () => ({ sha256: hash.digest("hex"), sizeBytes: size }) });
}

export function toReadable(body: Readable | Uint8Array): Readable {
  return body instanceof Readable ? body : Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
}
