import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { ari } from "../metrics/ari.ts";
import { createRng } from "../random.ts";
import { clusterGraph } from "./clusterGraph.ts";
import { findResolution } from "./findResolution.ts";
import { modularity, type WeightedGraph } from "../neighbors/graph.ts";
import { leiden } from "./leiden.ts";
import { louvain } from "./louvain.ts";
import { neighbors } from "../neighbors/neighbors.ts";
import { snnGraph } from "../neighbors/snn.ts";

/** Gaussian blobs: `sizes[c]` points around centre c, centres `spread` apart on average. */
function blobs(sizes: number[], d: number, spread: number, seed: number): { x: Float32Array; truth: Int32Array } {
  const rng = createRng(seed);
  const n = sizes.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * d);
  const truth = new Int32Array(n);
  let i = 0;
  sizes.forEach((size, c) => {
    const centre = Array.from({ length: d }, () => rng.normal() * spread);
    for (let s = 0; s < size; s++, i++) {
      truth[i] = c;
      for (let f = 0; f < d; f++) x[i * d + f] = centre[f]! + rng.normal();
    }
  });
  return { x, truth };
}

/** Brute-force kNN for checking: all distances sorted, ties by index. */
function referenceKnn(x: Float32Array, n: number, d: number, k: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const dist = Array.from({ length: n }, (_, j) => {
      let s = 0;
      for (let f = 0; f < d; f++) s += (x[i * d + f]! - x[j * d + f]!) ** 2;
      return [j === i ? -1 : s, j] as const;
    });
    dist.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return dist.slice(0, k).map((p) => p[1]);
  });
}

describe("neighbors", () => {
  it("finds the exact k nearest neighbours, the cell itself first", () => {
    const { x } = blobs([40, 40, 40], 6, 3, 1);
    const nn = neighbors({ x, nRows: 120, nCols: 6 }, { nNeighbors: 7 });
    const ref = referenceKnn(x, 120, 6, 7);
    for (let i = 0; i < 120; i++) {
      expect(Array.from(nn.indices.subarray(i * 7, i * 7 + 7))).toEqual(ref[i]);
      expect(nn.distances[i * 7]).toBe(0);
      for (let t = 2; t < 7; t++) expect(nn.distances[i * 7 + t]!).toBeGreaterThanOrEqual(nn.distances[i * 7 + t - 1]!);
    }
  });

  it("uses only the first nDims columns", () => {
    const { x } = blobs([30, 30], 4, 3, 2);
    const firstTwo = Float32Array.from({ length: 60 * 2 }, (_, k) => x[Math.floor(k / 2) * 4 + (k % 2)]!);
    const a = neighbors({ x, nRows: 60, nCols: 4 }, { nNeighbors: 5, nDims: 2 });
    const b = neighbors({ x: firstTwo, nRows: 60, nCols: 2 }, { nNeighbors: 5 });
    expect(Array.from(a.indices)).toEqual(Array.from(b.indices));
  });

  it("rejects k larger than the number of cells and non-finite values", () => {
    expect(() => neighbors({ x: new Float32Array(6), nRows: 3, nCols: 2 }, { nNeighbors: 4 })).toThrow(InputError);
    expect(() => neighbors({ x: Float32Array.of(0, NaN, 1, 1), nRows: 2, nCols: 2 }, { nNeighbors: 2 })).toThrow(/row 0, column 1/);
  });
});

describe("snnGraph", () => {
  it("weights edges by the Jaccard index of the neighbourhoods and prunes below 1/15, as Seurat's ComputeSNN", () => {
    const { x } = blobs([25, 25], 3, 4, 3);
    const k = 6;
    const nn = neighbors({ x, nRows: 50, nCols: 3 }, { nNeighbors: k });
    const g = snnGraph(nn);
    const sets = Array.from({ length: 50 }, (_, i) => new Set(nn.indices.subarray(i * k, i * k + k)));
    let edges = 0;
    for (let i = 0; i < 50; i++) {
      const row = new Map<number, number>();
      for (let e = g.indptr[i]!; e < g.indptr[i + 1]!; e++) row.set(g.indices[e]!, g.weights[e]!);
      for (let j = 0; j < 50; j++) {
        const shared = [...sets[i]!].filter((m) => sets[j]!.has(m)).length;
        const jaccard = shared / (2 * k - shared);
        if (i === j || jaccard < 1 / 15) expect(row.has(j)).toBe(false);
        else {
          expect(row.get(j)).toBeCloseTo(jaccard, 12);
          edges++;
        }
      }
    }
    expect(edges).toBe(g.indices.length);
  });
});

/** Two-level planted partition: `groups` groups of `per` blocks; dense in blocks, sparser within groups. */
function plantedGraph(groups: number, per: number, size: number, seed: number): { g: WeightedGraph; blocks: Int32Array } {
  const rng = createRng(seed);
  const n = groups * per * size;
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const blocks = Int32Array.from({ length: n }, (_, i) => Math.floor(i / size));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sameBlock = blocks[i] === blocks[j];
      const sameGroup = Math.floor(blocks[i]! / per) === Math.floor(blocks[j]! / per);
      const p = sameBlock ? 0.5 : sameGroup ? 0.08 : 0.005;
      if (rng.next() < p) {
        rows[i]!.set(j, 1);
        rows[j]!.set(i, 1);
      }
    }
  }
  const indptr = new Int32Array(n + 1);
  rows.forEach((r, i) => (indptr[i + 1] = indptr[i]! + r.size));
  const indices = new Int32Array(indptr[n]!);
  const weights = new Float64Array(indptr[n]!);
  rows.forEach((r, i) => {
    const sorted = [...r.keys()].sort((a, b) => a - b);
    sorted.forEach((j, t) => {
      indices[indptr[i]! + t] = j;
      weights[indptr[i]! + t] = 1;
    });
  });
  return { g: { n, indptr, indices, weights }, blocks };
}

describe("louvain and leiden", () => {
  const { g, blocks } = plantedGraph(3, 3, 25, 4);
  const groups = blocks.map((b) => Math.floor(b / 3));

  for (const [name, method] of [
    ["louvain", louvain],
    ["leiden", leiden],
  ] as const) {
    it(`${name} recovers planted blocks at resolution 2 and reports the modularity of its result`, () => {
      const r = method(g, { resolution: 2, seed: 0 });
      expect(r.count).toBe(9);
      expect(ari(blocks, r.labels)).toBe(1);
      expect(r.modularity).toBeCloseTo(modularity(g, r.labels, 2), 12);
    });

    it(`${name} merges blocks into their groups at a low resolution, and is reproducible by seed`, () => {
      const r = method(g, { resolution: 0.1, seed: 1 });
      expect(ari(groups, r.labels)).toBe(1);
      expect(Array.from(method(g, { resolution: 0.1, seed: 1 }).labels)).toEqual(Array.from(r.labels));
    });

    it(`${name} numbers clusters by size, largest first`, () => {
      const r = method(g, { resolution: 1, seed: 2 });
      const sizes = Array.from({ length: r.count }, (_, c) => r.labels.filter((l) => l === c).length);
      for (let c = 1; c < sizes.length; c++) expect(sizes[c]!).toBeLessThanOrEqual(sizes[c - 1]!);
    });
  }

  it("leiden reaches at least Louvain's modularity on a noisy graph", () => {
    const noisy = plantedGraph(4, 2, 30, 9).g;
    const lv = louvain(noisy, { resolution: 1, seed: 0 });
    const ld = leiden(noisy, { resolution: 1, seed: 0 });
    expect(ld.modularity).toBeGreaterThan(lv.modularity - 0.005);
  });

  it("findResolution finds the resolution that gives the requested number of clusters", () => {
    for (const k of [3, 9]) {
      const r = findResolution(g, k, louvain, { seed: 0 });
      expect(r.count).toBe(k);
      expect(ari(k === 3 ? groups : blocks, r.labels)).toBe(1);
    }
  });

  it("rejects a resolution ≤ 0 and an impossible k", () => {
    expect(() => louvain(g, { resolution: 0 })).toThrow(InputError);
    expect(() => leiden(g, { resolution: -1 })).toThrow(InputError);
    expect(() => findResolution(g, 0, leiden)).toThrow(/k must be/);
  });
});

describe("clusterGraph", () => {
  it("clusters any embedding into the requested number of clusters through the SNN graph", () => {
    const { x, truth } = blobs([60, 50, 40, 30], 8, 6, 11);
    const r = clusterGraph({ x, nRows: truth.length, nCols: 8 }, { k: 4, seed: 0 });
    expect(r.grouped.count).toBe(4);
    expect(r.found.resolution).toBeGreaterThan(0);
    expect(ari(truth, r.grouped.labels)).toBeGreaterThan(0.95);
    // Numbered by size, as every community result.
    const sizes = [0, 1, 2, 3].map((c) => r.grouped.labels.filter((l) => l === c).length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });
});
