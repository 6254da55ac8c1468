import type { io, tl } from "@scfnccl/engine";

type Dataset = Awaited<ReturnType<typeof io.readDataset>>;
type Result = Awaited<ReturnType<typeof tl.runScfnccl>>;

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One line per clustered cell: its name, the k-means cluster and the cluster head's argmax. */
export function clustersCsv(data: Dataset, r: Result): string {
  const lines = ["cell,cluster,cluster_head"];
  r.cells.forEach((cell, i) => lines.push(`${csvField(data.cells[cell]!)},${r.clusters[i]},${r.headClusters[i]}`));
  return `${lines.join("\n")}\n`;
}

export interface ClusterSummary {
  index: number;
  size: number;
  majorityLabel: string | null;
}

/** Size of every cluster 0..k-1 and, when the data has labels, the most common label in it. */
export function summariseClusters(data: Dataset, r: Result): ClusterSummary[] {
  const out: ClusterSummary[] = Array.from({ length: r.k }, (_, index) => ({ index, size: 0, majorityLabel: null }));
  const counts: Map<string, number>[] = Array.from({ length: r.k }, () => new Map());
  r.cells.forEach((cell, i) => {
    const c = r.clusters[i]!;
    out[c]!.size += 1;
    const label = data.labels?.[cell];
    if (label !== undefined) counts[c]!.set(label, (counts[c]!.get(label) ?? 0) + 1);
  });
  counts.forEach((m, c) => {
    let best: [string, number] | null = null;
    for (const entry of m) if (!best || entry[1] > best[1]) best = entry;
    out[c]!.majorityLabel = best?.[0] ?? null;
  });
  return out;
}
