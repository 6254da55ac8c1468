import { createRng } from "../random.ts";

/**
 * A small preprocessed-looking matrix with `k` well-separated groups, for tests that need
 * training to run in seconds: rows are group means plus unit noise, [cells, genes].
 */
export function separatedGroups(options: { cells: number; genes: number; k: number; seed?: number; spread?: number }): {
  x: Float32Array;
  labels: Int32Array;
} {
  const { cells, genes, k, seed = 0, spread = 3 } = options;
  const rng = createRng(seed);
  const means = Array.from({ length: k }, () => Array.from({ length: genes }, () => rng.normal() * spread));
  const x = new Float32Array(cells * genes);
  const labels = new Int32Array(cells);
  for (let i = 0; i < cells; i++) {
    const g = i % k;
    labels[i] = g;
    for (let j = 0; j < genes; j++) x[i * genes + j] = means[g]![j]! + rng.normal();
  }
  return { x, labels };
}
