/** A run's per-cell results (`Run.cellsUrl`, binary; codec in `@scfnccl/platform/cells`). */
import { decodeCellsFile, type CellsFile } from "@scfnccl/platform/cells";

export type RunCells = CellsFile;

export async function fetchRunCells(url: string): Promise<RunCells> {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`The cell coordinates could not be loaded (HTTP ${res.status}).`);
  return decodeCellsFile(await res.arrayBuffer());
}
