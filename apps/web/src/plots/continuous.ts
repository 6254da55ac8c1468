/** A continuous value per cell mapped to [0, 1] for a colour map, with the range the colour bar shows. */
export interface Normalised {
  t: Float32Array;
  min: number;
  max: number;
}

/** min..max of the finite values; a constant column maps to 0; NaN (no value) maps to 0 as well. */
export function normalise(values: ArrayLike<number>): Normalised {
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) {
    min = 0;
    max = 0;
  }
  const span = max - min;
  const t = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    t[i] = span > 0 && Number.isFinite(v) ? (v - min) / span : 0;
  }
  return { t, min, max };
}

/** Mean of `values` per group (group index per cell, negative = none): what a violin's table reports. */
export function meanByGroup(values: ArrayLike<number>, groups: ArrayLike<number>): number[] {
  const sums: number[] = [], counts: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const g = groups[i]!;
    if (g < 0) continue;
    sums[g] = (sums[g] ?? 0) + values[i]!;
    counts[g] = (counts[g] ?? 0) + 1;
  }
  return Array.from({ length: sums.length }, (_, g) => (counts[g] ? sums[g]! / counts[g]! : NaN));
}

/** A few round tick values for a colour bar between min and max. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
