import { ticks } from "../plots/continuous";
import { viridisAt } from "./palette";

/** A horizontal viridis colour bar from `min` to `max` with round ticks, as an SVG with a text alternative. */
export function ColorBar({ min, max, title, width = 220, testId }: { min: number; max: number; title: string; width?: number; testId?: string }) {
  const id = `cb-${title.replace(/\W+/g, "-")}`;
  const H = 44, barH = 12, pad = 10;
  const span = max - min || 1;
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  return (
    <svg width={width} height={H} role="img" aria-label={`Colour bar: ${title}, ${fmt(min)} (dark purple) to ${fmt(max)} (yellow)`} data-testid={testId} data-min={min} data-max={max}>
      <defs>
        <linearGradient id={id}>
          {stops.map((s) => (
            <stop key={s} offset={s} stopColor={viridisAt(s)} />
          ))}
        </linearGradient>
      </defs>
      <text x={pad} y={10} fontSize="11" fill="#1b1f24">
        {title}
      </text>
      <rect x={pad} y={14} width={width - 2 * pad} height={barH} fill={`url(#${id})`} stroke="#4a5360" strokeWidth="0.5" />
      {ticks(min, max, 4).map((t) => {
        const x = pad + ((t - min) / span) * (width - 2 * pad);
        return (
          <g key={t}>
            <line x1={x} x2={x} y1={14 + barH} y2={14 + barH + 3} stroke="#4a5360" />
            <text x={x} y={H - 2} fontSize="10" textAnchor="middle" fill="#1b1f24">
              {fmt(t)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return "—";
  const a = Math.abs(v);
  return a >= 1000 ? v.toLocaleString(undefined, { maximumFractionDigits: 0 }) : a >= 10 ? v.toFixed(0) : a >= 1 || a === 0 ? String(Number(v.toFixed(1))) : v.toPrecision(2);
}
