/** One CSV field as RFC 4180 writes it: quoted when it holds a quote, comma or line break. */
/**
 * One CSV text field. Text a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * CR: OWASP's CSV-injection list) gets a leading `'`, so a label like `=HYPERLINK(…)` opens as text.
 */
export function csvField(s: string): string {
  const text = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r\t]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * `clusters.csv`, the one writer of it: `cell,cluster[,extra…]`, one line per clustered cell in
 * output order, each cell by its dataset name; extra columns are further clusterings of the same
 * cells (scFNCCL's `cluster_head`).
 */
export function clustersCsv(
  cellNames: readonly string[],
  r: { cells: Int32Array; clusters: Int32Array; extraClusters?: Readonly<Record<string, Int32Array>> },
): string {
  const extra = Object.entries(r.extraClusters ?? {});
  const lines = [["cell", "cluster", ...extra.map(([name]) => csvField(name))].join(",")];
  r.cells.forEach((cell, i) => lines.push([csvField(cellNames[cell]!), r.clusters[i], ...extra.map(([, c]) => c[i])].join(",")));
  return `${lines.join("\n")}\n`;
}
