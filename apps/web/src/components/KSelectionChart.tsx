import type { KSelection } from "../graphql/operations";

/** Each candidate number of clusters with its score as bars, the chosen one marked; a table carries the numbers for screen readers. */
export function KSelectionChart({ selection }: { selection: KSelection }) {
  const W = 480, H = 180, L = 44, R = 8, T = 10, B = 34;
  const cs = selection.candidates;
  if (cs.length === 0) return null;
  const scores = cs.map((c) => c.score);
  const lo = Math.min(0, ...scores), hi = Math.max(1, ...scores);
  const band = (W - L - R) / cs.length;
  const y = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: "32rem" }} role="img" aria-labelledby="ksel-title" data-testid="k-selection-chart" data-k={selection.k}>
        <title id="ksel-title">
          Score of each number of clusters tried; {selection.k} chosen
        </title>
        <line x1={L} y1={H - B} x2={W - R} y2={H - B} stroke="#4a5360" />
        <line x1={L} y1={T} x2={L} y2={H - B} stroke="#4a5360" />
        {[lo, hi].map((t) => (
          <text key={t} x={L - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#1b1f24">
            {t.toFixed(1)}
          </text>
        ))}
        {cs.map((c, i) => {
          const chosen = c.k === selection.k;
          const top = y(Math.max(c.score, lo));
          return (
            <g key={c.k} data-testid={chosen ? "k-chosen" : undefined}>
              <rect x={L + i * band + band * 0.15} y={top} width={band * 0.7} height={Math.max(0, y(lo) - top)} fill={chosen ? "#1d4ed8" : "#9aa5b1"} />
              <text x={L + i * band + band / 2} y={H - B + 14} textAnchor="middle" fontSize="11" fill="#1b1f24" fontWeight={chosen ? "bold" : undefined}>
                {c.k}
              </text>
            </g>
          );
        })}
        <text x={(L + W - R) / 2} y={H - 4} textAnchor="middle" fontSize="12" fill="#1b1f24">
          number of clusters K
        </text>
      </svg>
      <figcaption>
        <p className="muted">
          K = {selection.k} estimated without labels: {selection.criterion}.
        </p>
        <details>
          <summary>Scores</summary>
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">K</th>
                <th scope="col" className="num">Score</th>
                <th scope="col" className="num">Resolution</th>
              </tr>
            </thead>
            <tbody>
              {cs.map((c) => (
                <tr key={c.k} aria-current={c.k === selection.k || undefined}>
                  <td className="num">{c.k}</td>
                  <td className="num">{c.score.toFixed(3)}</td>
                  <td className="num">{c.resolution}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
