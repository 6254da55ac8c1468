/**
 * Per-group distributions of one value per cell (a gene's expression or a QC measure) for violins:
 * quartiles, mean, fraction above zero and a kernel density on a shared grid. The density is a
 * binned Gaussian KDE (histogram on a fine grid, then smoothed): O(cells + bins²) whatever the cell
 * count, and no plotting library here offers one for the browser.
 */
export interface GroupDistribution {
  group: number;
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
  /** Share of the group's cells with a value above 0 (expressing, for a gene). */
  fractionPositive: number;
  /** Density at each point of the shared grid, scaled so the group's maximum is 1 (seaborn's scale="width"). */
  density: number[];
}

export interface Distributions {
  /** Grid points (value axis) where the densities are evaluated. */
  grid: number[];
  min: number;
  max: number;
  groups: GroupDistribution[];
}

function quantile(sorted: Float32Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * `values[i]` belongs to group `groups[i]` (negative = none). Groups are reported in index order
 * from 0 to the largest index; an empty group has n = 0 and NaN figures.
 */
export function groupDistributions(values: ArrayLike<number>, groups: ArrayLike<number>, options: { gridPoints?: number } = {}): Distributions {
  const gridPoints = options.gridPoints ?? 64;
  const n = values.length;
  let k = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g < 0) continue;
    if (g + 1 > k) k = g + 1;
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) {
    min = 0;
    max = 1;
  }
  const span = max - min || 1;
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) if (groups[i]! >= 0) counts[groups[i]!]!++;
  const byGroup = Array.from({ length: k }, (_, g) => new Float32Array(counts[g]!));
  const fill = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    if (g >= 0) byGroup[g]![fill[g]!++] = values[i]!;
  }
  const grid = Array.from({ length: gridPoints }, (_, j) => min + (span * j) / (gridPoints - 1));
  const out: GroupDistribution[] = byGroup.map((vals, group) => {
    vals.sort();
    const m = vals.length;
    let sum = 0, positive = 0, sq = 0;
    for (const v of vals) {
      sum += v;
      sq += v * v;
      if (v > 0) positive++;
    }
    const mean = m ? sum / m : NaN;
    // Scott's rule, with a floor so a constant group still draws a thin violin.
    const sd = m > 1 ? Math.sqrt(Math.max(0, sq / m - mean * mean)) : 0;
    const bw = Math.max(1.06 * sd * Math.pow(Math.max(m, 1), -0.2), span / (gridPoints * 2));
    const hist = new Float64Array(gridPoints);
    for (const v of vals) hist[Math.min(gridPoints - 1, Math.max(0, Math.round(((v - min) / span) * (gridPoints - 1))))]! += 1;
    const density = grid.map((x) => {
      let d = 0;
      for (let j = 0; j < gridPoints; j++) if (hist[j]) d += hist[j]! * Math.exp(-0.5 * ((x - grid[j]!) / bw) ** 2);
      return d;
    });
    const peak = Math.max(...density) || 1;
    return {
      group,
      n: m,
      min: m ? vals[0]! : NaN,
      q1: quantile(vals, 0.25),
      median: quantile(vals, 0.5),
      q3: quantile(vals, 0.75),
      max: m ? vals[m - 1]! : NaN,
      mean,
      fractionPositive: m ? positive / m : NaN,
      density: density.map((d) => d / peak),
    };
  });
  return { grid, min, max, groups: out };
}
