import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { hashingStream, toReadable } from "./hashing.ts";
import type { ObjectStore } from "./types.ts";
import { validateKey } from "./validateKey.ts";

/** Objects as files under `root` (the embedded default). Writes go to a temp file renamed into place. */
export function createFilesystemStore(root: string): ObjectStore {
  const path = (key: string) => join(root, ...validateKey(key).split("/"));
  return {
    kind: "filesystem",
    async put(key, body) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true });
      const tmp = `${target}.${randomBytes(4).toString("hex")}.partial`;
      const hasher = hashingStream();
      try {
        await pipeline(toReadable(body), hasher, createWriteStream(tmp));
        await rename(tmp, target);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      return { key, ...hasher.digest() };
    },
    async get(key) {
      const p = path(key);
      await stat(p); // a missing key rejects here, not later on the stream
      return createReadStream(p) as Readable;
    },
    async stat(key) {
      try {
        const s = await stat(path(key));
        return { key, sizeBytes: s.size };
      } catch {
        return null;
      }
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
    async list(prefix) {
      const out: string[] = [];
      async function walk(dir: string): Promise<void> {
        let entries;
        try {
          entries = await readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = join(dir, e.name);
          if (e.isDirectory()) await walk(p);
          else if (!e.name.endsWith(".partial")) out.push(relative(root, p).split(sep).join("/"));
        }
      }
      await walk(root);
      return out.filter((k) => k.startsWith(prefix)).sort();
    },
    async ping() {
      await mkdir(root, { recursive: true });
    },
  };
}
