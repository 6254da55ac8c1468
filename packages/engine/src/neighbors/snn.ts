import { InputError } from "../errors.ts";
import type { WeightedGraph } from "./graph.ts";
import type { Neighbors } from "./neighbors.ts";

export interface SnnOptions {
  /** Edges with a Jaccard index below this are dropped (Seurat's prune.SNN). Default 1/15. */
  prune?: number;
}

/**
 * Shared-nearest-neighbour graph as Seurat's `ComputeSNN`: two cells are joined with the Jaccard index
 * of their k-neighbourhoods (each containing the cell itself), s / (2k − s) for s shared neighbours,
 * and edges below `prune` are removed. Seurat's modularity optimiser reads only the strict lower
 * triangle of this matrix, so the (always 1) self-similarities are left out here.
 */
export function snnGraph(nn: Neighbors, { prune = 1 / 15 }: SnnOptions = {}): WeightedGraph {
  const { n, k, indices } = nn;
  if (!(prune >= 0 && prune <= 1)) throw new InputError(`snnGraph: prune must be in [0, 1] (got ${prune})`);
  // Inverted index: which cells have m among their neighbours.
  const inCount = new Int32Array(n + 1);
  for (let t = 0; t < indices.length; t++) inCount[indices[t]! + 1]!++;
  for (let i = 0; i < n; i++) inCount[i + 1]! += inCount[i]!;
  const owners = new Int32Array(indices.length);
  const fill = inCount.slice(0, n);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) owners[fill[indices[i * k + t]!]!++] = i;

  const shared = new Int32Array(n);
  const touched: number[] = [];
  const rowIdx: number[][] = [];
  const rowW: number[][] = [];
  for (let i = 0; i < n; i++) {
    touched.length = 0;
    for (let t = 0; t < k; t++) {
      const m = indices[i * k + t]!;
      for (let o = inCount[m]!; o < inCount[m + 1]!; o++) {
        const j = owners[o]!;
        if (shared[j]!++ === 0) touched.push(j);
      }
    }
    touched.sort((a, b) => a - b);
    const idx: number[] = [];
    const w: number[] = [];
    for (const j of touched) {
      const s = shared[j]!;
      shared[j] = 0;
      if (j === i) continue;
      const jac = s / (2 * k - s);
      if (jac < prune) continue;
      idx.push(j);
      w.push(jac);
    }
    rowIdx.push(idx);
    rowW.push(w);
  }
  const indptr = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) indptr[i + 1] = indptr[i]! + rowIdx[i]!.length;
  const outIdx = new Int32Array(indptr[n]!);
  const outW = new Float64Array(indptr[n]!);
  for (let i = 0; i < n; i++) {
    outIdx.set(rowIdx[i]!, indptr[i]!);
    outW.set(rowW[i]!, indptr[i]!);
  }
  return { n, indptr, indices: outIdx, weights: outW };
}
