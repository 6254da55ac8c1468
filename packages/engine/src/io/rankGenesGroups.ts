/**
 * scanpy's `uns['rank_genes_groups']` layout, so `sc.get.rank_genes_groups_df` and
 * `sc.pl.rank_genes_groups_*` read our marker results as their own: `names`, `scores`,
 * `logfoldchanges`, `pvals`, `pvals_adj` as record arrays with one field per group (genes in rank
 * order), `pts` / `pts_rest` as dataframes (genes in var order × groups), and `params`.
 */
import { RecArray, UnsDataFrame, type UnsValue } from "./writeH5ad.ts";

/** One group's results, per gene in var order (tl.rankGenes' RankGenesGroup has this shape). */
export interface RankedGroupResult {
  scores: ArrayLike<number>;
  logFoldChanges: ArrayLike<number>;
  pvals: ArrayLike<number>;
  pvalsAdj: ArrayLike<number>;
  pctIn: ArrayLike<number>;
  pctOut: ArrayLike<number>;
  /** Gene indices, best first. */
  order: ArrayLike<number>;
}

export interface RankGenesGroupsParams {
  /** The obs column the groups come from (e.g. `scfnccl`, `leiden`). */
  groupby: string;
  method: "wilcoxon" | "t-test";
  /** Genes kept per group (scanpy's n_genes); default all. */
  nGenes?: number;
}

/** The uns value for `rank_genes_groups`; `groups` pairs each group's obs category with its results. */
export function rankGenesGroupsUns(genes: readonly string[], groups: readonly (readonly [name: string, result: RankedGroupResult])[], params: RankGenesGroupsParams): Record<string, UnsValue> {
  const n = Math.min(params.nGenes ?? genes.length, genes.length);
  const field = <T extends Float32Array | Float64Array>(Ctor: { from(a: ArrayLike<number>): T }, pick: (r: RankedGroupResult) => ArrayLike<number>) =>
    new RecArray(
      groups.map(([name, r]) => {
        const values = pick(r);
        return [name, Ctor.from(Array.from({ length: n }, (_, i) => values[r.order[i]!]!))] as const;
      }),
    );
  const frame = (pick: (r: RankedGroupResult) => ArrayLike<number>) => new UnsDataFrame(genes, Object.fromEntries(groups.map(([name, r]) => [name, Float64Array.from(pick(r))])));
  return {
    params: { groupby: params.groupby, reference: "rest", method: params.method, use_raw: false, corr_method: "benjamini-hochberg" },
    names: new RecArray(groups.map(([name, r]) => [name, Array.from({ length: n }, (_, i) => genes[r.order[i]!]!)] as const)),
    scores: field(Float32Array, (r) => r.scores),
    // JSON-free here, but ±Infinity (a gene seen on one side only) stays as numpy writes it.
    logfoldchanges: field(Float32Array, (r) => r.logFoldChanges),
    pvals: field(Float64Array, (r) => r.pvals),
    pvals_adj: field(Float64Array, (r) => r.pvalsAdj),
    pts: frame((r) => r.pctIn),
    pts_rest: frame((r) => r.pctOut),
  };
}
