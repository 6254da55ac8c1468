import { InputError } from "../errors.ts";
import { csrSubset, type CsrMatrix } from "../pp/csr.ts";
import { log1p } from "../pp/log1p.ts";
import { normalizeTotal } from "../pp/normalizeTotal.ts";
import { benjaminiHochberg, benjaminiHochbergLog10, normalTwoSided, normalTwoSidedLog10, studentTTwoSided } from "./stats.ts";

export interface RankGenesOptions {
  /** "wilcoxon" (rank-sum, normal approximation) or "t-test" (Welch's). Default "wilcoxon". */
  method?: "wilcoxon" | "t-test";
  /** Tie correction of the rank-sum variance. Default true (as scipy's mannwhitneyu). */
  tieCorrect?: boolean;
  /** Groups to test, each against all other cells. Default every group present. */
  groups?: number[];
  signal?: AbortSignal;
}

/** One group against the rest; every array is per gene in column order, `order` ranks them. */
export interface RankGenesGroup {
  group: number;
  nCells: number;
  /** z-score (Wilcoxon) or t statistic (t-test); 0 where undefined (a gene constant in both sets). */
  scores: Float64Array;
  /** Two-sided p-values; 1 where the statistic is undefined. */
  pvals: Float64Array;
  /** Benjamini–Hochberg over the genes. */
  pvalsAdj: Float64Array;
  /**
   * log10 of pvals and pvalsAdj, finite where the p-value underflows to 0 (a marker's z of 40 has
   * p ≈ 1e-350), so a table can say "1e-350" instead of "0". For the t-test, p-values below 1e-300
   * take the normal tail of t (the degrees of freedom are in the hundreds there).
   */
  log10Pvals: Float64Array;
  log10PvalsAdj: Float64Array;
  /** log2((expm1(mean in) + 1e-9) / (expm1(mean out) + 1e-9)), scanpy's definition on log1p data. */
  logFoldChanges: Float64Array;
  /** Share of the group's cells with a non-zero value. */
  pctIn: Float64Array;
  /** Share of the other cells with a non-zero value. */
  pctOut: Float64Array;
  /** Gene (column) indices by score, highest first. */
  order: Int32Array;
}

/**
 * Marker genes per group as scanpy's `rank_genes_groups(reference="rest")`, on log-normalised expression
 * (cells × genes): Wilcoxon rank-sum z-scores with two-sided normal p-values, no continuity correction
 * (= scipy `mannwhitneyu(method="asymptotic", use_continuity=False)`), or Welch's t-test; BH-adjusted
 * p-values, log fold changes and the fractions of cells expressing each gene.
 *
 * Each gene's values are ranked once over all cells (the implicit zeros form one tie block), so the
 * Wilcoxon test costs O(nnz log nnz) for all groups together.
 */
export function rankGenes(x: CsrMatrix, groupOf: ArrayLike<number>, options: RankGenesOptions = {}): RankGenesGroup[] {
  const { method = "wilcoxon", tieCorrect = true, signal } = options;
  const n = x.nRows;
  const nGenes = x.nCols;
  if (groupOf.length !== n) throw new InputError(`rankGenes: ${groupOf.length} group labels for ${n} cells`);
  const present = [...new Set(Array.from(groupOf))].sort((a, b) => a - b);
  const groups = options.groups ?? present;
  const slot = new Map(groups.map((g, s) => [g, s]));
  const size = groups.map((g) => {
    let c = 0;
    for (let i = 0; i < n; i++) if (groupOf[i] === g) c++;
    if (c === 0) throw new InputError(`rankGenes: group ${g} has no cells`);
    if (c === n) throw new InputError(`rankGenes: group ${g} holds every cell, so there is no rest to compare with`);
    return c;
  });
  const cellSlot = Int32Array.from({ length: n }, (_, i) => slot.get(groupOf[i]!) ?? -1);
  const nG = groups.length;

  // Per-gene sums, sums of squares and non-zero counts, per group (plus totals) — one pass over CSR.
  const sum = new Float64Array(nG * nGenes);
  const sumSq = new Float64Array(nG * nGenes);
  const nnz = new Float64Array(nG * nGenes);
  const totSum = new Float64Array(nGenes);
  const totSq = new Float64Array(nGenes);
  const totNnz = new Float64Array(nGenes);
  for (let i = 0; i < n; i++) {
    const s = cellSlot[i]!;
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      const j = x.indices[k]!;
      const v = x.data[k]!;
      totSum[j]! += v;
      totSq[j]! += v * v;
      if (v !== 0) totNnz[j]!++;
      if (s < 0) continue;
      sum[s * nGenes + j]! += v;
      sumSq[s * nGenes + j]! += v * v;
      if (v !== 0) nnz[s * nGenes + j]!++;
    }
  }

  const scores = Array.from({ length: nG }, () => new Float64Array(nGenes));
  const pvals = Array.from({ length: nG }, () => new Float64Array(nGenes));
  if (method === "wilcoxon") wilcoxon(x, cellSlot, size, tieCorrect, scores, pvals, signal);
  else if (method === "t-test") {
    for (let s = 0; s < nG; s++) {
      const n1 = size[s]!;
      const n2 = n - n1;
      for (let j = 0; j < nGenes; j++) {
        const s1 = sum[s * nGenes + j]!;
        const q1 = sumSq[s * nGenes + j]!;
        const s2 = totSum[j]! - s1;
        const q2 = totSq[j]! - q1;
        const m1 = s1 / n1;
        const m2 = s2 / n2;
        const v1 = n1 > 1 ? Math.max(0, (q1 - n1 * m1 * m1) / (n1 - 1)) : NaN;
        const v2 = n2 > 1 ? Math.max(0, (q2 - n2 * m2 * m2) / (n2 - 1)) : NaN;
        const a = v1 / n1;
        const b = v2 / n2;
        const t = (m1 - m2) / Math.sqrt(a + b);
        const df = ((a + b) * (a + b)) / ((a * a) / (n1 - 1) + (b * b) / (n2 - 1));
        const ok = Number.isFinite(t);
        scores[s]![j] = ok ? t : 0;
        pvals[s]![j] = ok ? studentTTwoSided(t, df) : 1;
      }
    }
  } else {
    throw new InputError(`rankGenes: method must be "wilcoxon" or "t-test" (got ${String(method)})`);
  }

  return groups.map((group, s) => {
    const n1 = size[s]!;
    const n2 = n - n1;
    const logFoldChanges = new Float64Array(nGenes);
    const pctIn = new Float64Array(nGenes);
    const pctOut = new Float64Array(nGenes);
    for (let j = 0; j < nGenes; j++) {
      const s1 = sum[s * nGenes + j]!;
      const meanIn = s1 / n1;
      const meanOut = (totSum[j]! - s1) / n2;
      logFoldChanges[j] = Math.log2((Math.expm1(meanIn) + 1e-9) / (Math.expm1(meanOut) + 1e-9));
      pctIn[j] = nnz[s * nGenes + j]! / n1;
      pctOut[j] = (totNnz[j]! - nnz[s * nGenes + j]!) / n2;
    }
    const sc = scores[s]!;
    const p = pvals[s]!;
    const order = Int32Array.from({ length: nGenes }, (_, j) => j).sort((a, b) => sc[b]! - sc[a]! || a - b);
    const log10Pvals = Float64Array.from(p, (v, j) => (v > 1e-300 ? Math.log10(v) : normalTwoSidedLog10(sc[j]!)));
    return {
      group,
      nCells: n1,
      scores: sc,
      pvals: p,
      pvalsAdj: benjaminiHochberg(p),
      log10Pvals,
      log10PvalsAdj: benjaminiHochbergLog10(log10Pvals),
      logFoldChanges,
      pctIn,
      pctOut,
      order,
    };
  });
}

/** Rank-sum z-scores and p-values of every group against the rest, for every gene. */
function wilcoxon(
  x: CsrMatrix,
  cellSlot: Int32Array,
  size: number[],
  tieCorrect: boolean,
  scores: Float64Array[],
  pvals: Float64Array[],
  signal?: AbortSignal,
): void {
  const n = x.nRows;
  const nGenes = x.nCols;
  const nG = size.length;
  // Column-wise (CSC) copy of the stored values.
  const colPtr = new Int32Array(nGenes + 1);
  for (let k = 0; k < x.indices.length; k++) colPtr[x.indices[k]! + 1]!++;
  for (let j = 0; j < nGenes; j++) colPtr[j + 1]! += colPtr[j]!;
  const fill = colPtr.slice(0, nGenes);
  const rowOf = new Int32Array(x.indices.length);
  const valOf = new Float64Array(x.indices.length);
  for (let i = 0; i < n; i++) {
    for (let k = x.indptr[i]!; k < x.indptr[i + 1]!; k++) {
      const p = fill[x.indices[k]!]!++;
      rowOf[p] = i;
      valOf[p] = x.data[k]!;
    }
  }

  const rankSum = new Float64Array(nG);
  const zerosIn = new Float64Array(nG);
  let order = new Int32Array(0);
  for (let j = 0; j < nGenes; j++) {
    if (j % 256 === 0) signal?.throwIfAborted();
    const start = colPtr[j]!;
    const end = colPtr[j + 1]!;
    const m = end - start;
    if (order.length < m) order = new Int32Array(m);
    const ord = order.subarray(0, m);
    for (let t = 0; t < m; t++) ord[t] = start + t;
    ord.sort((a, b) => valOf[a]! - valOf[b]!);
    rankSum.fill(0);
    for (let s = 0; s < nG; s++) zerosIn[s] = size[s]!;
    // Values below zero, then the block of zeros (stored or implicit), then values above.
    let nNeg = 0;
    while (nNeg < m && valOf[ord[nNeg]!]! < 0) nNeg++;
    let storedZeros = 0;
    while (nNeg + storedZeros < m && valOf[ord[nNeg + storedZeros]!]! === 0) storedZeros++;
    const nZero = n - m + storedZeros;
    let ties = 0;
    const assign = (from: number, to: number, rankStart: number) => {
      // Sorted stored values ord[from..to) take ranks rankStart+1 ..; tie groups share their mean rank.
      let a = from;
      while (a < to) {
        let b = a + 1;
        while (b < to && valOf[ord[b]!] === valOf[ord[a]!]) b++;
        const t = b - a;
        const rank = rankStart + (a - from) + (t + 1) / 2;
        if (t > 1) ties += t * t * t - t;
        for (let q = a; q < b; q++) {
          const s = cellSlot[rowOf[ord[q]!]!]!;
          if (s >= 0) {
            rankSum[s]! += rank;
            zerosIn[s]!--;
          }
        }
        a = b;
      }
    };
    assign(0, nNeg, 0);
    assign(nNeg + storedZeros, m, nNeg + nZero);
    const zeroRank = nNeg + (nZero + 1) / 2;
    if (nZero > 1) ties += nZero * nZero * nZero - nZero;
    // zerosIn now counts each group's zeros, stored or implicit: only non-zero values were taken off.
    const tieFactor = tieCorrect ? 1 - ties / (n * n * n - n) : 1;
    for (let s = 0; s < nG; s++) {
      const n1 = size[s]!;
      const n2 = n - n1;
      const r = rankSum[s]! + zerosIn[s]! * zeroRank;
      const sd = Math.sqrt((tieFactor * n1 * n2 * (n + 1)) / 12);
      const z = (r - (n1 * (n + 1)) / 2) / sd;
      const ok = Number.isFinite(z);
      scores[s]![j] = ok ? z : 0;
      pvals[s]![j] = ok ? normalTwoSided(z) : 1;
    }
  }
}

/** scanpy's `filter_rank_genes_groups` thresholds: what a marker table shows by default (results are stored whole). */
export interface MarkerFilter {
  /** Least share of the group's cells expressing the gene. Default 0.25. */
  minInGroupFraction?: number;
  /** Most share of the other cells expressing the gene. Default 0.5. */
  maxOutGroupFraction?: number;
  /** Least fold change of mean expression, group over rest (not log). Default 2. */
  minFoldChange?: number;
}

export const MARKER_FILTER_DEFAULTS: Required<MarkerFilter> = { minInGroupFraction: 0.25, maxOutGroupFraction: 0.5, minFoldChange: 2 };

/**
 * Whether a marker passes the filter, as `filter_rank_genes_groups(compare_abs=False)`: expressed in at
 * least minInGroupFraction of the group, at most maxOutGroupFraction of the rest, and 2^logfoldchange ≥
 * minFoldChange. A gene expressed in (nearly) every cell, in the group and out, never passes: it says
 * nothing about what the group is, however high its score.
 */
export function passesMarkerFilter(m: { pctIn: number; pctOut: number; logFoldChange: number }, filter: MarkerFilter = {}): boolean {
  const f = { ...MARKER_FILTER_DEFAULTS, ...filter };
  return m.pctIn >= f.minInGroupFraction && m.pctOut <= f.maxOutGroupFraction && 2 ** m.logFoldChange >= f.minFoldChange;
}

/** Checks filter values (fractions in [0, 1], fold change > 0), naming the first bad one. */
export function checkMarkerFilter(filter: MarkerFilter): Required<MarkerFilter> {
  const f = { ...MARKER_FILTER_DEFAULTS, ...filter };
  for (const key of ["minInGroupFraction", "maxOutGroupFraction"] as const) {
    if (!(f[key] >= 0 && f[key] <= 1)) throw new InputError(`${key} must be a fraction between 0 and 1 (got ${f[key]})`);
  }
  if (!(f.minFoldChange > 0) || !Number.isFinite(f.minFoldChange)) throw new InputError(`minFoldChange must be a number > 0 (got ${f.minFoldChange})`);
  return f;
}

/**
 * Markers of a clustering as scanpy computes them after `normalize_total(target_sum=1e4)` and `log1p`:
 * the raw counts of `cells` (row indices, in clustering order) are normalised, logged and ranked by
 * group. The CLI's result.h5ad and the platform's runs both call this.
 */
export function rankGenesOfCounts(counts: CsrMatrix, cells: ArrayLike<number> | null, groupOf: ArrayLike<number>, options: RankGenesOptions = {}): RankGenesGroup[] {
  return rankGenes(logNormalize(counts, cells), groupOf, options);
}

/** log1p(counts / total · 1e4) of the given rows (all when null): the expression scale of markers, plots and the colour-by-gene. */
export function logNormalize(counts: CsrMatrix, cells: ArrayLike<number> | null): CsrMatrix {
  return log1p(normalizeTotal(cells ? csrSubset(counts, cells, null) : counts, { targetSum: 1e4 }).matrix);
}
