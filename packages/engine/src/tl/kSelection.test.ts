import { describe, expect, it } from "vitest";
import { separatedGroups } from "../test-support/synthetic.ts";
import { estimateK, inducedSubgraph } from "./kSelection.ts";
import { neighbors } from "../neighbors/neighbors.ts";
import { snnGraph } from "../neighbors/snn.ts";

function blobGraph(k: number, seed = 0) {
  const { x } = separatedGroups({ cells: 60 * k, genes: 10, k, seed, spread: 4 });
  return snnGraph(neighbors({ x, nRows: 60 * k, nCols: 10 }, { nNeighbors: 15 }));
}

describe("estimateK", () => {
  it("finds the number of well-separated groups without labels, with every candidate's score", () => {
    for (const k of [3, 6]) {
      const s = estimateK(blobGraph(k));
      expect(s.k).toBe(k);
      expect(s.candidates.map((c) => c.k)).toEqual([...s.candidates.map((c) => c.k)].sort((a, b) => a - b));
      expect(s.candidates.find((c) => c.k === k)).toBeDefined();
      for (const c of s.candidates) expect(c.score).toBeLessThanOrEqual(1);
      expect(s.criterion).toMatch(/most stable k/);
    }
  });

  it("is deterministic for a seed", () => {
    const g = blobGraph(4, 1);
    expect(estimateK(g, { seed: 3 })).toEqual(estimateK(g, { seed: 3 }));
  });

  it("refuses options that cannot work and graphs too small to judge", () => {
    const g = blobGraph(3);
    expect(() => estimateK(g, { fraction: 1 })).toThrow(/fraction must be in \(0, 1\)/);
    expect(() => estimateK(g, { subsamples: 1 })).toThrow(/subsamples must be an integer ≥ 2/);
    expect(() => estimateK(inducedSubgraph(g, Int32Array.from([0, 1, 2])))).toThrow(/at least 10 cells/);
  });

  it("draws its subsamples from maxNodes cells of a large graph and still finds the groups", () => {
    const s = estimateK(blobGraph(5), { maxNodes: 200 });
    expect(s.k).toBe(5);
  });
});
