/**
 * The dot plot's and heat-map's logic, as `sc.pl.rank_genes_groups_dotplot` draws them: the top
 * genes of every group pooled in group order (each gene once, under the first group that ranks
 * it), every group × every gene, colour = mean expression scaled per gene to [0, 1] across the
 * groups (scanpy's `standard_scale="var"`), dot area = fraction of the group's cells expressing it.
 */
export interface GeneBracket {
  /** The group whose top genes these are. */
  group: string;
  /** First and last column (inclusive) of its genes. */
  start: number;
  end: number;
}

export function pickDotplotGenes(groups: readonly { name: string; genes: readonly string[] }[], perGroup: number): { genes: string[]; brackets: GeneBracket[] } {
  const genes: string[] = [];
  const seen = new Set<string>();
  const brackets: GeneBracket[] = [];
  for (const g of groups) {
    const start = genes.length;
    for (const gene of g.genes) {
      if (genes.length - start >= perGroup) break;
      if (seen.has(gene)) continue;
      seen.add(gene);
      genes.push(gene);
    }
    if (genes.length > start) brackets.push({ group: g.name, start, end: genes.length - 1 });
  }
  return { genes, brackets };
}

/**
 * Each column (gene) of a groups × genes matrix scaled to [0, 1]: (x − min) / (max − min); a gene
 * with one value in every group gets 0 (nothing distinguishes the groups).
 */
export function scalePerGene(mean: readonly (readonly number[])[]): number[][] {
  const rows = mean.length, cols = mean[0]?.length ?? 0;
  const out = mean.map((r) => r.map(() => 0));
  for (let j = 0; j < cols; j++) {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < rows; i++) {
      const v = mean[i]![j]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    for (let i = 0; i < rows; i++) out[i]![j] = span > 0 ? (mean[i]![j]! - lo) / span : 0;
  }
  return out;
}

/** Dot radius for a fraction, area proportional to it; 0 stays invisible, as scanpy's dot_min = 0. */
export function dotRadius(fraction: number, maxRadius: number): number {
  return Math.sqrt(Math.min(1, Math.max(0, fraction))) * maxRadius;
}

/** The size legend's steps: scanpy shows 20 … 100 %. */
export const SIZE_LEGEND = [0.2, 0.4, 0.6, 0.8, 1];
