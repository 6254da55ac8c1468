/**
 * The run page's one selection, shared by the cluster list, the legend, the review panel, the cell
 * sets and the UMAP: a cluster, a saved cell set, or cells picked on the plot.
 */
export type Selection =
  | { kind: "cluster"; index: number }
  | { kind: "set"; id: string; name: string; cells: readonly number[] }
  | { kind: "cells"; cells: readonly number[]; name: string }
  | null;

/** Indices (into the run's cell order) of the cells a selection covers. */
export function selectedCells(selection: Selection, cluster: ArrayLike<number> | null): number[] | null {
  if (!selection) return null;
  if (selection.kind !== "cluster") return [...selection.cells];
  if (!cluster) return null;
  const out: number[] = [];
  for (let i = 0; i < cluster.length; i++) if (cluster[i] === selection.index) out.push(i);
  return out;
}

/** Cells of category `c` (a legend entry of a label colouring). */
export function cellsOfCategory(category: ArrayLike<number>, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < category.length; i++) if (category[i] === c) out.push(i);
  return out;
}

/** How many selected cells fall in each cluster, largest first. */
export function clusterComposition(cells: readonly number[], cluster: ArrayLike<number>): [number, number][] {
  const counts = new Map<number, number>();
  for (const i of cells) counts.set(cluster[i]!, (counts.get(cluster[i]!) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
}

/**
 * Mean and fraction expressing (value > 0) of each column over each group of cells: the dot plot of
 * a cell set against the rest or another set, from the same per-cell columns as the UMAP's colouring.
 */
export function groupStats(columns: readonly ArrayLike<number>[], groups: readonly (readonly number[])[]): { mean: number[][]; fraction: number[][] } {
  const mean = groups.map(() => columns.map(() => 0));
  const fraction = groups.map(() => columns.map(() => 0));
  groups.forEach((cells, gi) => {
    columns.forEach((col, j) => {
      let s = 0, pos = 0;
      for (const i of cells) {
        const v = col[i]!;
        s += v;
        if (v > 0) pos++;
      }
      mean[gi]![j] = cells.length ? s / cells.length : 0;
      fraction[gi]![j] = cells.length ? pos / cells.length : 0;
    });
  });
  return { mean, fraction };
}

/** The cells not in `cells` (the "rest" a set is compared with). */
export function complement(cells: readonly number[], n: number): number[] {
  const inSet = new Uint8Array(n);
  for (const i of cells) inSet[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (!inSet[i]) out.push(i);
  return out;
}
