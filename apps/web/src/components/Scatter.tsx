"use client";
/**
 * The UMAP as a WebGL scatter (regl-scatterplot: one draw call for all points, smooth at 100k+).
 * Points are coloured by category (scanpy's palette for the count) or by a continuous value
 * (viridis, with a colour bar). `selected` is the page's one selection: it is drawn highlighted
 * whatever set it (cluster list, legend, review panel, a cell set or this plot's lasso). Hover
 * shows the cell's description; shift-drag (or the lasso button) selects.
 * The canvas is not keyboard-operable, so the legend's buttons select whole categories too.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { ColorBar } from "./ColorBar";
import { MISSING_COLOR, viridis } from "./palette";
import { createScatter, type ScatterHandle } from "./scatterPlot";

export type ScatterColoring =
  /** `category[i]` indexes `names` and `colors`; -1 = missing (grey). */
  | { kind: "categorical"; category: ArrayLike<number>; names: string[]; colors: string[] }
  /** `t[i]` in [0, 1] (see plots/continuous `normalise`), shown as min..max on the colour bar. */
  | { kind: "continuous"; t: Float32Array; min: number; max: number; title: string };

export interface ScatterProps {
  /** [n * 2] x, y. */
  coords: Float32Array;
  coloring: ScatterColoring;
  /** Accessible name of the plot. */
  label: string;
  /** Tooltip text of a point. */
  describe(index: number): string;
  /** The highlighted cells (null = none). */
  selected: ArrayLike<number> | null;
  /** The user selected cells on the plot (lasso, or [] on clearing). */
  onSelect(indices: number[]): void;
  /** A legend entry was chosen (categorical colouring); the page decides what that selects. */
  onLegendSelect(category: number): void;
  /** The legend entry shown as chosen. */
  activeCategory?: number | null;
  /** Called after each finished draw with the values it drew (continuous: the same array as `coloring.t`). */
  onDrawn?(z: Float32Array): void;
}

const VIRIDIS = viridis(256);

export function Scatter({ coords, coloring, label, describe, selected, onSelect, onLegendSelect, activeCategory = null, onDrawn }: ScatterProps) {
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const handleRef = useRef<ScatterHandle | null>(null);
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const [lasso, setLasso] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const [drawn, setDrawn] = useState(0);
  const drawing = useRef<Promise<void>>(Promise.resolve());
  const describeRef = useRef(describe);
  describeRef.current = describe;
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;
  const onDrawnRef = useRef(onDrawn);
  onDrawnRef.current = onDrawn;
  const selectedRef = useRef(selected);
  selectedRef.current = selected;

  // Positions are computed once per embedding; colour changes only rewrite z.
  const xy = useMemo(() => {
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
    const x = new Float32Array(n), y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x[i] = ((coords[2 * i]! - cx) / half) * 0.95;
      y[i] = ((coords[2 * i + 1]! - cy) / half) * 0.95;
    }
    return { x, y };
  }, [coords]);

  // Categorical: missing (-1) gets the last colour slot, so categories stay 0-based indices.
  const { z, colors, zType } = useMemo(() => {
    const n = xy.x.length;
    if (coloring.kind === "continuous") return { z: coloring.t, colors: VIRIDIS, zType: "continuous" as const };
    const z = new Float32Array(n);
    const missingSlot = coloring.names.length;
    for (let i = 0; i < n; i++) {
      const c = coloring.category[i]!;
      z[i] = c < 0 || c >= missingSlot ? missingSlot : c;
    }
    return { z, colors: [...coloring.colors, MISSING_COLOR], zType: "categorical" as const };
  }, [xy, coloring]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let handle: ScatterHandle | null = null;
    let cancelled = false;
    void import("regl-scatterplot")
      .then((lib) => {
        if (cancelled) return;
        const { width, height } = canvas.getBoundingClientRect();
        handle = createScatter(lib, canvas, width, height, xy.x.length);
        const plot = handle.plot;
        if (!plot.isSupported) throw new Error("This browser has no WebGL support, which the embedding plot needs.");
        handleRef.current = handle;
        plot.subscribe("pointOver", (i: number) => {
          const pos = plot.getScreenPosition(i);
          setHover(pos ? { index: i, x: pos[0], y: pos[1] } : null);
        });
        plot.subscribe("pointOut", () => setHover(null));
        plot.subscribe("select", ({ points: sel }: { points: number[] }) => onSelectRef.current(sel));
        plot.subscribe("deselect", () => onSelectRef.current([]));
        setReady(true);
      })
      .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    const resize = new ResizeObserver(() => {
      const p = handleRef.current;
      if (!p || !canvas) return;
      const { width, height } = canvas.getBoundingClientRect();
      void p.resize(width, height);
    });
    resize.observe(canvas);
    return () => {
      cancelled = true;
      resize.disconnect();
      handleRef.current = null;
      setReady(false);
      handle?.destroy();
    };
    // The plot is created once per cell count; data and colours are pushed by the effects below.
  }, [xy.x.length]);

  useEffect(() => {
    const handle = handleRef.current;
    if (!handle || !ready) return;
    // Draws are chained: regl-scatterplot ignores a draw while the previous one is unfinished.
    drawing.current = drawing.current.then(async () => {
      await handle.paint({ x: xy.x, y: xy.y, z }, colors, zType, selectedRef.current);
      setDrawn((d) => d + 1);
      onDrawnRef.current?.(z);
    });
  }, [xy, z, colors, zType, ready]);

  // The shared selection, drawn without echoing it back as a user selection.
  useEffect(() => {
    const plot = handleRef.current?.plot;
    if (!plot || !ready) return;
    drawing.current = drawing.current.then(() => {
      if (selected && selected.length) plot.select(Array.from(selected), { preventEvent: true });
      else plot.deselect({ preventEvent: true });
    });
  }, [selected, ready]);

  useEffect(() => {
    const plot = handleRef.current?.plot;
    if (plot && ready) void plot.set({ mouseMode: lasso ? "lasso" : "panZoom" });
  }, [lasso, ready]);

  return (
    <figure style={{ margin: 0 }}>
      <div className="inline" role="toolbar" aria-label="Plot tools">
        <button type="button" className="secondary" aria-pressed={lasso} onClick={() => setLasso((v) => !v)}>
          {lasso ? "Lasso on (drag to select)" : "Lasso select"}
        </button>
        <button type="button" className="secondary" onClick={() => onSelectRef.current([])}>
          Clear selection
        </button>
        <button type="button" className="secondary" onClick={() => void handleRef.current?.plot.reset()}>
          Reset zoom
        </button>
        <span className="muted">Scroll to zoom, drag to pan, shift-drag to lasso.</span>
      </div>
      <div className="scatter" data-testid="umap" data-ready={ready ? "true" : "false"} data-points={xy.x.length} data-draws={drawn} data-coloring={coloring.kind === "continuous" ? coloring.title : "categorical"} data-selected={selected?.length ?? 0}>
        <canvas ref={canvasRef} role="img" aria-label={`${label}: ${xy.x.length.toLocaleString()} cells`} />
        {hover ? (
          <div className="tooltip" style={{ left: hover.x, top: hover.y }} role="status" data-testid="umap-tooltip">
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
        {coloring.kind === "continuous" ? (
          <ColorBar min={coloring.min} max={coloring.max} title={coloring.title} width={280} testId="umap-colorbar" />
        ) : (
          <ul className="legend" aria-label="Legend (select a category's cells)">
            {coloring.names.map((name, i) => (
              <li key={`${i}-${name}`}>
                <button
                  type="button"
                  className="secondary legend-button"
                  aria-pressed={activeCategory === i}
                  onClick={() => onLegendSelect(i)}
                  data-testid={`legend-${i}`}
                  data-color={coloring.colors[i]}
                >
                  <span className="swatch" style={{ background: coloring.colors[i] }} aria-hidden="true" /> {name}
                </button>
              </li>
            ))}
          </ul>
        )}
      </figcaption>
    </figure>
  );
}
