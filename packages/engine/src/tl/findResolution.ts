import { InputError } from "../errors.ts";
import { DEFAULT_RESOLUTION, type CommunityOptions, type CommunityResult } from "./communities.ts";
import type { WeightedGraph } from "../neighbors/graph.ts";

export interface FindResolutionOptions {
  /** Resolution tried first. Default 0.8. */
  start?: number;
  /** Bisection steps after the target has been bracketed. Default 25. */
  maxSteps?: number;
  /** Called after each try. */
  onTry?: (r: CommunityResult) => void;
  signal?: AbortSignal;
}

export type CommunityMethod = (g: WeightedGraph, options: CommunityOptions) => CommunityResult;

/** Resolutions are searched within this range; beyond it the count no longer changes in practice. */
const MIN_RESOLUTION = 1e-4;
const MAX_RESOLUTION = 100;

/**
 * The resolution at which `method` finds `k` communities: bracket k by doubling or halving from `start`,
 * then bisect (in log scale, as the count grows roughly with log γ). The count is not strictly monotone in
 * γ: when bisection cannot land on k, a few other seeds are tried at the final bracket, and failing that
 * the result with the count closest to k is returned (the lower count on a tie); `result.count` says which.
 */
export function findResolution(
  g: WeightedGraph,
  k: number,
  method: CommunityMethod,
  options: CommunityOptions & FindResolutionOptions = {},
): CommunityResult {
  const { start = DEFAULT_RESOLUTION, maxSteps = 25, onTry, signal, ...communityOptions } = options;
  if (!Number.isInteger(k) || k < 1 || k > g.n) {
    throw new InputError(`findResolution: k must be an integer between 1 and the number of nodes ${g.n} (got ${k})`);
  }
  let best: CommunityResult | null = null;
  const attempt = (resolution: number): CommunityResult => {
    signal?.throwIfAborted();
    const r = method(g, { ...communityOptions, resolution, signal });
    onTry?.(r);
    const gap = Math.abs(r.count - k);
    const bestGap = best ? Math.abs(best.count - k) : Infinity;
    if (gap < bestGap || (gap === bestGap && best && r.count < best.count)) best = r;
    return r;
  };

  let r = attempt(start);
  if (r.count === k) return r;
  let lo = start;
  let hi = start;
  if (r.count < k) {
    while (r.count < k && hi < MAX_RESOLUTION) {
      lo = hi;
      hi = Math.min(MAX_RESOLUTION, hi * 2);
      r = attempt(hi);
    }
  } else {
    while (r.count > k && lo > MIN_RESOLUTION) {
      hi = lo;
      lo = Math.max(MIN_RESOLUTION, lo / 2);
      r = attempt(lo);
    }
  }
  if (r.count === k) return r;
  // Now count(lo) < k < count(hi), as far as the (noisy) counts go.
  for (let step = 0; step < maxSteps; step++) {
    const mid = Math.sqrt(lo * hi);
    r = attempt(mid);
    if (r.count === k) return r;
    if (r.count < k) lo = mid;
    else hi = mid;
    if (hi / lo < 1 + 1e-4) break;
  }
  // The count jumps over k at this seed's node orders: other orders at the same resolutions may not.
  const seed = communityOptions.seed ?? 0;
  for (let extra = 1; extra <= RESEEDS; extra++) {
    for (const resolution of [lo, Math.sqrt(lo * hi), hi]) {
      signal?.throwIfAborted();
      const again = method(g, { ...communityOptions, seed: seed + extra * 7919, resolution, signal });
      onTry?.(again);
      if (again.count === k) return again;
    }
  }
  return best!;
}

/** Extra seeds tried at the final bracket when bisection cannot land on k. */
const RESEEDS = 3;
