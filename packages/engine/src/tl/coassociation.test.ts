import { describe, expect, it } from "vitest";
import { ari } from "../metrics/ari.ts";
import { averageLinkageCut, coassociationGraph, cutGraph, selectByAnmi } from "./coassociation.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";

/** A graph from undirected edge pairs (weight 1), each stored in both rows. */
function graphOf(n: number, edges: [number, number][]): WeightedGraph {
  const rows: number[][] = Array.from({ length: n }, () => []);
  for (const [a, b] of edges) {
    rows[a]!.push(b);
    rows[b]!.push(a);
  }
  const indptr = new Int32Array(n + 1);
  rows.forEach((r, i) => (indptr[i + 1] = indptr[i]! + r.length));
  return { n, indptr, indices: Int32Array.from(rows.flat()), weights: new Float64Array(indptr[n]!).fill(1) };
}

/** Two cliques of `size` nodes joined by one edge. */
function twoCliques(size: number): WeightedGraph {
  const edges: [number, number][] = [];
  for (const offset of [0, size]) for (let a = 0; a < size; a++) for (let b = a + 1; b < size; b++) edges.push([offset + a, offset + b]);
  edges.push([0, size]);
  return graphOf(2 * size, edges);
}

describe("coassociationGraph", () => {
  it("weighs each edge by the share of partitions that put both ends together, and keeps only the graph's edges", () => {
    const g = graphOf(5, [[0, 1], [1, 2], [2, 3], [3, 4]]);
    const co = coassociationGraph(g, [
      { name: "a", labels: Int32Array.from([0, 0, 1, 1, 2]) },
      { name: "b", labels: Int32Array.from([0, 0, 0, 1, 2]) },
    ]);
    const weightOf = (i: number, j: number) => {
      for (let e = co.indptr[i]!; e < co.indptr[i + 1]!; e++) if (co.indices[e] === j) return co.weights[e]!;
      return 0;
    };
    expect(weightOf(0, 1)).toBe(1);
    expect(weightOf(1, 2)).toBe(0.5);
    expect(weightOf(2, 1)).toBe(0.5);
    expect(weightOf(2, 3)).toBe(0.5);
    // Split by both partitions: dropped.
    expect(weightOf(3, 4)).toBe(0);
    expect(co.indices.length).toBe(6);
    // Pairs that are not graph edges are never scored (0 and 2 agree in b but share no edge).
    expect(weightOf(0, 2)).toBe(0);
  });

  it("lets a partition vote only on the cells it clustered, and weighs votes", () => {
    const g = graphOf(3, [[0, 1], [1, 2]]);
    const co = coassociationGraph(g, [
      { name: "a", labels: Int32Array.from([0, 0, 1]), weight: 3 },
      { name: "b", labels: Int32Array.from([-1, 1, 1]) },
    ]);
    // Edge 0–1: only a votes (b did not cluster 0): 1. Edge 1–2: a says apart (3), b together (1): 1/4.
    expect(Array.from(co.weights)).toEqual([1, 1, 0.25, 0.25]);
  });

  it("refuses partitions of the wrong length and negative weights", () => {
    const g = graphOf(3, [[0, 1]]);
    expect(() => coassociationGraph(g, [{ name: "a", labels: new Int32Array(2) }])).toThrow(/partition a has 2 labels for 3 nodes/);
    expect(() => coassociationGraph(g, [{ name: "a", labels: new Int32Array(3), weight: -1 }])).toThrow(/weight must be ≥ 0/);
    expect(() => coassociationGraph(g, [])).toThrow(/at least one base partition/);
  });
});

describe("consensus cuts", () => {
  const truth = Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1));
  // Two partitions each wrong about different cells; together they agree on the truth for most edges.
  const noisyA = Int32Array.from(truth, (c, i) => (i === 3 ? 1 : c));
  const noisyB = Int32Array.from(truth, (c, i) => (i === 14 ? 0 : c));
  const parts = [
    { name: "a", labels: noisyA },
    { name: "b", labels: noisyB },
    { name: "c", labels: truth },
  ];

  it("Leiden on the co-association graph recovers what the partitions agree on", () => {
    const co = coassociationGraph(twoCliques(10), parts);
    const cut = cutGraph(co, { k: 2, seed: 0 });
    expect(cut.count).toBe(2);
    expect(ari(truth, cut.labels)).toBe(1);
  });

  it("average linkage on the label tuples gives k clusters and the majority's answer", () => {
    const r = averageLinkageCut(parts, 2);
    expect(r.count).toBe(2);
    expect(r.atoms).toBe(4);
    expect(ari(truth, r.labels)).toBe(1);
  });
});

describe("selectByAnmi", () => {
  const truth = Int32Array.from({ length: 30 }, (_, i) => Math.floor(i / 10));
  // Two bases wrong in different ways and one close to the truth: the close one shares the most with both others.
  const merged = Int32Array.from(truth, (c) => (c === 2 ? 1 : c));
  const shifted = Int32Array.from(truth, (c, i) => (i % 10 < 4 ? (c + 1) % 3 : c));
  const near = Int32Array.from(truth, (c, i) => (i === 5 ? 2 : c));
  const parts = [
    { name: "merged", labels: merged },
    { name: "shifted", labels: shifted },
    { name: "near", labels: near },
  ];

  it("picks the base with the highest average NMI with the others, never scoring a base against itself", () => {
    const { index, scores } = selectByAnmi(parts, parts);
    expect(parts[index]!.name).toBe("near");
    expect(scores).toHaveLength(3);
    expect(scores.every((s) => s < 1)).toBe(true);
  });

  it("ignores cells a partition did not cluster and rejects empty inputs", () => {
    const holes = Int32Array.from(near, (c, i) => (i < 3 ? -1 : c));
    const { index } = selectByAnmi([{ name: "holes", labels: holes }, ...parts.slice(0, 2)], parts);
    expect(index).toBe(0);
    expect(() => selectByAnmi([], parts)).toThrow(/at least one candidate/);
    expect(() => selectByAnmi(parts, [])).toThrow(/at least one ensemble partition/);
  });
});
