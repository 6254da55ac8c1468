/**
 * `pnpm bench:scatter [N ...]`: the UMAP scatter's cost at 10k, 100k and 300k points in Debian's
 * chromium (headless: WebGL on SwiftShader, i.e. the CPU, unless CHROMIUM_ARGS selects a GPU),
 * with the app's own settings. Prints the renderer, the first draw, frame times while panning and
 * zooming, and a lasso selection. On a laptop's GPU the frame times are lower still; SwiftShader
 * on 2 cores is the pessimistic bound.
 *
 * Then colouring by a gene end to end, the number #21's target is about (< 300 ms at 100k cells):
 * from the request for one gene's column to the frame that shows it. The column is served as the
 * API serves it (geneValues over the stored gene-by-gene file of a synthetic dataset,
 * `@scfnccl/platform/bench`, raw little-endian Float32 over HTTP), then decoded, normalised and
 * drawn with viridis by the app's own code.
 */
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveGeneColumns, sizesFromArgs, syntheticGeneStore } from "@scfnccl/platform/bench";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = "usage:\n  pnpm bench:scatter [N ...]   (numbers of points; default 10000 100000 300000)";
const ns = sizesFromArgs(process.argv.slice(2), USAGE, "points", [10_000, 100_000, 300_000]);
// The plot's size on the run page in a 1440 × 1000 window (the UMAP column of .grid2, 4:3): a
// software renderer's frame costs by the pixel, so the bench draws what users get. SCATTER_SIZE=WxH
// measures another (the earlier figures below in apps/web/README.md used 1200x900).
const size = /^(\d+)x(\d+)$/.exec(process.env["SCATTER_SIZE"] ?? "780x585");
if (!size) {
  console.error(`SCATTER_SIZE must be WIDTHxHEIGHT, e.g. 780x585 (got '${process.env["SCATTER_SIZE"]}')`);
  process.exit(2);
}
const [width, height] = [Number(size[1]), Number(size[2])];
const f = (v: unknown, digits: number, width: number) => Number(v).toFixed(digits).padStart(width);
const bundle = await build({ entryPoints: [join(here, "scatter-page.ts")], bundle: true, format: "iife", platform: "browser", write: false, logLevel: "error" });
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "text/html" });
  res.end("<!doctype html><html><body style='margin:0'></body></html>");
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const browser = await chromium.launch({
  executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium",
  headless: true,
  args: (process.env["CHROMIUM_ARGS"] ?? "--no-sandbox --use-angle=swiftshader --enable-unsafe-swiftshader").split(" ").filter(Boolean),
});
try {
  const page = await browser.newPage({ viewport: { width: Math.max(1280, width + 40), height: Math.max(960, height + 40) } });
  page.on("console", (m) => process.env["BENCH_DEBUG"] && console.error(`[page] ${m.text()}`));
  page.setDefaultTimeout(120_000);
  await page.goto(origin);
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  // The figures are wall-clock on a shared machine: say how busy it was.
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} (1 / 5 / 15 min) on ${cpus().length} cores; plot ${width} × ${height} px`);
  console.log("points    first draw   frame mean   frame p95     fps   lasso (cells)     colour by gene end to end (request)   renderer");
  for (const n of ns) {
    // The run's cells are the dataset's (none dropped), so the column has one value per point.
    const genes = await serveGeneColumns(syntheticGeneStore(n, 2000, 1, 0));
    type Bench = (n: number, url: string, width: number, height: number) => Promise<Record<string, number | string>>;
    const r = await page.evaluate(([count, url, w, h]) => (globalThis as unknown as { runScatterBench: Bench }).runScatterBench(count, url, w, h), [n, genes.url, width, height] as const);
    genes.close();
    console.log(
      `${String(r["n"]).padStart(7)}  ${f(r["firstDrawMs"], 0, 8)} ms  ${f(r["frameMeanMs"], 1, 8)} ms  ${f(r["frameP95Ms"], 1, 8)} ms  ${f(r["fps"], 0, 6)}  ${f(r["lassoMs"], 0, 5)} ms (${r["lassoCount"]})  ${f(r["colorMs"], 0, 8)} ms (${f(r["fetchMs"], 0, 3)} ms)                  ${r["renderer"]}`,
    );
  }
} finally {
  await browser.close();
  server.close();
}
