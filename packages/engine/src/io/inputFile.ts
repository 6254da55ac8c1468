import { type Stats } from "node:fs";
import { open, stat } from "node:fs/promises";
import { InputError } from "../errors.ts";

/**
 * Checks that `path` names a non-empty regular file we can read, and returns its stats.
 * Every failure is an InputError naming the file, so readers can call this first and assume the rest.
 */
export async function statInputFile(path: string): Promise<Stats> {
  let stats: Stats;
  try {
    stats = await stat(path);
  } catch (e) {
    throw new InputError(fsProblem(e), path);
  }
  if (stats.isDirectory()) throw new InputError("is a directory, not a file", path);
  if (!stats.isFile()) throw new InputError("is not a regular file", path);
  if (stats.size === 0) throw new InputError("file is empty", path);
  return stats;
}

/** Reads up to `length` bytes at `position`; fewer at the end of the file. */
export async function readBytes(path: string, position: number, length: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw new InputError(fsProblem(e), path);
  }
  try {
    const buf = new Uint8Array(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function fsProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return "file not found";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return `cannot read file (${code ?? String(e)})`;
  }
}
