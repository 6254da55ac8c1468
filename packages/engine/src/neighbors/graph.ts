import { InputError } from "../errors.ts";

/**
 * A weighted undirected graph in compressed sparse row form: node i's neighbours are
 * indices[indptr[i] .. indptr[i+1]) with the same weights; every edge is stored in both rows, and
 * there are no self-loops.
 */
export interface WeightedGraph {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  weights: Float64Array;
}

/**
 * Newman–Girvan modularity with a resolution γ: Q = Σ_c [ w_in(c) / m − γ (d_c / 2m)² ], where w_in(c)
 * is the weight of edges inside c, d_c the summed weighted degree of c and m the total edge weight.
 */
export function modularity(g: WeightedGraph, membership: ArrayLike<number>, resolution = 1): number {
  let twoM = 0;
  const degree = new Map<number, number>();
  const inside = new Map<number, number>();
  for (let i = 0; i < g.n; i++) {
    const ci = membership[i]!;
    let di = 0;
    for (let e = g.indptr[i]!; e < g.indptr[i + 1]!; e++) {
      const w = g.weights[e]!;
      di += w;
      if (membership[g.indices[e]!] === ci) inside.set(ci, (inside.get(ci) ?? 0) + w);
    }
    twoM += di;
    degree.set(ci, (degree.get(ci) ?? 0) + di);
  }
  if (twoM === 0) return 0;
  let q = 0;
  for (const [c, dc] of degree) q += (inside.get(c) ?? 0) / twoM - resolution * (dc / twoM) ** 2;
  return q;
}

/**
 * The graph of `base`'s n nodes with another graph's edges added: `added.graph` is a graph of the
 * nodes listed in `added.nodes` (its node a is base's node nodes[a]); its weights are scaled by
 * `added.weight` (default 1) and summed with base's where both graphs have the edge.
 */
export function addEdges(base: WeightedGraph, added: { graph: WeightedGraph; nodes: Int32Array; weight?: number }): WeightedGraph {
  const { graph: other, nodes, weight = 1 } = added;
  if (other.n !== nodes.length) throw new InputError(`addEdges: the added graph has ${other.n} nodes but ${nodes.length} are placed`);
  if (!(weight >= 0)) throw new InputError(`addEdges: weight must be ≥ 0 (got ${weight})`);
  const { n } = base;
  const local = new Int32Array(n).fill(-1);
  nodes.forEach((v, a) => {
    if (!(v >= 0 && v < n)) throw new InputError(`addEdges: node ${a} is placed at ${v}, outside the graph's ${n} nodes`);
    local[v] = a;
  });
  const cap = base.indices.length + other.indices.length;
  const indptr = new Int32Array(n + 1);
  const indices = new Int32Array(cap);
  const weights = new Float64Array(cap);
  // Where node j sits in the row being built (-1: not yet in it).
  const slot = new Int32Array(n).fill(-1);
  let out = 0;
  for (let i = 0; i < n; i++) {
    const start = out;
    for (let e = base.indptr[i]!; e < base.indptr[i + 1]!; e++) {
      slot[base.indices[e]!] = out;
      indices[out] = base.indices[e]!;
      weights[out++] = base.weights[e]!;
    }
    const a = local[i]!;
    if (a >= 0) {
      for (let e = other.indptr[a]!; e < other.indptr[a + 1]!; e++) {
        const j = nodes[other.indices[e]!]!;
        const w = weight * other.weights[e]!;
        const at = slot[j]!;
        if (at >= start) weights[at] = weights[at]! + w;
        else {
          slot[j] = out;
          indices[out] = j;
          weights[out++] = w;
        }
      }
    }
    for (let e = start; e < out; e++) slot[indices[e]!] = -1;
    indptr[i + 1] = out;
  }
  return { n, indptr, indices: indices.slice(0, out), weights: weights.slice(0, out) };
}
