"use client";
/**
 * The UMAP as a WebGL scatter (regl-scatterplot: one draw call for all points, smooth at 100k+).
 * Points are coloured by category; hover shows a tooltip, shift-drag (or the lasso button) selects.
 * The canvas is not keyboard-operable, so the legend's buttons select whole categories too.
 */
import type createScatterplotType from "regl-scatterplot";
import { useEffect, useMemo, useRef, useState } from "react";
import { categoryColor, MISSING_COLOR } from "./palette";
import { scatterSettings } from "./scatterSettings";

export interface ScatterProps {
  /** [n * 2] x, y. */
  coords: Float32Array;
  /** [n] category index per point; -1 = missing. */
  category: ArrayLike<number>;
  /** Names of the categories (index → name). */
  names: string[];
  /** Accessible name of the plot. */
  label: string;
  /** Tooltip text of a point. */
  describe(index: number): string;
  onSelect(indices: number[]): void;
}

type Plot = ReturnType<typeof createScatterplotType>;

export function Scatter({ coords, category, names, label, describe, onSelect }: ScatterProps) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const plotRef = useRef<Plot | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [lasso, setLasso] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const drawing = useRef<Promise<void>>(Promise.resolve());
  const describeRef = useRef(describe);
  describeRef.current = describe;
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  // Missing (-1) gets the last colour slot, so categories stay 0-based indices into the colours.
  const { points, colors } = useMemo(() => {
    const n = coords.length / 2;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = coords[2 * i]!, y = coords[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    // regl-scatterplot draws in [-1, 1]; one scale for both axes keeps UMAP distances honest.
    const half = Math.max(maxX - minX, maxY - minY, 1e-9) / 2;
    const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
    const x = new Float32Array(n), y = new Float32Array(n), z = new Float32Array(n);
    const missingSlot = names.length;
    for (let i = 0; i < n; i++) {
      x[i] = ((coords[2 * i]! - cx) / half) * 0.95;
      y[i] = ((coords[2 * i + 1]! - cy) / half) * 0.95;
      const c = category[i]!;
      z[i] = c < 0 || c >= names.length ? missingSlot : c;
    }
    return { points: { x, y, z }, colors: [...names.map((_, i) => categoryColor(i)), MISSING_COLOR] };
  }, [coords, category, names]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let plot: Plot | null = null;
    let cancelled = false;
    void import("regl-scatterplot")
      .then(({ default: createScatterplot }) => {
        if (cancelled) return;
        const { width, height } = canvas.getBoundingClientRect();
        plot = createScatterplot({ canvas, width, height, ...scatterSettings(points.x.length) });
        if (!plot.isSupported) throw new Error("This browser has no WebGL support, which the embedding plot needs.");
        plotRef.current = plot;
        plot.subscribe("pointOver", (i: number) => {
          const pos = plot?.getScreenPosition(i);
          setHover(pos ? { index: i, x: pos[0], y: pos[1] } : null);
        });
        plot.subscribe("pointOut", () => setHover(null));
        plot.subscribe("select", ({ points: sel }: { points: number[] }) => onSelectRef.current(sel));
        plot.subscribe("deselect", () => onSelectRef.current([]));
        setReady(true);
      })
      .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    const resize = new ResizeObserver(() => {
      const p = plotRef.current;
      if (!p || !canvas) return;
      const { width, height } = canvas.getBoundingClientRect();
      void p.set({ width, height });
    });
    resize.observe(canvas);
    return () => {
      cancelled = true;
      resize.disconnect();
      plotRef.current = null;
      setReady(false);
      plot?.destroy();
    };
    // The plot is created once; data and colours are pushed by the effects below.
  }, [points.x.length]);

  useEffect(() => {
    const plot = plotRef.current;
    if (!plot || !ready) return;
    // Draws are chained: regl-scatterplot ignores a draw while the previous one is unfinished.
    drawing.current = drawing.current.then(async () => {
      await plot.set({ colorBy: "valueA", pointColor: colors, pointColorActive: "#000000", pointColorHover: "#000000" });
      await plot.draw(points, { zDataType: "categorical" });
    });
  }, [points, colors, ready]);

  useEffect(() => {
    const plot = plotRef.current;
    if (plot && ready) void plot.set({ mouseMode: lasso ? "lasso" : "panZoom" });
  }, [lasso, ready]);

  function selectCategory(c: number) {
    const plot = plotRef.current;
    if (!plot) return;
    const sel: number[] = [];
    for (let i = 0; i < category.length; i++) if (category[i] === c) sel.push(i);
    plot.select(sel);
  }

  return (
    <figure style={{ margin: 0 }}>
      <div className="inline" role="toolbar" aria-label="Plot tools">
        <button type="button" className="secondary" aria-pressed={lasso} onClick={() => setLasso((v) => !v)}>
          {lasso ? "Lasso on (drag to select)" : "Lasso select"}
        </button>
        <button type="button" className="secondary" onClick={() => plotRef.current?.deselect()}>
          Clear selection
        </button>
        <button type="button" className="secondary" onClick={() => void plotRef.current?.reset()}>
          Reset zoom
        </button>
        <span className="muted">Scroll to zoom, drag to pan, shift-drag to lasso.</span>
      </div>
      <div className="scatter" data-testid="umap" data-ready={ready ? "true" : "false"} data-points={points.x.length}>
        <canvas ref={canvasRef} role="img" aria-label={`${label}: ${points.x.length.toLocaleString()} cells`} />
        {hover ? (
          <div className="tooltip" style={{ left: hover.x, top: hover.y }} role="status">
            {describeRef.current(hover.index)}
          </div>
        ) : null}
      </div>
      {failed ? (
        <p role="alert" className="alert">
          {failed}
        </p>
      ) : null}
      <figcaption>
        <ul className="legend" aria-label="Legend (select a category's cells)">
          {names.map((name, i) => (
            <li key={`${i}-${name}`}>
              <button type="button" className="secondary" style={{ padding: "0.1rem 0.4rem", fontWeight: 400 }} onClick={() => selectCategory(i)}>
                <span className="swatch" style={{ background: categoryColor(i) }} aria-hidden="true" /> {name}
              </button>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
