import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { ari } from "../metrics/ari.ts";
import { createRng } from "../random.ts";
import { kmeans } from "./kmeans.ts";
import { neighbors } from "../neighbors/neighbors.ts";
import { umap } from "./umap.ts";

function blobs(perCluster: number, k: number, d: number, seed: number): { x: Float32Array; truth: Int32Array; n: number } {
  const rng = createRng(seed);
  const n = perCluster * k;
  const centres = Array.from({ length: k * d }, () => rng.normal() * 8);
  const x = new Float32Array(n * d);
  const truth = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    truth[i] = c;
    for (let f = 0; f < d; f++) x[i * d + f] = centres[c * d + f]! + rng.normal();
  }
  return { x, truth, n };
}

/** Clusters of the 2-D layout agree with the truth when the layout keeps the blobs apart. */
function layoutAri(coords: Float32Array, n: number, truth: Int32Array, k: number): number {
  return ari(truth, kmeans(coords, { n, d: 2, k, seed: 0 }).labels);
}

describe("umap", () => {
  const { x, truth, n } = blobs(50, 3, 10, 1);

  it("lays out separated clusters apart, reproducibly for a seed", async () => {
    const a = await umap({ x, nRows: n, nCols: 10 }, { nEpochs: 100, seed: 7 });
    expect(a.coords.length).toBe(n * 2);
    expect(a.fitted.length).toBe(n);
    expect(layoutAri(a.coords, n, truth, 3)).toBe(1);
    const b = await umap({ x, nRows: n, nCols: 10 }, { nEpochs: 100, seed: 7 });
    expect(Array.from(b.coords)).toEqual(Array.from(a.coords));
  });

  it("accepts a precomputed kNN", async () => {
    const knn = neighbors({ x, nRows: n, nCols: 10 }, { nNeighbors: 20 });
    const r = await umap({ x, nRows: n, nCols: 10 }, { nEpochs: 100, seed: 1, knn });
    expect(layoutAri(r.coords, n, truth, 3)).toBe(1);
  });

  it("fits a sample above maxFitCells and places the other rows beside their neighbours", async () => {
    const r = await umap({ x, nRows: n, nCols: 10 }, { nEpochs: 100, seed: 2, maxFitCells: 90 });
    expect(r.fitted.length).toBe(90);
    expect(r.coords.every(Number.isFinite)).toBe(true);
    expect(layoutAri(r.coords, n, truth, 3)).toBe(1);
  });

  it("stops when aborted and rejects too few rows", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(umap({ x, nRows: n, nCols: 10 }, { signal: controller.signal })).rejects.toThrow("stop");
    await expect(umap({ x: x.subarray(0, 100), nRows: 10, nCols: 10 })).rejects.toThrow(InputError);
  });
});
