/**
 * Thin layer over h5wasm's node build: loading the module once, opening a file read-only with the
 * handle always closed, and turning HDF5 library errors into one-line InputErrors.
 *
 * h5wasm quirks handled here:
 * - By default the HDF5 library prints its error stack to stderr and h5wasm hands back a File whose
 *   file_id is -1 (calls on it then fail with "error - name not defined!"). We switch on h5wasm's
 *   throwing error handler once, so failures throw an Error whose message is the HDF5-DIAG stack and
 *   nothing is printed. file_id is still checked, in case some other code switched the handler off.
 * - The node build reads through Emscripten's NODERAWFS, i.e. real paths relative to process.cwd().
 *   We pass absolute paths.
 */
import { resolve } from "node:path";
import h5wasm from "h5wasm/node";
import type { Dataset as H5Dataset, Entity, File as H5File } from "h5wasm/node";
import { InputError } from "../errors.ts";

export type { H5Dataset, H5File };

let loading: Promise<void> | undefined;

/** Resolves once the h5wasm module is ready (and its throwing error handler is on). */
export function loadH5wasm(): Promise<void> {
  loading ??= h5wasm.ready.then((module) => {
    module.activate_throwing_error_handler();
  });
  return loading;
}

/**
 * Opens `path` read-only, runs `fn` on it and closes the file whatever happens. Call after
 * loadH5wasm(). HDF5 failures (while opening or inside `fn`) become InputErrors naming the file;
 * InputErrors, aborts (AbortSignal) and plain JS errors (bugs, out of memory) pass through unchanged.
 */
export function withH5File<T>(path: string, fn: (file: H5File) => T): T {
  let file: H5File;
  try {
    file = new h5wasm.File(resolve(path), "r");
  } catch (e) {
    throw new InputError(`corrupt or truncated HDF5 file (${hdf5ErrorDetail(e)})`, path);
  }
  if (file.file_id < 0n) throw new InputError("corrupt or truncated HDF5 file (the HDF5 library could not open it)", path);
  try {
    return fn(file);
  } catch (e) {
    if (e instanceof InputError || isJsError(e) || (e as Error | undefined)?.name === "AbortError") throw e;
    throw new InputError(`corrupt HDF5 file (${hdf5ErrorDetail(e)})`, path);
  } finally {
    try {
      file.close();
    } catch {
      // A failing close cannot be acted on and must not hide the error (or result) above.
    }
  }
}

function isJsError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}

/**
 * One line out of an h5wasm error: the innermost entry of the HDF5-DIAG stack (e.g. "truncated file:
 * eof = 1000, sblock->base_addr = 0, stored_eof = 1486957"), else the first line of the message.
 */
export function hdf5ErrorDetail(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  let detail: string | undefined;
  for (const line of message.split("\n")) {
    const m = /#\d+:.*?\(\): (.*)$/.exec(line);
    if (m?.[1]) detail = m[1];
  }
  detail ??= message.split("\n").find((l) => l.trim() !== "") ?? "unknown error";
  // Some corruptions make the library abort (after printing "Aborted(...)"); say what that means.
  if (detail.startsWith("Aborted(")) detail = "the HDF5 library aborted on damaged internal structures";
  detail = detail.replace(/\s+/g, " ").trim();
  return detail.length > 200 ? `${detail.slice(0, 197)}...` : detail;
}

/** What sits at `name` in a group, in words, for error messages. */
export function entityKind(entity: Entity | null): string {
  if (entity === null) return "nothing";
  if (entity instanceof h5wasm.Dataset) return "a dataset";
  if (entity instanceof h5wasm.Group) return "a group";
  return `a ${String(entity.constructor.name)}`;
}

export function isH5Dataset(entity: Entity | null): entity is H5Dataset {
  return entity instanceof h5wasm.Dataset;
}

/** "4271 × 2000", "scalar", or "null dataspace". */
export function describeShape(shape: readonly number[] | null): string {
  if (shape === null) return "null dataspace";
  if (shape.length === 0) return "scalar";
  return shape.join(" × ");
}

/** "a, b" or "nothing", for "(found: …)". */
export function describeKeys(keys: readonly string[]): string {
  return keys.length === 0 ? "nothing" : keys.join(", ");
}

/** HDF5 type classes (H5T_class_t) as h5wasm reports them in Metadata.type. */
export const H5T_INTEGER = 0;
export const H5T_FLOAT = 1;
export const H5T_STRING = 3;
