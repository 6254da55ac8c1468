import type { QcDistribution } from "../graphql/operations";

/** One QC distribution as a bar histogram with its summary figures beside it. */
export function QcHistogram({ title, unit, dist }: { title: string; unit: string; dist: QcDistribution }) {
  const { binEdges, counts } = dist.histogram;
  const W = 360, H = 140, L = 36, B = 28, T = 8;
  const max = Math.max(1, ...counts);
  const bw = (W - L - 8) / Math.max(1, counts.length);
  const id = title.replace(/\W+/g, "-").toLowerCase();
  return (
    <figure className="panel" style={{ margin: 0, flex: "1 1 22rem" }}>
      <h3 id={id} style={{ marginTop: 0 }}>
        {title}
      </h3>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={id}>
        {counts.map((c, i) => {
          const h = ((H - B - T) * c) / max;
          return (
            <rect key={i} x={L + i * bw} y={H - B - h} width={Math.max(1, bw - 1)} height={h} fill="#1d4ed8">
              <title>{`${binEdges[i]?.toFixed(0)}–${binEdges[i + 1]?.toFixed(0)} ${unit}: ${c} cells`}</title>
            </rect>
          );
        })}
        <line x1={L} y1={H - B} x2={W - 8} y2={H - B} stroke="#4a5360" />
        <text x={L} y={H - 8} fontSize="11" fill="#1b1f24">
          {binEdges[0]?.toFixed(0)}
        </text>
        <text x={W - 8} y={H - 8} fontSize="11" textAnchor="end" fill="#1b1f24">
          {binEdges[binEdges.length - 1]?.toFixed(0)} {unit}
        </text>
        <text x={L - 4} y={T + 10} fontSize="11" textAnchor="end" fill="#1b1f24">
          {max}
        </text>
      </svg>
      <figcaption>
        <dl className="facts">
          <dt>Median</dt>
          <dd>{dist.median.toLocaleString(undefined, { maximumFractionDigits: 0 })}</dd>
          <dt>Quartiles</dt>
          <dd>
            {dist.q1.toLocaleString(undefined, { maximumFractionDigits: 0 })} – {dist.q3.toLocaleString(undefined, { maximumFractionDigits: 0 })}
          </dd>
          <dt>Range</dt>
          <dd>
            {dist.min.toLocaleString(undefined, { maximumFractionDigits: 0 })} – {dist.max.toLocaleString(undefined, { maximumFractionDigits: 0 })}
          </dd>
          <dt>Mean</dt>
          <dd>{dist.mean.toLocaleString(undefined, { maximumFractionDigits: 1 })}</dd>
        </dl>
      </figcaption>
    </figure>
  );
}
