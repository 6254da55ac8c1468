/** Loss per epoch as an SVG line chart, with the numbers in a table for screen readers. */
export interface LossPoint {
  epoch: number;
  loss: number;
  instanceLoss: number;
  clusterLoss: number;
}

const SERIES = [
  { key: "loss", name: "Total loss", color: "#1d4ed8", dash: "" },
  { key: "instanceLoss", name: "Instance loss", color: "#b45309", dash: "6 3" },
  { key: "clusterLoss", name: "Cluster loss", color: "#047857", dash: "2 3" },
] as const;

export function LossChart({ points, epochs }: { points: LossPoint[]; epochs: number }) {
  const W = 640, H = 240, L = 48, R = 12, T = 12, B = 32;
  if (points.length === 0) return <p className="muted">The loss curve appears after the first epoch.</p>;
  const values = points.flatMap((p) => SERIES.map((s) => p[s.key])).filter(Number.isFinite);
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const maxEpoch = Math.max(epochs, points[points.length - 1]!.epoch, 1);
  const x = (e: number) => L + ((e - 0) / maxEpoch) * (W - L - R);
  const y = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const ticks = [lo, (lo + hi) / 2, hi];
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ maxWidth: "44rem" }} role="img" aria-labelledby="loss-title" data-testid="loss-chart" data-epochs={points.length}>
        <title id="loss-title">Loss per epoch, {points.length} epochs so far</title>
        <line x1={L} y1={H - B} x2={W - R} y2={H - B} stroke="#4a5360" />
        <line x1={L} y1={T} x2={L} y2={H - B} stroke="#4a5360" />
        {ticks.map((t) => (
          <text key={t} x={L - 6} y={y(t) + 4} textAnchor="end" fontSize="11" fill="#1b1f24">
            {t.toFixed(2)}
          </text>
        ))}
        <text x={(L + W - R) / 2} y={H - 6} textAnchor="middle" fontSize="12" fill="#1b1f24">
          epoch (of {maxEpoch})
        </text>
        {SERIES.map((s) => (
          <polyline
            key={s.key}
            fill="none"
            stroke={s.color}
            strokeWidth="2"
            strokeDasharray={s.dash}
            points={points.map((p) => `${x(p.epoch).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(" ")}
          />
        ))}
        {points.length === 1
          ? SERIES.map((s) => <circle key={s.key} cx={x(points[0]!.epoch)} cy={y(points[0]![s.key])} r="3" fill={s.color} />)
          : null}
      </svg>
      <figcaption>
        <ul className="legend">
          {SERIES.map((s) => (
            <li key={s.key}>
              <svg width="24" height="8" aria-hidden="true">
                <line x1="0" y1="4" x2="24" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} />
              </svg>
              {s.name}
            </li>
          ))}
        </ul>
        <details>
          <summary>Loss values</summary>
          <table>
            <thead>
              <tr>
                <th scope="col" className="num">Epoch</th>
                {SERIES.map((s) => (
                  <th scope="col" className="num" key={s.key}>
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.epoch}>
                  <td className="num">{p.epoch}</td>
                  {SERIES.map((s) => (
                    <td className="num" key={s.key}>
                      {p[s.key].toFixed(4)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
