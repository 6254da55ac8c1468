/**
 * Test helpers: small HDF5 files written with h5wasm itself, in a fresh temp folder per test file.
 * (Not exported from io/index.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import type { GuessableDataTypes } from "h5wasm/node";
import { loadH5wasm } from "./hdf5.ts";

export type H5Entry =
  | { name: string; group: true }
  | { name: string; data: GuessableDataTypes; shape?: number[]; dtype?: string; chunks?: number[]; gzip?: boolean };

/** Writes `entries` to a new HDF5 file at `path` (gzip-chunked datasets when `gzip` is set). */
export async function writeH5(path: string, entries: H5Entry[]): Promise<string> {
  await loadH5wasm();
  const file = new h5wasm.File(path, "w");
  try {
    for (const e of entries) {
      if ("group" in e) {
        file.create_group(e.name);
        continue;
      }
      file.create_dataset({
        name: e.name,
        data: e.data,
        shape: e.shape ?? null,
        dtype: e.dtype ?? null,
        ...(e.gzip ? { compression: "gzip" as const, chunks: e.chunks ?? null } : e.chunks ? { chunks: e.chunks } : {}),
      });
    }
  } finally {
    file.close();
  }
  return path;
}

/** A temp folder and a function that removes it (call it in afterAll). */
export function makeTempDir(prefix = "scfnccl-io-"): { dir: string; path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when the file can be opened for writing, i.e. no reader left it open (HDF5 refuses to truncate an open file). */
export async function isClosed(path: string): Promise<boolean> {
  await loadH5wasm();
  try {
    new h5wasm.File(path, "a").close();
    return true;
  } catch {
    return false;
  }
}
