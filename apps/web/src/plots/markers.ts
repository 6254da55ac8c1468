/**
 * The marker table's logic: scanpy's `filter_rank_genes_groups` as a display filter (results are
 * stored whole; the filter only hides rows), sorting by any column, and the CSV download of what is
 * shown.
 */
export interface MarkerRow {
  /** The group (cluster or cell set) the gene marks. */
  group: string;
  gene: string;
  /** Rank within its group by score, 1 = best. */
  rank: number;
  /** Wilcoxon z (or t) statistic: what scanpy ranks by. */
  score: number;
  logFoldChange: number;
  pval: number;
  pvalAdj: number;
  /** Fraction of the group's cells expressing the gene. */
  pts: number;
  /** Fraction of the other cells expressing it. */
  ptsRest: number;
  /** The dataset's gene id (when the name is a symbol). */
  geneId?: string;
  /** log10 of pval / pvalAdj: finite where p underflows to 0. */
  log10Pval?: number;
  log10PvalAdj?: number;
}

export interface MarkerFilter {
  minInGroupFraction: number;
  maxOutGroupFraction: number;
  /** On the fold change itself (2 = twice as high), as scanpy's `min_fold_change`. */
  minFoldChange: number;
}

/** scanpy's `sc.tl.filter_rank_genes_groups` defaults. */
export const SCANPY_FILTER: MarkerFilter = { minInGroupFraction: 0.25, maxOutGroupFraction: 0.5, minFoldChange: 2 };

export function passesFilter(m: MarkerRow, f: MarkerFilter): boolean {
  return m.pts >= f.minInGroupFraction && m.ptsRest <= f.maxOutGroupFraction && 2 ** m.logFoldChange >= f.minFoldChange;
}

export function filterMarkers(rows: readonly MarkerRow[], f: MarkerFilter | null, search = ""): MarkerRow[] {
  const q = search.trim().toLowerCase();
  return rows.filter((m) => (!f || passesFilter(m, f)) && (!q || m.gene.toLowerCase().includes(q) || m.group.toLowerCase().includes(q)));
}

export type MarkerKey = keyof MarkerRow;
export const MARKER_COLUMNS: { key: MarkerKey; title: string; numeric: boolean }[] = [
  { key: "group", title: "Group", numeric: false },
  { key: "rank", title: "Rank", numeric: true },
  { key: "gene", title: "Gene", numeric: false },
  { key: "score", title: "Score", numeric: true },
  { key: "logFoldChange", title: "log2FC", numeric: true },
  { key: "pts", title: "% in", numeric: true },
  { key: "ptsRest", title: "% out", numeric: true },
  { key: "pval", title: "p", numeric: true },
  { key: "pvalAdj", title: "adj. p", numeric: true },
];

/** A stable sort by one column (ties keep the group/rank order they came in). */
export function sortMarkers(rows: readonly MarkerRow[], key: MarkerKey, direction: "asc" | "desc"): MarkerRow[] {
  const sign = direction === "asc" ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = a.r[key], y = b.r[key];
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return c !== 0 && !Number.isNaN(c) ? sign * c : a.i - b.i;
    })
    .map(({ r }) => r);
}

// RFC 4180 quoting of a handful of known columns: a CSV library would be more code than this.
function csvField(v: string | number): string {
  const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows in scanpy's `rank_genes_groups_df` column names (plus the group), full precision. */
export function markersCsv(rows: readonly MarkerRow[]): string {
  const head = "group,rank,names,scores,logfoldchanges,pvals,pvals_adj,pct_nz_group,pct_nz_reference,gene_id,log10_pvals,log10_pvals_adj";
  const lines = rows.map((m) =>
    [m.group, m.rank, m.gene, m.score, m.logFoldChange, m.pval, m.pvalAdj, m.pts, m.ptsRest, m.geneId ?? "", m.log10Pval ?? NaN, m.log10PvalAdj ?? NaN].map(csvField).join(","),
  );
  return [head, ...lines].join("\n") + "\n";
}

/**
 * p-values as scanpy users read them: never "0.0e+0". A p that underflowed to 0 is shown from its
 * log10 (kept by the API) or, without one, as below double precision.
 */
export function formatP(p: number, log10p?: number): string {
  if (p === 0 && log10p !== undefined && Number.isFinite(log10p)) {
    const e = Math.floor(log10p);
    return `${(10 ** (log10p - e)).toFixed(1)}e${e}`;
  }
  if (!Number.isFinite(p)) return "—";
  if (p === 0) return "< 1e-300";
  if (p >= 0.001) return p.toPrecision(2);
  return p.toExponential(1);
}
