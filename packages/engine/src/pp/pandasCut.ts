/**
 * pandas.cut(values, nBins).codes for floats: nBins equal-width, right-closed bins over [min, max]
 * with the lowest edge lowered by 0.1% of the range (or edges ±0.1% around a constant value). Edges
 * are built as numpy.linspace builds them, so a value on an edge falls in the same bin as in pandas.
 * −1 marks a value in no bin (NaN).
 */
export function pandasCut(values: ArrayLike<number>, nBins: number): Int32Array {
  let mn = Infinity;
  let mx = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  const codes = new Int32Array(values.length).fill(-1);
  if (!(mn <= mx)) return codes;
  const constant = mn === mx;
  if (constant) {
    mn -= mn !== 0 ? 0.001 * Math.abs(mn) : 0.001;
    mx += mx !== 0 ? 0.001 * Math.abs(mx) : 0.001;
  }
  const edges = new Float64Array(nBins + 1);
  const step = (mx - mn) / nBins;
  for (let i = 0; i <= nBins; i++) edges[i] = i * step + mn;
  edges[nBins] = mx;
  if (!constant) edges[0] = edges[0]! - (mx - mn) * 0.001;
  for (let g = 0; g < values.length; g++) {
    const v = values[g]!;
    if (Number.isNaN(v)) continue;
    // numpy searchsorted(side='left'): the first edge ≥ v.
    let a = 0;
    let b = nBins + 1;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (edges[mid]! < v) a = mid + 1;
      else b = mid;
    }
    if (v === edges[0]) a = 1;
    if (a > 0 && a <= nBins) codes[g] = a - 1;
  }
  return codes;
}
