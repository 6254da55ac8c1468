import { describe, expect, it } from "vitest";
import { createRng } from "../random.ts";
import { neighbors } from "./neighbors.ts";

/** Rows drawn around a few centres in d dimensions, like PCs of cells of a few types. */
function clustered(n: number, d: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const centres = Array.from({ length: 12 }, () => Array.from({ length: d }, () => rng.normal() * 4));
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = centres[rng.int(centres.length)]!;
    for (let f = 0; f < d; f++) x[i * d + f] = c[f]! + rng.normal();
  }
  return x;
}

describe("approximate neighbors (NN-descent)", () => {
  const n = 4000;
  const d = 30;
  const k = 20;
  const x = clustered(n, d, 3);

  it("finds ≥ 95% of the exact 20 nearest neighbours on a sample of rows", () => {
    const exact = neighbors({ x, nRows: n, nCols: d }, { nNeighbors: k, method: "exact" });
    const approx = neighbors({ x, nRows: n, nCols: d }, { nNeighbors: k, method: "approximate", seed: 1 });
    const rng = createRng(9);
    let hits = 0;
    const sample = Array.from({ length: 400 }, () => rng.int(n));
    for (const i of sample) {
      const truth = new Set(exact.indices.subarray(i * k, (i + 1) * k));
      for (const j of approx.indices.subarray(i * k, (i + 1) * k)) if (truth.has(j)) hits++;
      // Same contract as the exact search: the row itself first, then nearest first.
      expect(approx.indices[i * k]).toBe(i);
      const dist = Array.from(approx.distances.subarray(i * k, (i + 1) * k));
      expect(dist).toEqual([...dist].sort((a, b) => a - b));
    }
    const recall = hits / (sample.length * k);
    expect(recall).toBeGreaterThan(0.95);
  });

  it("is what `auto` uses above exactMaxRows, and is reproducible by seed", () => {
    const small = x.subarray(0, 1000 * d);
    const auto = neighbors({ x: small, nRows: 1000, nCols: d }, { nNeighbors: 10, exactMaxRows: 500, seed: 4 });
    const forced = neighbors({ x: small, nRows: 1000, nCols: d }, { nNeighbors: 10, method: "approximate", seed: 4 });
    expect(Array.from(auto.indices)).toEqual(Array.from(forced.indices));
    const exact = neighbors({ x: small, nRows: 1000, nCols: d }, { nNeighbors: 10 });
    expect(exact.indices[0]).toBe(0);
  });
});
