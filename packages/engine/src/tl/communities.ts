/** Cluster labels as Seurat numbers them: 0 is the largest cluster, ties by first appearance. */
export function relabelBySize(membership: ArrayLike<number>): { labels: Int32Array; count: number } {
  const sizes = new Map<number, number>();
  const first = new Map<number, number>();
  for (let i = 0; i < membership.length; i++) {
    const c = membership[i]!;
    sizes.set(c, (sizes.get(c) ?? 0) + 1);
    if (!first.has(c)) first.set(c, i);
  }
  const order = [...sizes.keys()].sort((a, b) => sizes.get(b)! - sizes.get(a)! || first.get(a)! - first.get(b)!);
  const map = new Map(order.map((c, r) => [c, r]));
  return { labels: Int32Array.from({ length: membership.length }, (_, i) => map.get(membership[i]!)!), count: order.length };
}

/** Seurat's FindClusters resolution, the default of every community detection here. */
export const DEFAULT_RESOLUTION = 0.8;

/** Options common to the community detection methods. */
export interface CommunityOptions {
  /** Modularity resolution γ: higher gives more, smaller clusters. Default 0.8 (Seurat's FindClusters). */
  resolution?: number;
  /** Seed of the node orders; the same seed gives the same clusters. Default 0. */
  seed?: number;
  signal?: AbortSignal;
}

export interface CommunityResult {
  /** Cluster of each node, 0 = largest. */
  labels: Int32Array;
  count: number;
  /** Modularity (at the given resolution) of the result. */
  modularity: number;
  resolution: number;
}
