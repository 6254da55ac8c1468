/**
 * `pnpm bench:gene [N ...]`: the colour-by-gene data path at 10k, 100k and 300k cells (default):
 * the request of one gene's column from the API's code (geneValues over the stored gene-by-gene
 * expression, served as Float32 over HTTP on 127.0.0.1) plus the browser-side decode (a
 * Float32Array view of the body). Also prints the one-off costs: deriving the stored file at
 * upload, and decoding it into the API's cache on the first request. The web's `pnpm bench:scatter`
 * adds the draw. Target: < 300 ms at 100k cells for request + decode + draw.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cellPositions, decodeExpression, encodeExpression, geneValues } from "../src/datasetFiles.ts";
import { syntheticCounts } from "./synthetic.ts";

const USAGE = "usage: pnpm bench:gene [N ...]   (numbers of cells; default 10000 100000 300000)";
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
const wrong = args.find((a) => !(Number.isInteger(Number(a)) && Number(a) > 0));
if (wrong !== undefined) {
  console.error(`not a number of cells: ${wrong}\n${USAGE}`);
  process.exit(2);
}
const sizes = args.length ? args.map(Number) : [10_000, 100_000, 300_000];
const GENES = 2000;
const REQUESTS = 20;

const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`colour-by-gene data path, ${GENES} genes, ~7% non-zero, median of ${REQUESTS} genes (Node ${process.version})`);
console.log("cells     derive (upload)  load (1st request)  request+decode  (server part)  bytes");
for (const n of sizes) {
  const counts = syntheticCounts(n, GENES, 1);
  let t0 = performance.now();
  const bytes = encodeExpression(counts);
  const derive = ms(t0);
  t0 = performance.now();
  const store = decodeExpression(bytes);
  // The run's cells: all but every 50th (as if preprocessing dropped some), in a shuffled order.
  const runCells = Int32Array.from({ length: n }, (_, i) => i).filter((i) => i % 50 !== 0);
  const position = cellPositions(n, runCells);
  const load = ms(t0);
  let server = 0;
  const httpServer = createServer((req, res) => {
    const t = performance.now();
    const j = Number(new URL(req.url!, "http://x").searchParams.get("gene"));
    const values = geneValues(store, j, position, runCells.length);
    server = ms(t);
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": values.byteLength });
    res.end(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", () => r()));
  const { port } = httpServer.address() as AddressInfo;
  const times: number[] = [];
  const servers: number[] = [];
  let size = 0;
  for (let r = 0; r < REQUESTS + 2; r++) {
    const t = performance.now();
    const res = await fetch(`http://127.0.0.1:${port}/?gene=${(r * 97) % GENES}`);
    const values = new Float32Array(await res.arrayBuffer());
    if (values.length !== runCells.length) throw new Error(`got ${values.length} values for ${runCells.length} cells`);
    size = values.byteLength;
    // The first two warm the connection and the JIT.
    if (r >= 2) {
      times.push(ms(t));
      servers.push(server);
    }
  }
  httpServer.close();
  console.log(
    `${String(n).padEnd(9)} ${derive.toFixed(0).padStart(8)} ms ${load.toFixed(0).padStart(14)} ms ${median(times).toFixed(1).padStart(11)} ms ${median(servers).toFixed(1).padStart(11)} ms  ${(size / 1024).toFixed(0)} KiB`,
  );
}
