/**
 * Browser side of the scatter benchmark: N points in 20 Gaussian blobs (seeded), drawn with the
 * app's settings; then the time to the first draw, the frame times while the view pans and zooms,
 * a lasso selection over the middle of the plot, and the WebGL renderer that did the work.
 */
import * as reglScatterplot from "regl-scatterplot";
import { palette, viridis } from "../src/components/palette";
import { parseFloat32Column } from "../src/graphql/percell";
import { normalise } from "../src/plots/continuous";
import { createScatter } from "../src/components/scatterPlot";

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const frame = () => new Promise<number>((r) => requestAnimationFrame(r));

async function run(n: number, columnUrl: string, width: number, height: number) {
  const canvas = document.createElement("canvas");
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  document.body.append(canvas);
  const rand = mulberry32(1);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const k = 20;
  const centres = Array.from({ length: k }, () => [rand() * 1.6 - 0.8, rand() * 1.6 - 0.8] as const);
  const x = new Float32Array(n), y = new Float32Array(n), z = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % k;
    x[i] = centres[c]![0] + gauss() * 0.05;
    y[i] = centres[c]![1] + gauss() * 0.05;
    z[i] = c;
  }
  // A canvas of its own: a context made on the plot's canvas would be the one regl gets.
  const gl = document.createElement("canvas").getContext("webgl");
  const dbg = gl?.getExtension("WEBGL_debug_renderer_info");
  const renderer = gl && dbg ? String(gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL)) : "unknown";
  const handle = createScatter(reglScatterplot, canvas, width, height, n);
  const plot = handle.plot;
  const t0 = performance.now();
  await handle.paint({ x, y, z }, palette(k), "categorical");
  await frame();
  const firstDrawMs = performance.now() - t0;

  // Pan and zoom: a new camera view every frame, as a user dragging or scrolling makes.
  const frames: number[] = [];
  let last = await frame();
  for (let f = 0; f < 120; f++) {
    const s = 1 + 0.5 * Math.sin(f / 20);
    plot.view([s, 0, 0, 0, 0, s, 0, 0, 0, 0, 1, 0, 0.2 * Math.sin(f / 15), 0.2 * Math.cos(f / 15), 0, 1]);
    const now = await frame();
    frames.push(now - last);
    last = now;
  }
  frames.sort((a, b) => a - b);
  const mean = frames.reduce((a, b) => a + b, 0) / frames.length;
  const p95 = frames[Math.floor(frames.length * 0.95)]!;

  await plot.reset();
  const selected = new Promise<number>((r) => plot.subscribe("select", ({ points }: { points: number[] }) => r(points.length), 1));
  const t1 = performance.now();
  plot.lassoSelect([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]], { isGl: true });
  const lassoCount = await selected;
  const lassoMs = performance.now() - t1;

  // Colour by a gene as the run page does (Scatter.tsx's `paint`): one request for one Float32
  // column, normalised, drawn with viridis; timed from the request until the frame that shows it
  // (regl-scatterplot's `draw` event), median of 7. The first also switches the colour map from the
  // clusters' palette, as the page's first gene does.
  const viridis256 = viridis(256);
  const times = { color: [] as number[], fetch: [] as number[] };
  for (let rep = 0; rep < 7; rep++) {
    const t2 = performance.now();
    const res = await fetch(`${columnUrl}?gene=${rep * 97 + 5}`);
    const values = parseFloat32Column(await res.arrayBuffer(), n, "column");
    times.fetch.push(performance.now() - t2);
    const { t } = normalise(values);
    await handle.paint({ x, y, z: t }, viridis256, "continuous");
    times.color.push(performance.now() - t2);
  }
  const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
  handle.destroy();
  canvas.remove();
  return { n, renderer, firstDrawMs, frameMeanMs: mean, frameP95Ms: p95, fps: 1000 / mean, lassoMs, lassoCount, colorMs: median(times.color), fetchMs: median(times.fetch) };
}

(window as unknown as { runScatterBench: typeof run }).runScatterBench = run;
