/**
 * One value per cell (a gene's expression or a QC measure) as a violin per group (scanpy's
 * `sc.pl.violin` / `stacked_violin`: density scaled to the violin's width, the quartiles drawn
 * inside), with a table of the same figures under it as the text alternative.
 */
import type { Distributions } from "../plots/violin";

export function Violin({ dist, names, colors, title, testId = "violin" }: { dist: Distributions; names: string[]; colors: string[]; title: string; testId?: string }) {
  const groups = dist.groups.filter((g) => g.n > 0);
  const W0 = 44, H = 200, L = 50, B = 70, T = 10;
  const W = L + groups.length * W0 + 10;
  const span = dist.max - dist.min || 1;
  const y = (v: number) => T + (H - T - B) * (1 - (v - dist.min) / span);
  return (
    <figure style={{ margin: 0 }}>
      <div style={{ overflowX: "auto" }}>
        <svg width={W} height={H} role="img" aria-label={`Violin plot of ${title} per group`} data-testid={testId}>
          <line x1={L} x2={L} y1={T} y2={H - B} stroke="#4a5360" />
          {[dist.min, (dist.min + dist.max) / 2, dist.max].map((v) => (
            <text key={v} x={L - 4} y={y(v) + 4} fontSize="10" textAnchor="end" fill="#1b1f24">
              {Number(v.toPrecision(3))}
            </text>
          ))}
          {groups.map((g, i) => {
            const cx = L + i * W0 + W0 / 2, half = W0 / 2 - 3;
            const right = dist.grid.map((v, j) => `${cx + g.density[j]! * half},${y(v)}`);
            const left = dist.grid.map((v, j) => `${cx - g.density[j]! * half},${y(v)}`).reverse();
            return (
              <g key={g.group}>
                <polygon points={[...right, ...left].join(" ")} fill={colors[g.group] ?? "#8a93a0"} fillOpacity="0.8" stroke="#4a5360" strokeWidth="0.6">
                  <title>{`${names[g.group] ?? g.group}: median ${g.median.toFixed(2)}, mean ${g.mean.toFixed(2)}, ${g.n} cells`}</title>
                </polygon>
                <line x1={cx} x2={cx} y1={y(g.q1)} y2={y(g.q3)} stroke="#1b1f24" strokeWidth="3" />
                <circle cx={cx} cy={y(g.median)} r="2.5" fill="#fff" stroke="#1b1f24" />
                <text transform={`translate(${cx + 3}, ${H - B + 8}) rotate(60)`} fontSize="10" fill="#1b1f24">
                  {(names[g.group] ?? String(g.group)).slice(0, 18)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
      <details>
        <summary>{title} per group as a table</summary>
        <table data-testid={`${testId}-table`}>
          <thead>
            <tr>
              <th scope="col">Group</th>
              <th scope="col" className="num">Cells</th>
              <th scope="col" className="num">Mean</th>
              <th scope="col" className="num">Median</th>
              <th scope="col" className="num">Quartiles</th>
              <th scope="col" className="num">% above 0</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.group} data-group={g.group} data-mean={g.mean}>
                <td>{names[g.group] ?? g.group}</td>
                <td className="num">{g.n.toLocaleString()}</td>
                <td className="num">{g.mean.toFixed(3)}</td>
                <td className="num">{g.median.toFixed(3)}</td>
                <td className="num">
                  {g.q1.toFixed(2)} – {g.q3.toFixed(2)}
                </td>
                <td className="num">{(g.fractionPositive * 100).toFixed(0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
