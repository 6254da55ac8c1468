/** A run's per-cell results (`Run.cellsUrl`, binary; codec in `@scfnccl/platform/cells`). */
import { decodeCellsFile, type CellsFile } from "@scfnccl/platform/cells";

export type RunCells = CellsFile;

/**
 * The cells' names (obs_names) in the cells file's order, from the JSON form of the same route
 * (the binary file carries indices only); null when the API has none.
 */
export async function fetchCellNames(url: string): Promise<string[] | null> {
  const u = new URL(url, window.location.href);
  u.searchParams.set("format", "json");
  const res = await fetch(u, { credentials: "same-origin" });
  if (!res.ok) return null;
  const body = (await res.json()) as { cellNames?: string[] | null };
  return Array.isArray(body.cellNames) ? body.cellNames : null;
}

export async function fetchRunCells(url: string): Promise<RunCells> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`The cell coordinates could not be loaded (HTTP ${res.status}).`);
  return decodeCellsFile(await res.arrayBuffer());
}
