import type { Readable } from "node:stream";

/** Regroups a stream's chunks into buffers of exactly `size` bytes (the last one shorter). */
export async function* fixedChunks(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const raw of stream) {
    let chunk = Buffer.from(raw as Uint8Array);
    while (have + chunk.length >= size) {
      const take = size - have;
      parts.push(chunk.subarray(0, take));
      yield Buffer.concat(parts);
      parts = [];
      have = 0;
      chunk = chunk.subarray(take);
    }
    if (chunk.length) {
      parts.push(chunk);
      have += chunk.length;
    }
  }
  if (have) yield Buffer.concat(parts);
}
