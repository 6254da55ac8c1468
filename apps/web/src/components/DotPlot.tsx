/**
 * Marker genes as `sc.pl.rank_genes_groups_dotplot` draws them: every group (row) × every shown
 * gene (column, each group's top genes bracketed under its name); dot area = fraction of the
 * group's cells expressing the gene, colour = mean expression scaled per gene (viridis), with a
 * size legend and a colour bar. Every dot's numbers are in its tooltip, and the table view
 * (MarkerTable) carries the test statistics.
 */
import { dotRadius, scalePerGene, SIZE_LEGEND, type GeneBracket } from "../plots/dotplot";
import { ColorBar } from "./ColorBar";
import { viridisAt } from "./palette";

export interface GeneStatsView {
  genes: string[];
  brackets: GeneBracket[];
  groups: { name: string; color: string }[];
  /** groups × genes, log1p-normalised means. */
  mean: number[][];
  /** groups × genes, fraction of cells with a count above 0. */
  fraction: number[][];
}

const CELL = 20;

function GeneHeader({ genes, brackets, left, top }: { genes: string[]; brackets: GeneBracket[]; left: number; top: number }) {
  return (
    <>
      {brackets.map((b) => {
        const x1 = left + b.start * CELL + 3, x2 = left + (b.end + 1) * CELL - 3;
        return (
          <g key={`${b.group}-${b.start}`}>
            <path d={`M${x1},${top - 56} v-5 H${x2} v5`} fill="none" stroke="#4a5360" />
            <text x={(x1 + x2) / 2} y={top - 66} fontSize="10" textAnchor="middle" fill="#1b1f24">
              {b.group.length > 14 ? `${b.group.slice(0, 13)}…` : b.group}
            </text>
          </g>
        );
      })}
      {genes.map((g, j) => (
        <text key={g} transform={`translate(${left + j * CELL + CELL / 2 + 4}, ${top - 6}) rotate(-60)`} fontSize="11" fill="#1b1f24">
          {g}
        </text>
      ))}
    </>
  );
}

function GroupLabels({ groups, left, top }: { groups: GeneStatsView["groups"]; left: number; top: number }) {
  return (
    <>
      {groups.map((g, i) => (
        <g key={`${g.name}-${i}`}>
          <rect x={4} y={top + i * CELL + 5} width={10} height={10} fill={g.color} stroke="#0003" />
          <text x={left - 8} y={top + i * CELL + CELL / 2 + 4} textAnchor="end" fontSize="12" fill="#1b1f24">
            {g.name.length > 24 ? `${g.name.slice(0, 23)}…` : g.name}
          </text>
        </g>
      ))}
    </>
  );
}

/**
 * `scale`: "gene" colours each gene's groups from its lowest (0) to its highest mean (1), as scanpy's
 * standard_scale="var"; "none" colours the means themselves from 0 to the plot's highest (two
 * groups, such as a cell set and the rest, would be only 0 or 1 when scaled per gene).
 */
export function DotPlot({ data, testId = "dotplot", scale = "gene" }: { data: GeneStatsView; testId?: string; scale?: "gene" | "none" }) {
  const { genes, groups } = data;
  if (!genes.length) return <p className="muted">No marker genes pass the filter.</p>;
  const top = Math.max(1e-9, ...data.mean.flat());
  const scaled = scale === "gene" ? scalePerGene(data.mean) : data.mean.map((r) => r.map((v) => v / top));
  const left = 190, topY = 110;
  const W = left + genes.length * CELL + 20, H = topY + groups.length * CELL + 10;
  return (
    <div className="row" style={{ alignItems: "flex-start" }}>
      <div style={{ overflowX: "auto", maxWidth: "100%" }}>
        <svg width={W} height={H} role="img" aria-label={`Dot plot of ${genes.length} marker genes across ${groups.length} groups`} data-testid={testId} data-genes={genes.length} data-groups={groups.length}>
          <GeneHeader genes={genes} brackets={data.brackets} left={left} top={topY} />
          <GroupLabels groups={groups} left={left} top={topY} />
          {groups.map((g, i) =>
            genes.map((gene, j) => {
              const f = data.fraction[i]![j]!;
              return (
                <circle key={`${i}-${gene}`} data-testid="dot" cx={left + j * CELL + CELL / 2} cy={topY + i * CELL + CELL / 2} r={Math.max(0.01, dotRadius(f, CELL / 2 - 1))} fill={viridisAt(scaled[i]![j]!)} stroke="#4a5360" strokeWidth="0.4">
                  <title>{`${g.name}, ${gene}: ${(f * 100).toFixed(0)}% of cells express it, mean ${data.mean[i]![j]!.toFixed(2)} (log1p-normalised)`}</title>
                </circle>
              );
            }),
          )}
        </svg>
      </div>
      <div>
        {scale === "gene" ? <ColorBar min={0} max={1} title="Mean expression (scaled per gene)" width={220} /> : <ColorBar min={0} max={top} title="Mean expression (log1p)" width={220} />}
        <svg width={220} height={62} role="img" aria-label="Dot size: fraction of cells in group, 20 to 100 percent">
          <text x={10} y={10} fontSize="11" fill="#1b1f24">
            Fraction of cells in group (%)
          </text>
          {SIZE_LEGEND.map((f, i) => (
            <g key={f}>
              <circle cx={22 + i * 40} cy={32} r={dotRadius(f, CELL / 2 - 1)} fill="#8a93a0" stroke="#4a5360" strokeWidth="0.4" />
              <text x={22 + i * 40} y={58} fontSize="10" textAnchor="middle" fill="#1b1f24">
                {Math.round(f * 100)}
              </text>
            </g>
          ))}
        </svg>
      </div>
    </div>
  );
}

/** The same genes as a heat-map (`sc.pl.rank_genes_groups_matrixplot`): colour = mean scaled per gene. */
export function ExpressionHeatmap({ data }: { data: GeneStatsView }) {
  const { genes, groups } = data;
  if (!genes.length) return null;
  const scaled = scalePerGene(data.mean);
  const left = 190, top = 110;
  const W = left + genes.length * CELL + 20, H = top + groups.length * CELL + 10;
  return (
    <div className="row" style={{ alignItems: "flex-start" }}>
      <div style={{ overflowX: "auto", maxWidth: "100%" }}>
        <svg width={W} height={H} role="img" aria-label={`Heat-map of the mean expression of ${genes.length} marker genes across ${groups.length} groups`} data-testid="expression-heatmap">
          <GeneHeader genes={genes} brackets={data.brackets} left={left} top={top} />
          <GroupLabels groups={groups} left={left} top={top} />
          {groups.map((g, i) =>
            genes.map((gene, j) => (
              <rect key={`${i}-${gene}`} x={left + j * CELL} y={top + i * CELL} width={CELL} height={CELL} fill={viridisAt(scaled[i]![j]!)}>
                <title>{`${g.name}, ${gene}: mean ${data.mean[i]![j]!.toFixed(2)} (log1p-normalised), ${(data.fraction[i]![j]! * 100).toFixed(0)}% of cells`}</title>
              </rect>
            )),
          )}
        </svg>
      </div>
      <ColorBar min={0} max={1} title="Mean expression (scaled per gene)" width={220} />
    </div>
  );
}
