/**
 * pnpm bench:io [file.h5ad] — reading a large sparse h5ad and normalising it within memory bounds.
 * Reads X (csr_matrix) in entry blocks straight into CSR, then runs normalizeTotal and log1p, and
 * prints the time of each step and the process's peak resident memory (VmHWM). The default input,
 * /tmp/scfnccl-1m.h5ad (1,000,000 cells × 20,000 genes, ~2% non-zero), is generated first when missing
 * by scripts/make_big_h5ad.py (about 4 minutes, 3.2 GB in /tmp).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readDataset } from "../src/io/readDataset.ts";
import { log1p } from "../src/pp/log1p.ts";
import { normalizeTotal } from "../src/pp/normalizeTotal.ts";
import { benchArgs, usageError } from "./args.ts";

const BOUND_GIB = 8;
const USAGE = `usage:
  pnpm bench:io [file.h5ad]   (default /tmp/scfnccl-1m.h5ad, generated when missing)`;
const { positionals } = benchArgs(USAGE, { allowPositionals: true, options: {} });
const path = positionals[0] ?? "/tmp/scfnccl-1m.h5ad";
const GiB = 1024 ** 3;

/** Peak resident set size of this process so far, from /proc (Linux), else the current RSS. */
function peakRss(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.memoryUsage().rss;
}

if (!existsSync(path)) {
  if (positionals[0]) usageError(USAGE, `${path}: no such file`);
  const script = join(dirname(fileURLToPath(import.meta.url)), "../scripts/make_big_h5ad.py");
  console.log(`generating ${path} with ${script} (1,000,000 × 20,000, ~2% non-zero; a few minutes) …`);
  execFileSync("/usr/bin/python3", [script, path], { stdio: "inherit" });
}

const fileBytes = statSync(path).size;
let t = performance.now();
let data: Awaited<ReturnType<typeof readDataset>> | undefined = await readDataset(path);
const readSeconds = (performance.now() - t) / 1000;
const { nRows, nCols } = data.counts;
const nnz = data.counts.data.length;
const afterRead = peakRss();
console.log(
  `read ${path} (${(fileBytes / GiB).toFixed(2)} GiB): ${nRows.toLocaleString("en")} cells × ${nCols.toLocaleString("en")} genes, ` +
    `${nnz.toLocaleString("en")} non-zeros (${((100 * nnz) / (nRows * nCols)).toFixed(2)}%) in ${readSeconds.toFixed(1)} s; peak RSS ${(afterRead / GiB).toFixed(2)} GiB`,
);

t = performance.now();
const normalized = normalizeTotal(data.counts, { targetSum: 1e4 }).matrix;
data = undefined; // the raw counts' values are no longer needed (indices are shared)
const logged = log1p(normalized);
const ppSeconds = (performance.now() - t) / 1000;
const peak = peakRss();
console.log(`normalizeTotal(targetSum 1e4) + log1p in ${ppSeconds.toFixed(1)} s (checksum ${logged.data[0]?.toFixed(4)})`);
console.log(`total ${(readSeconds + ppSeconds).toFixed(1)} s; peak RSS ${(peak / GiB).toFixed(2)} GiB (bound ${BOUND_GIB} GiB: ${peak < BOUND_GIB * GiB ? "ok" : "EXCEEDED"})`);
if (peak >= BOUND_GIB * GiB) process.exitCode = 1;
