import { columnMeanVar } from "./columnMeanVar.ts";
import type { CsrMatrix } from "./csr.ts";
import { loess } from "./loess.ts";
import { pandasCut } from "./pandasCut.ts";

export interface HvgSeuratOptions {
  /** Expects log1p-normalised data, as scanpy's default flavour. */
  flavor?: "seurat";
  /** Keep the genes with the n highest normalised dispersions; without it the cutoffs below apply. */
  nTopGenes?: number;
  /** Number of equal-width bins of log mean expression the dispersions are normalised within. */
  nBins?: number;
  minMean?: number;
  maxMean?: number;
  minDisp?: number;
  maxDisp?: number;
}

export interface HvgSeuratV3Options {
  /** Expects raw counts. */
  flavor: "seurat_v3";
  nTopGenes: number;
  /** Loess span of the log-variance / log-mean trend. */
  span?: number;
}

export interface HvgSeuratResult {
  highlyVariable: Uint8Array;
  /** Column indices of the highly variable genes, ascending. */
  selected: Int32Array;
  /** log1p of the mean of expm1(data) (1e-12 for all-zero genes), as scanpy's `means`. */
  means: Float64Array;
  /** log(variance / mean) of expm1(data); NaN where the variance is 0. */
  dispersions: Float64Array;
  dispersionsNorm: Float64Array;
}

export interface HvgSeuratV3Result {
  highlyVariable: Uint8Array;
  selected: Int32Array;
  means: Float64Array;
  /** Unbiased variance of the counts. */
  variances: Float64Array;
  /** Variance of the clipped, standardised counts under the loess mean–variance trend. */
  variancesNorm: Float64Array;
}

/**
 * scanpy's `highly_variable_genes` for one batch, flavours 'seurat' (default) and 'seurat_v3'.
 * Gene statistics are accumulated in float64 (scanpy keeps expm1 of float32 data in float32).
 * seurat_v3 breaks exact ties in normalised variance by gene order, where numpy's quicksort leaves
 * the order unspecified; its loess follows skmisc's dloess (see loess.ts).
 */
export function highlyVariableGenes(m: CsrMatrix, options?: HvgSeuratOptions): HvgSeuratResult;
export function highlyVariableGenes(m: CsrMatrix, options: HvgSeuratV3Options): HvgSeuratV3Result;
export function highlyVariableGenes(
  m: CsrMatrix,
  options: HvgSeuratOptions | HvgSeuratV3Options,
): HvgSeuratResult | HvgSeuratV3Result;
export function highlyVariableGenes(
  m: CsrMatrix,
  options: HvgSeuratOptions | HvgSeuratV3Options = {},
): HvgSeuratResult | HvgSeuratV3Result {
  if (options.flavor === "seurat_v3") return seuratV3(m, options);
  return seurat(m, options);
}

function seurat(
  m: CsrMatrix,
  { nTopGenes, nBins = 20, minMean = 0.0125, maxMean = 3, minDisp = 0.5, maxDisp = Infinity }: HvgSeuratOptions,
): HvgSeuratResult {
  const nGenes = m.nCols;
  const { mean: rawMean, variance } = columnMeanVar(m, { expm1: true });
  const means = new Float64Array(nGenes);
  const dispersions = new Float64Array(nGenes);
  for (let g = 0; g < nGenes; g++) {
    const mu = rawMean[g] === 0 ? 1e-12 : rawMean[g]!;
    const d = variance[g]! / mu;
    dispersions[g] = d === 0 ? NaN : Math.log(d);
    means[g] = Math.log1p(mu);
  }

  const bin = pandasCut(means, nBins);
  // Per-bin mean and sample std of the dispersions, NaN skipped (pandas groupby mean/std).
  const count = new Float64Array(nBins);
  const avg = new Float64Array(nBins);
  const dev = new Float64Array(nBins);
  for (let g = 0; g < nGenes; g++) {
    const b = bin[g]!;
    const d = dispersions[g]!;
    if (b >= 0 && !Number.isNaN(d)) {
      count[b]!++;
      avg[b]! += d;
    }
  }
  for (let b = 0; b < nBins; b++) avg[b] = count[b]! > 0 ? avg[b]! / count[b]! : NaN;
  for (let g = 0; g < nGenes; g++) {
    const b = bin[g]!;
    const d = dispersions[g]!;
    if (b >= 0 && !Number.isNaN(d)) dev[b]! += (d - avg[b]!) ** 2;
  }
  for (let b = 0; b < nBins; b++) {
    if (count[b]! > 1) {
      dev[b] = Math.sqrt(dev[b]! / (count[b]! - 1));
    } else {
      // scanpy: a bin whose std is undefined (a single gene) gets mean 0 and std = its mean, so that
      // gene's normalised dispersion is 1.
      dev[b] = avg[b]!;
      avg[b] = 0;
    }
  }
  const dispersionsNorm = new Float64Array(nGenes);
  for (let g = 0; g < nGenes; g++) {
    const b = bin[g]!;
    dispersionsNorm[g] = b >= 0 ? (dispersions[g]! - avg[b]!) / dev[b]! : NaN;
  }

  const highlyVariable = new Uint8Array(nGenes);
  if (nTopGenes !== undefined) {
    const ranked = dispersionsNorm.filter((v) => !Number.isNaN(v)).sort().reverse();
    const n = Math.min(nTopGenes, nGenes, ranked.length);
    if (n > 0) {
      const cutoff = ranked[n - 1]!;
      for (let g = 0; g < nGenes; g++) if (dispersionsNorm[g]! >= cutoff) highlyVariable[g] = 1;
    }
  } else {
    for (let g = 0; g < nGenes; g++) {
      // numpy's nan_to_num, as scanpy applies before the cutoffs.
      const v = dispersionsNorm[g]!;
      const d = Number.isNaN(v) ? 0 : Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, v));
      const mu = means[g]!;
      if (mu > minMean && mu < maxMean && d > minDisp && d < maxDisp) highlyVariable[g] = 1;
    }
  }
  return { highlyVariable, selected: indicesOf(highlyVariable), means, dispersions, dispersionsNorm };
}

function seuratV3(m: CsrMatrix, { nTopGenes, span = 0.3 }: HvgSeuratV3Options): HvgSeuratV3Result {
  const nGenes = m.nCols;
  const n = m.nRows;
  const { mean, variance } = columnMeanVar(m);

  // Trend of log10 variance on log10 mean over the genes that vary; constant genes keep 10^0 = 1.
  const varying: number[] = [];
  for (let g = 0; g < nGenes; g++) if (variance[g]! > 0) varying.push(g);
  const x = new Float64Array(varying.length);
  const y = new Float64Array(varying.length);
  varying.forEach((g, i) => {
    x[i] = Math.log10(mean[g]!);
    y[i] = Math.log10(variance[g]!);
  });
  const fitted = loess(x, y, { span, degree: 2 });
  const regStd = new Float64Array(nGenes).fill(1);
  varying.forEach((g, i) => {
    regStd[g] = Math.sqrt(10 ** fitted[i]!);
  });

  // Seurat clips each count at mean + sqrt(n)·std so a few huge values cannot make a gene variable.
  const clip = new Float64Array(nGenes);
  const sqrtN = Math.sqrt(n);
  for (let g = 0; g < nGenes; g++) clip[g] = regStd[g]! * sqrtN + mean[g]!;
  const sum = new Float64Array(nGenes);
  const sumSq = new Float64Array(nGenes);
  const { indices, data } = m;
  for (let k = 0; k < data.length; k++) {
    const g = indices[k]!;
    const v = Math.min(data[k]!, clip[g]!);
    sum[g]! += v;
    sumSq[g]! += v * v;
  }
  const variancesNorm = new Float64Array(nGenes);
  for (let g = 0; g < nGenes; g++) {
    const mu = mean[g]!;
    const s = regStd[g]!;
    variancesNorm[g] = (n * mu * mu + sumSq[g]! - 2 * sum[g]! * mu) / ((n - 1) * s * s);
  }

  const order = Array.from({ length: nGenes }, (_, g) => g).sort((a, b) => {
    const va = variancesNorm[a]!;
    const vb = variancesNorm[b]!;
    if (Number.isNaN(va) || Number.isNaN(vb)) return Number(Number.isNaN(va)) - Number(Number.isNaN(vb)) || a - b;
    return vb - va || a - b;
  });
  const highlyVariable = new Uint8Array(nGenes);
  for (let i = 0; i < Math.min(nTopGenes, nGenes); i++) highlyVariable[order[i]!] = 1;
  return { highlyVariable, selected: indicesOf(highlyVariable), means: mean, variances: variance, variancesNorm };
}

function indicesOf(mask: Uint8Array): Int32Array {
  let n = 0;
  for (const v of mask) n += v;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) out[j++] = i;
  return out;
}
