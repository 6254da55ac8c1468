/**
 * Categorical colours (Okabe–Ito first, distinguishable with the common colour-vision deficiencies,
 * then Tableau 20 for more categories). Grey is kept for "missing / unlabelled".
 */
const BASE = [
  "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
  "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
  "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
];
export const MISSING_COLOR = "#c8c8c8";

export function categoryColor(i: number): string {
  if (i < 0) return MISSING_COLOR;
  return BASE[i % BASE.length]!;
}

export function palette(n: number): string[] {
  return Array.from({ length: n }, (_, i) => categoryColor(i));
}
