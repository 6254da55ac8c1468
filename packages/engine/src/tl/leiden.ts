import { InputError } from "../errors.ts";
import { createRng, permutation, type Rng } from "../random.ts";
import { DEFAULT_RESOLUTION, relabelBySize, type CommunityOptions, type CommunityResult } from "./communities.ts";
import { modularity, type WeightedGraph } from "../neighbors/graph.ts";

export interface LeidenOptions extends CommunityOptions {
  /** Runs of the whole algorithm, each starting from the previous partition (scanpy's n_iterations = 2). Default 2. */
  nIterations?: number;
}

/** Working graph of one level: CSR adjacency (self-loops allowed) plus node weights. */
interface Level {
  n: number;
  indptr: Int32Array;
  indices: Int32Array;
  weights: Float64Array;
  /** Summed weighted degree of the original nodes inside each node. */
  nodeWeight: Float64Array;
}

/**
 * Leiden community detection (Traag, Waltman & van Eck 2019) maximising modularity with a resolution γ,
 * the quality scanpy's `tl.leiden` optimises (leidenalg's RBConfigurationVertexPartition): fast local
 * moving, refinement of each community into well-connected sub-communities, aggregation of the refined
 * partition with the unrefined one as the start of the next level. The refinement merges greedily (the
 * paper's θ → 0 limit) so that the result depends only on the seeded node orders.
 *
 * Written here because the one Leiden package on npm (ngraph.leiden 0.2.0) does not start each level
 * from the unrefined partition and reaches clearly lower modularity than Louvain on SNN graphs.
 */
export function leiden(g: WeightedGraph, options: LeidenOptions = {}): CommunityResult {
  const { resolution = DEFAULT_RESOLUTION, seed = 0, nIterations = 2, signal } = options;
  if (!(resolution > 0)) throw new InputError(`leiden: resolution must be > 0 (got ${resolution})`);
  const rng = createRng(seed);
  const base: Level = { n: g.n, indptr: g.indptr, indices: g.indices, weights: g.weights, nodeWeight: new Float64Array(g.n) };
  let twoM = 0;
  for (let i = 0; i < g.n; i++) {
    let d = 0;
    for (let e = g.indptr[i]!; e < g.indptr[i + 1]!; e++) d += g.weights[e]!;
    base.nodeWeight[i] = d;
    twoM += d;
  }
  let membership: Int32Array = Int32Array.from({ length: g.n }, (_, i) => i);
  if (twoM > 0) {
    // With node weights k and γ' = γ / 2m, the constant Potts model's move gains are modularity's.
    const gamma = resolution / twoM;
    for (let it = 0; it < nIterations; it++) {
      signal?.throwIfAborted();
      membership = runOnce(base, membership, gamma, rng, signal);
    }
  }
  const { labels, count } = relabelBySize(membership);
  return { labels, count, modularity: modularity(g, labels, resolution), resolution };
}

function runOnce(base: Level, initial: Int32Array, gamma: number, rng: Rng, signal?: AbortSignal): Int32Array {
  let level = base;
  let part = compact(initial);
  // Which node of the current level each original node is in.
  let nodeOf = Int32Array.from({ length: base.n }, (_, i) => i);
  for (let depth = 0; depth < 100; depth++) {
    signal?.throwIfAborted();
    const moved = moveNodesFast(level, part, gamma, rng);
    part = compact(moved);
    const nCommunities = part.reduce((m, c) => Math.max(m, c), -1) + 1;
    if (nCommunities === level.n) break;
    const refined = compact(refine(level, part, gamma, rng));
    const nRefined = refined.reduce((m, c) => Math.max(m, c), -1) + 1;
    // Each aggregate node starts in the (unrefined) community that holds it.
    const next = new Int32Array(nRefined);
    for (let v = 0; v < level.n; v++) next[refined[v]!] = part[v]!;
    nodeOf = nodeOf.map((v) => refined[v]!);
    level = aggregate(level, refined, nRefined);
    part = next;
  }
  return Int32Array.from(nodeOf, (v) => part[v]!);
}

/** Community ids renumbered 0.. in order of first appearance. */
function compact(membership: Int32Array): Int32Array {
  const map = new Map<number, number>();
  return membership.map((c) => {
    let id = map.get(c);
    if (id === undefined) map.set(c, (id = map.size));
    return id;
  });
}

/**
 * Leiden's fast local moving: nodes in a queue (random order); each moves to the neighbouring (or an
 * empty) community with the largest positive gain, and its neighbours outside that community are queued again.
 */
function moveNodesFast(g: Level, membership: Int32Array, gamma: number, rng: Rng): Int32Array {
  const n = g.n;
  const part = Int32Array.from(membership);
  const total = new Float64Array(n); // node weight per community (ids < n)
  const size = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    total[part[v]!]! += g.nodeWeight[v]!;
    size[part[v]!]!++;
  }
  const empty: number[] = [];
  for (let c = n - 1; c >= 0; c--) if (size[c] === 0) empty.push(c);
  const queue = permutation(n, rng);
  const inQueue = new Uint8Array(n).fill(1);
  let head = 0;
  let count = n;
  const ring = Int32Array.from(queue);
  const wTo = new Float64Array(n);
  const seen: number[] = [];
  while (count > 0) {
    const v = ring[head]!;
    head = (head + 1) % n;
    count--;
    inQueue[v] = 0;
    const from = part[v]!;
    const kv = g.nodeWeight[v]!;
    seen.length = 0;
    for (let e = g.indptr[v]!; e < g.indptr[v + 1]!; e++) {
      const u = g.indices[e]!;
      if (u === v) continue;
      const c = part[u]!;
      if (wTo[c] === 0 && !seen.includes(c)) seen.push(c);
      wTo[c]! += g.weights[e]!;
    }
    // Gain relative to leaving v on its own: w(v, C) − γ' k_v K_{C∖v}.
    const stay = wTo[from]! - gamma * kv * (total[from]! - kv);
    let best = from;
    let bestGain = stay;
    for (const c of seen) {
      if (c === from) continue;
      const gain = wTo[c]! - gamma * kv * total[c]!;
      if (gain > bestGain) {
        bestGain = gain;
        best = c;
      }
    }
    // An empty community (gain 0) when v is better off alone.
    if (bestGain < 0 && size[from]! > 1) {
      best = empty.pop()!;
      bestGain = 0;
    }
    for (const c of seen) wTo[c] = 0;
    wTo[from] = 0;
    if (best === from) continue;
    total[from]! -= kv;
    size[from]!--;
    if (size[from] === 0) empty.push(from);
    total[best]! += kv;
    size[best]!++;
    part[v] = best;
    for (let e = g.indptr[v]!; e < g.indptr[v + 1]!; e++) {
      const u = g.indices[e]!;
      if (!inQueue[u] && part[u] !== best) {
        inQueue[u] = 1;
        ring[(head + count) % n] = u;
        count++;
      }
    }
  }
  return part;
}

/**
 * Leiden's refinement: inside each community, start from singletons and merge each still-single,
 * well-connected node into the well-connected sub-community with the best non-negative gain.
 */
function refine(g: Level, part: Int32Array, gamma: number, rng: Rng): Int32Array {
  const n = g.n;
  const refined = Int32Array.from({ length: n }, (_, i) => i);
  const nComm = part.reduce((m, c) => Math.max(m, c), -1) + 1;
  const commTotal = new Float64Array(nComm);
  for (let v = 0; v < n; v++) commTotal[part[v]!]! += g.nodeWeight[v]!;
  const subTotal = Float64Array.from(g.nodeWeight);
  // Edge weight from each sub-community to the rest of its community.
  const subExternal = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    for (let e = g.indptr[v]!; e < g.indptr[v + 1]!; e++) {
      const u = g.indices[e]!;
      if (u !== v && part[u] === part[v]) subExternal[v]! += g.weights[e]!;
    }
  }
  const singleton = new Uint8Array(n).fill(1);
  const wTo = new Float64Array(n);
  const seen: number[] = [];
  for (const v of permutation(n, rng)) {
    if (!singleton[v]) continue;
    const c = part[v]!;
    const kv = g.nodeWeight[v]!;
    if (subExternal[v]! < gamma * kv * (commTotal[c]! - kv)) continue;
    seen.length = 0;
    for (let e = g.indptr[v]!; e < g.indptr[v + 1]!; e++) {
      const u = g.indices[e]!;
      if (u === v || part[u] !== c) continue;
      const s = refined[u]!;
      if (wTo[s] === 0 && !seen.includes(s)) seen.push(s);
      wTo[s]! += g.weights[e]!;
    }
    let best = v;
    let bestGain = 0;
    for (const s of seen) {
      const ks = subTotal[s]!;
      // Only sub-communities that are themselves well connected to the rest of the community.
      if (subExternal[s]! < gamma * ks * (commTotal[c]! - ks)) continue;
      const gain = wTo[s]! - gamma * kv * ks;
      if (gain > bestGain) {
        bestGain = gain;
        best = s;
      }
    }
    if (best !== v) {
      // v's edges to the rest of the community, except those into `best`, are now best's external edges.
      subExternal[best] = subExternal[best]! + subExternal[v]! - 2 * wTo[best]!;
      subTotal[best]! += kv;
      refined[v] = best;
      singleton[v] = 0;
      singleton[best] = 0;
    }
    for (const s of seen) wTo[s] = 0;
  }
  return refined;
}

/** The graph of communities: summed edge weights (internal ones become self-loops) and node weights. */
function aggregate(g: Level, membership: Int32Array, m: number): Level {
  const rows: Map<number, number>[] = Array.from({ length: m }, () => new Map());
  const nodeWeight = new Float64Array(m);
  for (let v = 0; v < g.n; v++) {
    const cv = membership[v]!;
    nodeWeight[cv]! += g.nodeWeight[v]!;
    const row = rows[cv]!;
    for (let e = g.indptr[v]!; e < g.indptr[v + 1]!; e++) {
      const cu = membership[g.indices[e]!]!;
      row.set(cu, (row.get(cu) ?? 0) + g.weights[e]!);
    }
  }
  const indptr = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) indptr[c + 1] = indptr[c]! + rows[c]!.size;
  const indices = new Int32Array(indptr[m]!);
  const weights = new Float64Array(indptr[m]!);
  let p = 0;
  for (const row of rows) {
    for (const [u, w] of row) {
      indices[p] = u;
      weights[p++] = w;
    }
  }
  return { n: m, indptr, indices, weights, nodeWeight };
}

