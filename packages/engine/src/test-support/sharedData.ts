/**
 * Where the shared labelled datasets live, for every test and benchmark of the monorepo: the folder
 * `$SCFNCCL_SHARED_DATA`, or else `shared/data` beside the checkout (the layout of our machines and
 * CI). One place decides it, so a checkout elsewhere (a fresh clone in /tmp) needs one variable, not
 * eighteen edited paths. (Not exported from the engine's index; `@scfnccl/engine/testing`.)
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo's root: the nearest folder above this module (source or bundle) with pnpm-workspace.yaml. */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no pnpm-workspace.yaml above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

/** A path inside the shared data folder: `sharedData("formats", "x.h5ad")`; no argument gives the folder. */
export function sharedData(...parts: string[]): string {
  const dir = process.env.SCFNCCL_SHARED_DATA || join(repoRoot(), "..", "shared", "data");
  return resolve(dir, ...parts);
}
