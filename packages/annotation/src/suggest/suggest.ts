/**
 * Cell-type suggestions for clusters from marker databases and the clusters' marker statistics.
 *
 * The score is scType's (Ianevski et al. 2022, Nat Commun 13:1246) carried from cells to a
 * cluster's rank_genes_groups statistics, with pegasus's (infer_cell_types) use of differential
 * expression to decide which markers count:
 *
 * - a marker counts for a cluster when it is up in the cluster against the rest (BH-adjusted
 *   p ≤ `maxPvalAdj`, log2 fold change ≥ `minLogFoldChange`, as pegasus reads `de_up`), with the
 *   strength pctIn − pctOut (how much more often the cluster's cells express it than the others'),
 *   bounded in [0, 1] so one extreme fold change cannot carry a type;
 * - each marker of a type is weighted by its specificity across the candidate types (scType's
 *   specificity, here an inverse document frequency ln(T / types listing it) / ln T, so PTPRC,
 *   listed for most immune types, counts little) times its consensus among the type's database
 *   entries (a gene every source lists counts fully);
 * - negative markers (pegasus's `-` genes) up in the cluster subtract, as do positive markers
 *   significantly down (when the statistics include down-regulated genes);
 * - the sum is divided by the square root of the type's total marker weight over the genes the
 *   data set measures (scType's √n), so a type with three precise markers and one with a hundred
 *   loose ones are compared fairly, and markers the data set lacks are neither a penalty nor a gain.
 *
 * Why not pegasus's score as is: it is the share of a type's markers found, which suits its short
 * curated lists but punishes PanglaoDB's and CellMarker's long ones; scType's weighting is built
 * for such lists. Why not scType's per-cell z-scores: the platform keeps per-cluster statistics
 * (the same numbers scanpy users read), and a cell set's statistics come the same way.
 */
import type { CellTypeMarkers } from "../markers/database.ts";

/** A gene's statistics in one cluster against the rest (scanpy's rank_genes_groups fields). */
export interface MarkerStat {
  gene: string;
  logFoldChange: number;
  pctIn: number;
  pctOut: number;
  pvalAdj: number;
}

export interface SuggestOptions {
  /** Genes the data set measures; markers outside it are left out of a type's weight. Default: every gene. */
  genes?: Iterable<string>;
  /** Suggestions per cluster. Default 3. */
  top?: number;
  /** Largest adjusted p-value for a marker to count. Default 0.05. */
  maxPvalAdj?: number;
  /** Smallest |log2 fold change| for a marker to count. Default 0.25 (scanpy's filter_rank_genes_groups uses 1 for display; 0.25 is Seurat's FindMarkers default). */
  minLogFoldChange?: number;
  /** Keep only terms with a positive score. Default true. */
  positiveOnly?: boolean;
}

export interface GeneEvidence {
  gene: string;
  logFoldChange: number;
  pctIn: number;
  pctOut: number;
  /** The marker's weight for this type (specificity × consensus). */
  weight: number;
  /** What it added to the score (negative for evidence against). */
  contribution: number;
}

export interface Suggestion {
  cellTypeId: string;
  score: number;
  /** Positive markers found up in the cluster, strongest contribution first. */
  matched: GeneEvidence[];
  /** Negative markers up, or positive markers down: evidence against. */
  against: GeneEvidence[];
  /** Positive markers the data set measures / of them, how many matched. */
  markersMeasured: number;
  /** The database entries behind the type. */
  sets: CellTypeMarkers["sets"];
}

/** The top suggestions for one cluster; `candidates` from MarkerDatabase.cellTypes. */
export function suggestCellTypes(stats: readonly MarkerStat[], candidates: readonly CellTypeMarkers[], options: SuggestOptions = {}): Suggestion[] {
  return rankCandidates(stats, candidates, prepare(candidates, options), options);
}

/** Suggestions for many clusters at once (the specificity weights are computed once). */
export function suggestForClusters(clusters: readonly (readonly MarkerStat[])[], candidates: readonly CellTypeMarkers[], options: SuggestOptions = {}): Suggestion[][] {
  const prepared = prepare(candidates, options);
  return clusters.map((stats) => rankCandidates(stats, candidates, prepared, options));
}

interface Prepared {
  measured: Set<string> | null;
  specificity: Map<string, number>;
}

function prepare(candidates: readonly CellTypeMarkers[], options: SuggestOptions): Prepared {
  const measured = options.genes ? new Set(options.genes) : null;
  const freq = new Map<string, number>();
  for (const c of candidates) for (const g of new Set([...c.positive.keys(), ...c.negative.keys()])) freq.set(g, (freq.get(g) ?? 0) + 1);
  const t = Math.max(2, candidates.length);
  const specificity = new Map<string, number>();
  for (const [g, f] of freq) specificity.set(g, Math.log(t / f) / Math.log(t));
  return { measured, specificity };
}

function rankCandidates(stats: readonly MarkerStat[], candidates: readonly CellTypeMarkers[], p: Prepared, options: SuggestOptions): Suggestion[] {
  const { top = 3, maxPvalAdj = 0.05, minLogFoldChange = 0.25, positiveOnly = true } = options;
  const up = new Map<string, MarkerStat>();
  const down = new Map<string, MarkerStat>();
  for (const s of stats) {
    if (!(s.pvalAdj <= maxPvalAdj)) continue;
    if (s.logFoldChange >= minLogFoldChange) up.set(s.gene, s);
    else if (s.logFoldChange <= -minLogFoldChange) down.set(s.gene, s);
  }
  const strength = (s: MarkerStat) => Math.min(1, Math.max(0, s.pctIn - s.pctOut));
  const weakness = (s: MarkerStat) => Math.min(1, Math.max(0, s.pctOut - s.pctIn));
  const evidence = (s: MarkerStat, weight: number, contribution: number): GeneEvidence => ({
    gene: s.gene,
    logFoldChange: s.logFoldChange,
    pctIn: s.pctIn,
    pctOut: s.pctOut,
    weight,
    contribution,
  });
  const out: Suggestion[] = [];
  for (const c of candidates) {
    let total = 0;
    let sum = 0;
    let measuredCount = 0;
    const matched: GeneEvidence[] = [];
    const against: GeneEvidence[] = [];
    for (const [g, consensus] of c.positive) {
      if (p.measured && !p.measured.has(g)) continue;
      const w = (p.specificity.get(g) ?? 0) * consensus;
      total += w;
      measuredCount++;
      const u = up.get(g);
      if (u) {
        const v = w * strength(u);
        sum += v;
        if (v > 0) matched.push(evidence(u, w, v));
        continue;
      }
      const d = down.get(g);
      if (d) {
        const v = w * weakness(d);
        sum -= v;
        if (v > 0) against.push(evidence(d, w, -v));
      }
    }
    for (const [g, consensus] of c.negative) {
      const u = up.get(g);
      if (!u) continue;
      const w = (p.specificity.get(g) ?? 0) * consensus;
      const v = w * strength(u);
      sum -= v;
      if (v > 0) against.push(evidence(u, w, -v));
    }
    if (total <= 0 || !matched.length) continue;
    const score = sum / Math.sqrt(total);
    if (positiveOnly && score <= 0) continue;
    matched.sort((a, b) => b.contribution - a.contribution);
    against.sort((a, b) => a.contribution - b.contribution);
    out.push({ cellTypeId: c.cellTypeId, score, matched, against, markersMeasured: measuredCount, sets: c.sets });
  }
  return out.sort((a, b) => b.score - a.score || a.cellTypeId.localeCompare(b.cellTypeId)).slice(0, top);
}
