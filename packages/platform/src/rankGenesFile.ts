/**
 * A run's marker results stored whole (`rank_genes` artifact): for every cluster, scanpy's
 * rank_genes_groups fields over all genes (in gene order), so a table filters and sorts them as the
 * user asks and the h5ad export writes them in scanpy's layout, without recomputing anything.
 */
import { io, tl } from "@scfnccl/engine";
import { decodeArrays, encodeArrays } from "./arrays.ts";

export const RANK_FIELDS = ["scores", "logFoldChanges", "pvals", "pvalsAdj", "log10Pvals", "log10PvalsAdj", "pctIn", "pctOut"] as const;
type Field = (typeof RANK_FIELDS)[number];

export interface RankedGroup extends Record<Field, Float64Array> {
  /** The cluster index (or another group id). */
  group: number;
  nCells: number;
  /** Gene indices by score, best first. */
  order: Int32Array;
}

export interface RankGenesFile {
  method: "wilcoxon" | "t-test";
  nGenes: number;
  groups: RankedGroup[];
}

export function encodeRankGenes(method: RankGenesFile["method"], nGenes: number, groups: readonly tl.RankGenesGroup[]): Uint8Array {
  const arrays: Record<string, Float64Array | Int32Array> = {};
  groups.forEach((g, s) => {
    for (const f of RANK_FIELDS) arrays[`${s}:${f}`] = Float64Array.from(g[f]);
    arrays[`${s}:order`] = Int32Array.from(g.order);
  });
  return encodeArrays({ method, nGenes, groups: groups.map((g) => ({ group: g.group, nCells: g.nCells })) }, arrays);
}

export function decodeRankGenes(bytes: Uint8Array): RankGenesFile {
  const { meta, arrays } = decodeArrays<{ method: RankGenesFile["method"]; nGenes: number; groups: { group: number; nCells: number }[] }>(bytes);
  return {
    method: meta.method,
    nGenes: meta.nGenes,
    groups: meta.groups.map((g, s) => ({
      ...g,
      order: arrays[`${s}:order`] as Int32Array,
      ...(Object.fromEntries(RANK_FIELDS.map((f) => [f, arrays[`${s}:${f}`] as Float64Array])) as Record<Field, Float64Array>),
    })),
  };
}

/** One row of a marker table (GraphQL `MarkerGene`). */
export interface MarkerRow {
  gene: string;
  geneId: string;
  rank: number;
  score: number;
  logFoldChange: number;
  pctIn: number;
  pctOut: number;
  pval: number;
  pvalAdj: number;
  log10Pval: number;
  log10PvalAdj: number;
}

// JSON has no Infinity; a gene seen only in the group gets the largest finite fold change instead.
const finite = (v: number) => (Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : v < 0 ? -Number.MAX_VALUE : 0);

/**
 * A group's markers best first, the display filter applied (null = every gene), at most `top`;
 * `rank` is the place among all genes by score, so a filtered table shows where each gene stood.
 */
export function markerRows(g: RankedGroup | tl.RankGenesGroup, names: readonly string[], ids: readonly string[], options: { top: number; filter: tl.MarkerFilter | null }): MarkerRow[] {
  const out: MarkerRow[] = [];
  for (let r = 0; r < g.order.length && out.length < options.top; r++) {
    const j = g.order[r]!;
    const m = { pctIn: g.pctIn[j]!, pctOut: g.pctOut[j]!, logFoldChange: g.logFoldChanges[j]! };
    if (options.filter && !tl.passesMarkerFilter(m, options.filter)) continue;
    out.push({
      gene: names[j]!,
      geneId: ids[j]!,
      rank: r + 1,
      score: g.scores[j]!,
      logFoldChange: finite(m.logFoldChange),
      pctIn: m.pctIn,
      pctOut: m.pctOut,
      pval: g.pvals[j]!,
      pvalAdj: g.pvalsAdj[j]!,
      log10Pval: g.log10Pvals[j]!,
      log10PvalAdj: g.log10PvalsAdj[j]!,
    });
  }
  return out;
}

/** Every group's markers as CSV (scanpy's rank_genes_groups_df columns plus the id, pts and log10 p). */
export function markersCsv(groups: readonly (readonly [name: string, rows: readonly MarkerRow[]])[]): string {
  const lines = ["group,rank,names,gene_id,scores,logfoldchanges,pvals,pvals_adj,log10_pvals,log10_pvals_adj,pct_nz_group,pct_nz_reference"];
  for (const [name, rows] of groups) {
    for (const m of rows) {
      lines.push([io.csvField(name), m.rank, io.csvField(m.gene), io.csvField(m.geneId), m.score, m.logFoldChange, m.pval, m.pvalAdj, m.log10Pval, m.log10PvalAdj, m.pctIn, m.pctOut].join(","));
    }
  }
  return `${lines.join("\n")}\n`;
}
