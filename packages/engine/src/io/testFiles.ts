/**
 * Test helpers: small HDF5 files written with h5wasm itself, in a fresh temp folder per test file.
 * (Not exported from io/index.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import h5wasm from "h5wasm/node";
import type { GuessableDataTypes } from "h5wasm/node";
import { expect } from "vitest";
import { InputError } from "../errors.ts";
import type { CsrMatrix } from "../pp/csr.ts";
import { loadH5wasm } from "./hdf5.ts";

/** An attribute value, or `{ reference: "/path" }` for an object reference to an element written earlier. */
export type H5AttrValue = GuessableDataTypes | { reference: string };

export type H5Entry =
  | { name: string; group: true; attrs?: Record<string, H5AttrValue> }
  | { name: string; data: GuessableDataTypes; shape?: number[]; dtype?: string; chunks?: number[]; gzip?: boolean; attrs?: Record<string, H5AttrValue> };

/**
 * Writes `entries` to a new HDF5 file at `path` (gzip-chunked datasets when `gzip` is set), in order,
 * each with its attributes (a root attribute: an entry named "/" with group: true).
 */
export async function writeH5(path: string, entries: H5Entry[]): Promise<string> {
  await loadH5wasm();
  const file = new h5wasm.File(path, "w");
  try {
    for (const e of entries) {
      let element;
      if ("group" in e) element = e.name === "/" ? file : file.create_group(e.name);
      else element = file.create_dataset({
        name: e.name,
        data: e.data,
        shape: e.shape ?? null,
        dtype: e.dtype ?? null,
        ...(e.gzip ? { compression: "gzip" as const, chunks: e.chunks ?? null } : e.chunks ? { chunks: e.chunks } : {}),
      });
      for (const [name, value] of Object.entries(e.attrs ?? {})) {
        if (typeof value === "object" && value !== null && "reference" in value) {
          const target = file.get(value.reference);
          if (target === null || !("create_reference" in target)) throw new Error(`writeH5: nothing at ${value.reference} to reference`);
          element.create_attribute(name, target.create_reference());
        } else element.create_attribute(name, value as GuessableDataTypes);
      }
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

/** Whether two CSR matrices are identical; vitest's deep equality takes seconds on arrays of millions. */
export function sameCsr(a: CsrMatrix, b: CsrMatrix): boolean {
  const bytes = (v: ArrayBufferView) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return (
    a.nRows === b.nRows &&
    a.nCols === b.nCols &&
    bytes(a.indptr).equals(bytes(b.indptr)) &&
    bytes(a.indices).equals(bytes(b.indices)) &&
    bytes(a.data).equals(bytes(b.data))
  );
}

/** Awaits `read`, checks it failed with an InputError whose message is one line, and returns it. */
export async function inputErrorOf(read: Promise<unknown>): Promise<InputError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).message).not.toContain("\n");
  return error as InputError;
}
