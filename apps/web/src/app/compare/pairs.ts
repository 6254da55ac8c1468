/**
 * Which ticked runs can be compared cell by cell (two succeeded runs of one dataset), and why each
 * other run is left out, so the page never drops a run silently.
 */
export interface ComparableRun {
  id: string;
  status: string;
  dataset: { id: string; name: string };
}

export function agreementPairs(runs: readonly ComparableRun[]): { pairs: [number, number][]; leftOut: { index: number; reason: string }[] } {
  const pairs: [number, number][] = [];
  const paired = new Set<number>();
  for (let i = 0; i < runs.length; i++)
    for (let j = i + 1; j < runs.length; j++)
      if (runs[i]!.dataset.id === runs[j]!.dataset.id && runs[i]!.status === "SUCCEEDED" && runs[j]!.status === "SUCCEEDED") {
        pairs.push([i, j]);
        paired.add(i).add(j);
      }
  const leftOut = runs.flatMap((r, index) => {
    if (paired.has(index)) return [];
    const reason = r.status !== "SUCCEEDED" ? `it has not succeeded (${r.status.toLowerCase()})` : `no other succeeded run of its dataset (${r.dataset.name}) is ticked; runs of different datasets share no cells`;
    return [{ index, reason }];
  });
  return { pairs, leftOut };
}

/** A cross-table's row or column name: the cluster's accepted label when it has one. */
export function clusterTitle(index: number, labels: ReadonlyMap<number, string>): string {
  const l = labels.get(index);
  return l ? `${l} (cluster ${index})` : `cluster ${index}`;
}
