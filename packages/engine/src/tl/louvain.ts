import { UndirectedGraph } from "graphology";
import louvainModule from "graphology-communities-louvain";
import { InputError } from "../errors.ts";
import { createRng } from "../random.ts";
import { DEFAULT_RESOLUTION, relabelBySize, type CommunityOptions, type CommunityResult } from "./communities.ts";
import { modularity, type WeightedGraph } from "../neighbors/graph.ts";

// The package is CommonJS with ESM-style typings: at run time the default import is the function itself.
type LouvainFn = typeof louvainModule.default;
const louvainImpl: LouvainFn =
  (louvainModule as unknown as { default?: LouvainFn }).default ?? (louvainModule as unknown as LouvainFn);

export interface LouvainOptions extends CommunityOptions {
  /** Independent random starts; the partition with the highest modularity wins (Seurat's n.start). Default 10. */
  nStart?: number;
}

/** graphology's view of a WeightedGraph (each undirected edge once). */
export function toGraphology(g: WeightedGraph): UndirectedGraph {
  const graph = new UndirectedGraph();
  for (let i = 0; i < g.n; i++) graph.addNode(i);
  for (let i = 0; i < g.n; i++) {
    for (let e = g.indptr[i]!; e < g.indptr[i + 1]!; e++) {
      const j = g.indices[e]!;
      if (j > i) graph.addUndirectedEdge(i, j, { weight: g.weights[e]! });
    }
  }
  return graph;
}

/**
 * Louvain modularity optimisation (graphology-communities-louvain) with a resolution, best of
 * `nStart` seeded random starts as Seurat's FindClusters(algorithm = 1) does.
 */
export function louvain(g: WeightedGraph, options: LouvainOptions = {}): CommunityResult {
  const { resolution = DEFAULT_RESOLUTION, seed = 0, nStart = 10, signal } = options;
  if (!(resolution > 0)) throw new InputError(`louvain: resolution must be > 0 (got ${resolution})`);
  if (!Number.isInteger(nStart) || nStart < 1) throw new InputError(`louvain: nStart must be an integer ≥ 1 (got ${nStart})`);
  const graph = toGraphology(g);
  const rng = createRng(seed);
  let best: { membership: Int32Array; q: number } | null = null;
  for (let s = 0; s < nStart; s++) {
    signal?.throwIfAborted();
    const run = rng.fork();
    const out = louvainImpl.detailed(graph, { resolution, rng: run.next, getEdgeWeight: "weight" });
    const membership = Int32Array.from({ length: g.n }, (_, i) => out.communities[i]!);
    // graphology's own modularity figure ignores γ in some versions; score every start the same way.
    const q = modularity(g, membership, resolution);
    if (best === null || q > best.q) best = { membership, q };
  }
  const { labels, count } = relabelBySize(best!.membership);
  return { labels, count, modularity: best!.q, resolution };
}
