import { describe, expect, it } from "vitest";
import { addEdges, type WeightedGraph } from "./graph.ts";

/** A symmetric CSR graph from undirected edges [i, j, w]. */
function graph(n: number, edges: [number, number, number][]): WeightedGraph {
  const rows: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [i, j, w] of edges) {
    rows[i]!.push([j, w]);
    rows[j]!.push([i, w]);
  }
  const indptr = new Int32Array(n + 1);
  rows.forEach((r, i) => (indptr[i + 1] = indptr[i]! + r.length));
  return { n, indptr, indices: Int32Array.from(rows.flat(), ([j]) => j), weights: Float64Array.from(rows.flat(), ([, w]) => w) };
}
const edgesOf = (g: WeightedGraph) => {
  const out: string[] = [];
  for (let i = 0; i < g.n; i++) for (let e = g.indptr[i]!; e < g.indptr[i + 1]!; e++) out.push(`${i}-${g.indices[e]}:${g.weights[e]}`);
  return out.sort();
};

describe("addEdges", () => {
  it("adds another graph's edges, placed on the base's nodes and scaled, summing weights where both have the edge", () => {
    const base = graph(5, [[0, 1, 1], [1, 2, 1]]);
    // The other graph knows only base nodes 1, 2 and 4 (its nodes 0, 1, 2).
    const other = graph(3, [[0, 1, 0.5], [1, 2, 1]]);
    const g = addEdges(base, { graph: other, nodes: Int32Array.from([1, 2, 4]), weight: 0.5 });
    expect(edgesOf(g)).toEqual(["0-1:1", "1-0:1", "1-2:1.25", "2-1:1.25", "2-4:0.5", "4-2:0.5"].sort());
    expect(g.n).toBe(5);
  });
  it("refuses a misplaced node, a node count that does not match and a negative weight, by name", () => {
    const base = graph(3, [[0, 1, 2]]);
    expect(() => addEdges(base, { graph: graph(2, [[0, 1, 1]]), nodes: Int32Array.from([0, 3]), weight: 1 })).toThrow(/node 1 is placed at 3, outside the graph's 3 nodes/);
    expect(() => addEdges(base, { graph: graph(2, []), nodes: Int32Array.from([0]), weight: 1 })).toThrow(/2 nodes but 1 are placed/);
    expect(() => addEdges(base, { graph: graph(2, []), nodes: Int32Array.from([0, 1]), weight: -1 })).toThrow(/weight must be ≥ 0/);
  });
});
