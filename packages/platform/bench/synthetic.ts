/**
 * A synthetic dataset of any size for the per-cell benchmarks (`bench:gene` and the web's
 * `bench:scatter`, the one source of their data): counts of `nGenes` genes in `nCells` cells, ~7%
 * non-zero as in 10x data after gene filtering, a few "marker" genes high in one of 12 groups so
 * colouring by them shows structure. Seeded. Also the API's side of colouring by a gene, served
 * over HTTP from the stored gene-by-gene file, as both benchmarks time it.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRng, type pp } from "@scfnccl/engine";
import { cellPositions, decodeExpression, encodeExpression, geneValues, type ExpressionStore } from "../src/datasetFiles.ts";

/**
 * The sizes a per-cell benchmark was asked for on its command line (positive integers), its default
 * when none; `--help` prints the usage, and anything else stops it with exit code 2 naming the word.
 */
export function sizesFromArgs(args: readonly string[], usage: string, what: string, defaults: readonly number[]): number[] {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  const wrong = args.find((a) => !(Number.isInteger(Number(a)) && Number(a) > 0));
  if (wrong !== undefined) {
    console.error(`not a number of ${what}: ${wrong}\n${usage}`);
    process.exit(2);
  }
  return args.length ? args.map(Number) : [...defaults];
}

export function syntheticCounts(nCells: number, nGenes = 2000, seed = 0): pp.CsrMatrix {
  const rng = createRng(seed);
  const density = 0.07;
  const indptr = new Float64Array(nCells + 1);
  const perCell = Math.round(nGenes * density);
  const indices = new Int32Array(nCells * perCell);
  const data = new Float32Array(nCells * perCell);
  let k = 0;
  for (let i = 0; i < nCells; i++) {
    const group = i % 12;
    // Genes picked by stepping a random stride, so each row's columns are sorted and distinct.
    let j = Math.floor(rng.next() * (nGenes / perCell));
    for (let t = 0; t < perCell && j < nGenes; t++) {
      indices[k] = j;
      data[k] = 1 + Math.floor(rng.next() * (j % 12 === group ? 20 : 3));
      k++;
      j += 1 + Math.floor(rng.next() * (2 * (nGenes / perCell) - 1));
    }
    indptr[i + 1] = k;
  }
  return { nRows: nCells, nCols: nGenes, indptr, indices: indices.subarray(0, k), data: data.subarray(0, k) };
}

/** A synthetic dataset as the API holds it after upload: the stored gene-by-gene file, decoded, and a run's cells. */
export interface SyntheticGeneStore {
  /** Cells in the dataset. */
  n: number;
  genes: number;
  store: ExpressionStore;
  /** The run's cells: all but every `dropEvery`-th (as if preprocessing dropped some), or all with 0. */
  runCells: Int32Array;
  position: Int32Array;
  /** Deriving the stored file (at upload) and decoding it into the cache (first request), ms. */
  deriveMs: number;
  loadMs: number;
}

export function syntheticGeneStore(n: number, genes = 2000, seed = 1, dropEvery = 50): SyntheticGeneStore {
  const counts = syntheticCounts(n, genes, seed);
  let t0 = performance.now();
  const bytes = encodeExpression(counts);
  const deriveMs = performance.now() - t0;
  t0 = performance.now();
  const store = decodeExpression(bytes);
  const runCells = Int32Array.from({ length: n }, (_, i) => i).filter((i) => dropEvery === 0 || i % dropEvery !== 0);
  const position = cellPositions(n, runCells);
  return { n, genes, store, runCells, position, deriveMs, loadMs: performance.now() - t0 };
}

/**
 * Serves `GET /?gene=J` as the API's /api/runs/:id/expression answers it: the gene's values for the
 * run's cells (geneValues over the stored file), raw little-endian Float32, one per run cell.
 */
export async function serveGeneColumns(s: SyntheticGeneStore): Promise<{ url: string; lastServerMs(): number; close(): void }> {
  let server = 0;
  const httpServer = createServer((req, res) => {
    const t = performance.now();
    const j = Number(new URL(req.url!, "http://x").searchParams.get("gene")) % s.genes;
    const values = geneValues(s.store, j, s.position, s.runCells.length);
    server = performance.now() - t;
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": values.byteLength, "cache-control": "no-store", "access-control-allow-origin": "*" });
    res.end(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
  });
  await new Promise<void>((r) => httpServer.listen(0, "127.0.0.1", () => r()));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, lastServerMs: () => server, close: () => httpServer.close() };
}
