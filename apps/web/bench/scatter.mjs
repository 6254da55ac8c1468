// `pnpm bench:scatter [N ...]`: the UMAP scatter's cost at 10k, 100k and 300k points in Debian's
// chromium (headless: WebGL on SwiftShader, i.e. the CPU, unless CHROMIUM_ARGS selects a GPU),
// with the app's own settings. Prints the renderer, the first draw, frame times while panning and
// zooming, and a lasso selection. On a laptop's GPU the frame times are lower still; SwiftShader
// on 2 cores is the pessimistic bound. Then colouring by a gene: the request for one Float32 column
// (served here by a local HTTP server, as the API's /api/runs/:id/expression answers: raw
// little-endian floats, one per cell), normalising it and drawing it with viridis, until the frame
// that shows it.
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = "usage:\n  pnpm bench:scatter [N ...]   (numbers of points; default 10000 100000 300000)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const wrong = args.find((a) => !(Number.isInteger(Number(a)) && Number(a) > 0));
if (wrong !== undefined) {
  console.error(`not a number of points: ${wrong}\n${USAGE}`);
  process.exit(2);
}
const sizes = args.map(Number);
const ns = sizes.length ? sizes : [10_000, 100_000, 300_000];
const bundle = await build({ entryPoints: [join(here, "scatter-page.ts")], bundle: true, format: "iife", platform: "browser", write: false, logLevel: "error" });
// A gene-like column: zero in most cells, log-normal-ish elsewhere (seeded, so every run is alike).
const columns = new Map();
function column(n) {
  if (!columns.has(n)) {
    const v = new Float32Array(n);
    let s = 7;
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const u = s / 2 ** 32;
      v[i] = u < 0.7 ? 0 : Math.log1p(u * 40);
    }
    columns.set(n, Buffer.from(v.buffer));
  }
  return columns.get(n);
}
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/") {
    res.writeHead(200, { "content-type": "text/html" });
    return res.end("<!doctype html><html><body style='margin:0'></body></html>");
  }
  const body = column(Number(url.searchParams.get("n")));
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length, "cache-control": "no-store" });
  res.end(body);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  headless: true,
  args: (process.env.CHROMIUM_ARGS ?? "--no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader").split(" ").filter(Boolean),
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 960 } });
  page.on("console", (m) => process.env.BENCH_DEBUG && console.error(`[page] ${m.text()}`));
  page.setDefaultTimeout(120_000);
  await page.goto(origin);
  await page.addScriptTag({ content: bundle.outputFiles[0].text });
  console.log("points    first draw   frame mean   frame p95     fps   lasso (cells)     colour by gene (request)   renderer");
  for (const n of ns) {
    const r = await page.evaluate(([count, url]) => globalThis.runScatterBench(count, url), [n, `${origin}/column`]);
    console.log(
      `${String(r.n).padStart(7)}  ${r.firstDrawMs.toFixed(0).padStart(8)} ms  ${r.frameMeanMs.toFixed(1).padStart(8)} ms  ${r.frameP95Ms.toFixed(1).padStart(8)} ms  ${r.fps.toFixed(0).padStart(6)}  ${r.lassoMs.toFixed(0).padStart(5)} ms (${r.lassoCount})  ${r.colorMs.toFixed(0).padStart(8)} ms (${r.fetchMs.toFixed(0).padStart(3)} ms)       ${r.renderer}`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
