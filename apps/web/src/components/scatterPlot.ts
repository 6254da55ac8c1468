/**
 * The UMAP scatter's regl-scatterplot instance: its settings, its renderer and how it repaints,
 * shared by the component (Scatter.tsx) and `pnpm bench:scatter`, so the benchmark times what
 * users get.
 */
import type * as ReglScatterplot from "regl-scatterplot";

type Lib = typeof ReglScatterplot;
type Plot = ReturnType<Lib["default"]>;

function scatterSettings(points: number) {
  return {
    // Small points once there are many: overlap hides structure and costs fill rate.
    pointSize: points > 50_000 ? 2 : 4,
    // Dense regions get translucent points, so 100k cells still show where the mass is.
    opacityByDensityFill: 0.15,
    lassoOnLongPress: false,
  };
}

export interface ScatterPoints {
  x: Float32Array;
  y: Float32Array;
  z: Float32Array;
}

export interface ScatterHandle {
  plot: Plot;
  /** The plot's CSS size changed. */
  resize(width: number, height: number): Promise<void>;
  /**
   * Draws `points` coloured by `z` with `colors`, resolving after the frame that shows them.
   * Only a changed colour map costs a `set` (each `set` waits a frame and redraws), and positions
   * drawn before reuse their spatial index, so recolouring by another gene is one frame.
   */
  paint(points: ScatterPoints, colors: string[], zType: "categorical" | "continuous", select?: ArrayLike<number> | null): Promise<void>;
  destroy(): void;
}

export function createScatter(lib: Lib, canvas: HTMLCanvasElement, width: number, height: number, points: number): ScatterHandle {
  // regl-scatterplot's default renderer sizes its offscreen canvas (and a float framebuffer) to the
  // whole window and fills and copies every pixel of it each frame; sized to the plot it fills 2.7×
  // fewer at 780 × 585 in a 1280 × 960 window (bench:scatter's frame mean at 100k: ~150 → ~95 ms on
  // SwiftShader). A canvas is passed so that the renderer does not follow window resizes itself.
  const renderer = lib.createRenderer({ canvas: document.createElement("canvas") });
  renderer.resize(width, height);
  const plot = lib.default({ canvas, width, height, renderer, ...scatterSettings(points) });
  let colorKey = "";
  let indexed: { x: Float32Array; y: Float32Array; index: ArrayBuffer } | null = null;
  return {
    plot,
    async resize(w, h) {
      renderer.resize(w, h);
      await plot.set({ width: w, height: h });
    },
    async paint(pts, colors, zType, select) {
      const key = colors.join();
      if (key !== colorKey) {
        await plot.set({ colorBy: "valueA", pointColor: colors, pointColorActive: "#000000", pointColorHover: "#000000" });
        colorKey = key;
      }
      const spatialIndex = indexed && indexed.x === pts.x && indexed.y === pts.y ? indexed.index : undefined;
      await plot.draw(pts, { zDataType: zType, ...(spatialIndex ? { spatialIndex } : {}), ...(select && select.length ? { select: Array.from(select) } : {}) });
      if (!spatialIndex) indexed = { x: pts.x, y: pts.y, index: plot.get("spatialIndex") };
    },
    destroy() {
      plot.destroy();
      renderer.destroy();
    },
  };
}
