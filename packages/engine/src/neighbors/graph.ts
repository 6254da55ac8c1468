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
