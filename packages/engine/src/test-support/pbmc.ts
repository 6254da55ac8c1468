/**
 * Test fixtures shared by the platform's and the cross-package tests: the shared PBMC file, and a
 * small subset of it (first cells, same genes) written in the same X/Y HDF5 layout so training
 * takes a second per epoch instead of seven.
 */
import { existsSync } from "node:fs";
import { readDataset } from "../io/readDataset.ts";
import h5wasm from "h5wasm/node";
import { sharedData } from "./sharedData.ts";

export const PBMC_PATH = sharedData("10X_PBMC_top2000.h5");
export const hasPbmc = existsSync(PBMC_PATH);

export async function writePbmcSubset(path: string, nCells: number): Promise<string> {
  const data = await readDataset(PBMC_PATH);
  const { counts } = data;
  const n = Math.min(nCells, counts.nRows);
  const x = new Float32Array(n * counts.nCols);
  for (let r = 0; r < n; r++) {
    for (let p = counts.indptr[r]!; p < counts.indptr[r + 1]!; p++) x[r * counts.nCols + counts.indices[p]!] = counts.data[p]!;
  }
  const y = Float64Array.from(data.labels!.slice(0, n), Number);
  await h5wasm.ready;
  const file = new h5wasm.File(path, "w");
  try {
    file.create_dataset({ name: "X", data: x, shape: [n, counts.nCols] });
    file.create_dataset({ name: "Y", data: y, shape: [n] });
  } finally {
    file.close();
  }
  return path;
}
