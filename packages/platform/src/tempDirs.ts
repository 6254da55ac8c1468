/**
 * Temp folders (dataset copies, uploads, exports) named after the process that made them, so a
 * process starting later can tell a killed one's leftovers (no chance to clean up) from a live
 * one's: `scfnccl-<kind>-p<pid>-<random>` in the OS temp folder.
 */
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const OWNED = /^scfnccl-[a-z]+-p(\d+)-/;

/** A new temp folder of this process; the caller removes it when done (`finally`). */
export async function createTempDir(kind: string): Promise<string> {
  if (!/^[a-z]+$/.test(kind)) throw new Error(`temp folder kind '${kind}' must be lowercase letters`);
  return mkdtemp(join(tmpdir(), `scfnccl-${kind}-p${process.pid}-`));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the temp folders of processes that no longer run; returns their paths. Call at start. */
export async function sweepTempDirs(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const pid = Number(OWNED.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(join(dir, name));
  }
  return removed;
}
