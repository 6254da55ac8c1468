/**
 * Marker genes as a dot plot (scanpy's `pl.rank_genes_groups_dotplot`): one row per cluster, one
 * column per gene (each cluster's top markers, pooled); dot size = share of the cluster's cells
 * expressing it, colour = log2 fold change. The table under it carries the same numbers.
 */
export interface DotMarker {
  gene: string;
  logFoldChange: number;
  pctIn: number;
}

export function DotPlot({ clusters, perCluster = 3 }: { clusters: { name: string; markers: DotMarker[] }[]; perCluster?: number }) {
  const genes: string[] = [];
  for (const c of clusters) for (const m of c.markers.slice(0, perCluster)) if (!genes.includes(m.gene)) genes.push(m.gene);
  if (!genes.length) return <p className="muted">No marker genes for this run.</p>;
  const cell = 22, left = 150, top = 80;
  const W = left + genes.length * cell + 20, H = top + clusters.length * cell + 10;
  const maxLfc = Math.max(1, ...clusters.flatMap((c) => c.markers.map((m) => Math.abs(m.logFoldChange))));
  const color = (lfc: number) => {
    const t = Math.max(-1, Math.min(1, lfc / maxLfc));
    return t >= 0 ? `rgb(${Math.round(255 - 75 * t)}, ${Math.round(255 - 200 * t)}, ${Math.round(255 - 230 * t)})` : `rgb(${Math.round(255 + 200 * t)}, ${Math.round(255 + 120 * t)}, 255)`;
  };
  return (
    <div style={{ overflowX: "auto" }}>
      <svg width={W} height={H} role="img" aria-label={`Dot plot of ${genes.length} marker genes across ${clusters.length} clusters`} data-testid="dotplot">
        {genes.map((g, j) => (
          <text key={g} transform={`translate(${left + j * cell + cell / 2 + 4}, ${top - 6}) rotate(-60)`} fontSize="11" fill="#1b1f24">
            {g}
          </text>
        ))}
        {clusters.map((c, i) => (
          <g key={c.name}>
            <text x={left - 8} y={top + i * cell + cell / 2 + 4} textAnchor="end" fontSize="12" fill="#1b1f24">
              {c.name}
            </text>
            {genes.map((g, j) => {
              const m = c.markers.find((x) => x.gene === g);
              if (!m) return null;
              return (
                <circle key={g} cx={left + j * cell + cell / 2} cy={top + i * cell + cell / 2} r={Math.max(1.5, Math.sqrt(m.pctIn) * (cell / 2 - 1))} fill={color(m.logFoldChange)} stroke="#4a5360" strokeWidth="0.6">
                  <title>{`${c.name}, ${g}: ${(m.pctIn * 100).toFixed(0)}% of cells, log2FC ${m.logFoldChange.toFixed(2)}`}</title>
                </circle>
              );
            })}
          </g>
        ))}
      </svg>
      <p className="muted">Dot size: share of the cluster&apos;s cells expressing the gene. Colour: log2 fold change against the other cells (red up, blue down). Genes absent from a cluster&apos;s top list are left blank.</p>
    </div>
  );
}
