/**
 * Per-cell QC of an uploaded dataset (total counts and detected genes per cell), computed once when
 * the engine's reader validates the upload, and kept as the dataset's metadata for its page.
 */
import type { DatasetQc, QcDistribution } from "@scfnccl/db";
import { pp } from "@scfnccl/engine";

export const QC_BINS = 30;

export function datasetQc(counts: pp.CsrMatrix): DatasetQc {
  const genes = new Float64Array(counts.nRows);
  for (let r = 0; r < counts.nRows; r++) {
    let g = 0;
    for (let k = counts.indptr[r]!; k < counts.indptr[r + 1]!; k++) if (counts.data[k] !== 0) g++;
    genes[r] = g;
  }
  return { countsPerCell: distribution(pp.rowSums(counts)), genesPerCell: distribution(genes) };
}

/** Summary and an equal-width histogram; quantiles interpolate linearly (numpy's default). */
export function distribution(values: Float64Array, bins = QC_BINS): QcDistribution {
  const n = values.length;
  if (n === 0) return { min: 0, max: 0, mean: 0, median: 0, q1: 0, q3: 0, histogram: { binEdges: [0, 0], counts: [0] } };
  const sorted = Float64Array.from(values).sort();
  const q = (p: number) => {
    const pos = p * (n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, n - 1);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  let sum = 0;
  for (const v of sorted) sum += v;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  // All cells alike: one bin around the value.
  const width = max > min ? (max - min) / bins : 1;
  const nBins = max > min ? bins : 1;
  const counts = new Array<number>(nBins).fill(0);
  for (const v of sorted) counts[Math.min(nBins - 1, Math.floor((v - min) / width))]! += 1;
  const binEdges = Array.from({ length: nBins + 1 }, (_, i) => min + i * width);
  return { min, max, mean: sum / n, median: q(0.5), q1: q(0.25), q3: q(0.75), histogram: { binEdges, counts } };
}
