/**
 * `pnpm bench:gene [N ...]`: the colour-by-gene data path at 10k, 100k and 300k cells (default):
 * the request of one gene's column from the API's code (geneValues over the stored gene-by-gene
 * expression, served as Float32 over HTTP on 127.0.0.1) plus the browser-side decode (a
 * Float32Array view of the body). Also prints the one-off costs: deriving the stored file at
 * upload, and decoding it into the API's cache on the first request. The web's `pnpm bench:scatter`
 * adds the draw. Target: < 300 ms at 100k cells for request + decode + draw.
 */
import { serveGeneColumns, sizesFromArgs, syntheticGeneStore } from "./synthetic.ts";

const USAGE = "usage: pnpm bench:gene [N ...]   (numbers of cells; default 10000 100000 300000)";
const sizes = sizesFromArgs(process.argv.slice(2), USAGE, "cells", [10_000, 100_000, 300_000]);
const GENES = 2000;
const REQUESTS = 20;

const ms = (t0: number) => performance.now() - t0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`colour-by-gene data path, ${GENES} genes, ~7% non-zero, median of ${REQUESTS} genes (Node ${process.version})`);
console.log("cells     derive (upload)  load (1st request)  request+decode  (server part)  bytes");
for (const n of sizes) {
  const data = syntheticGeneStore(n, GENES, 1);
  const server = await serveGeneColumns(data);
  const times: number[] = [];
  const servers: number[] = [];
  let size = 0;
  for (let r = 0; r < REQUESTS + 2; r++) {
    const t = performance.now();
    const res = await fetch(`${server.url}?gene=${(r * 97) % GENES}`);
    const values = new Float32Array(await res.arrayBuffer());
    if (values.length !== data.runCells.length) throw new Error(`got ${values.length} values for ${data.runCells.length} cells`);
    size = values.byteLength;
    // The first two warm the connection and the JIT.
    if (r >= 2) {
      times.push(ms(t));
      servers.push(server.lastServerMs());
    }
  }
  server.close();
  console.log(
    `${String(n).padEnd(9)} ${data.deriveMs.toFixed(0).padStart(8)} ms ${data.loadMs.toFixed(0).padStart(14)} ms ${median(times).toFixed(1).padStart(11)} ms ${median(servers).toFixed(1).padStart(11)} ms  ${(size / 1024).toFixed(0)} KiB`,
  );
}
