import type { Organism } from "./markers/types.ts";

export interface OrganismGuess {
  organism: Organism | null;
  /** Gene symbols judged (those with a letter after the first character). */
  judged: number;
  /** Share written in upper case (CD14, human) and in title case (Cd14, mouse). */
  upper: number;
  title: number;
}

/**
 * Human gene symbols are upper case (HGNC: CD14), mouse ones title case (MGI: Cd14). A data set is
 * called human or mouse when at least `threshold` of its judged symbols are written that way;
 * otherwise (Ensembl ids, other species, mixed) null: the uploader says. Ensembl ids (ENSG…,
 * ENSMUSG…) name the organism outright.
 */
export function guessOrganism(genes: readonly string[], options: { threshold?: number } = {}): OrganismGuess {
  const threshold = options.threshold ?? 0.8;
  let human = 0;
  let mouse = 0;
  let upper = 0;
  let title = 0;
  let judged = 0;
  for (const g of genes) {
    if (/^ENSG\d{11}/.test(g)) human++;
    else if (/^ENSMUSG\d{11}/.test(g)) mouse++;
    const letters = g.slice(1).replace(/[^A-Za-z]/g, "");
    if (!/^[A-Za-z]/.test(g) || letters.length === 0 || /^ENS[A-Z]*G\d/.test(g)) continue;
    judged++;
    if (g === g.toUpperCase()) upper++;
    else if (g[0] === g[0]!.toUpperCase() && letters === letters.toLowerCase()) title++;
  }
  const n = genes.length || 1;
  if (human / n >= threshold) return { organism: "human", judged, upper: 0, title: 0 };
  if (mouse / n >= threshold) return { organism: "mouse", judged, upper: 0, title: 0 };
  const u = judged ? upper / judged : 0;
  const t = judged ? title / judged : 0;
  return { organism: judged === 0 ? null : u >= threshold ? "human" : t >= threshold ? "mouse" : null, judged, upper: u, title: t };
}
