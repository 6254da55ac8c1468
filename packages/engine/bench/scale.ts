/**
 * pnpm bench:scale — the whole scFNCCL pipeline at 10k, 100k and 1,000,000 cells × 20,000 genes:
 * read the h5ad, preprocess (2,000 HVGs, kept sparse), one training epoch with the reference
 * defaults, embed every cell, cluster the embedding (Lloyd's k-means up to 100k cells, mini-batch
 * k-means above). Prints the seconds and the peak resident memory of each phase, and how each
 * phase grows from the second-largest size to the largest against linear growth.
 *
 * Each size runs in its own child process, so its peak memory is its own. Inputs are the realistic
 * synthetic data of scripts/make_big_h5ad.py (negative-binomial counts around 10 labelled clusters, seed 0,
 * ~2% non-zero), generated under --dir when missing (/usr/bin/python3 with numpy and h5py; ~4 min
 * and 3.2 GB for a million cells).
 *
 * Usage: see USAGE below (`--help` prints it).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initBackend, releaseBackend, type BackendName } from "../src/backend.ts";
import { readDataset } from "../src/io/readDataset.ts";
import { ari } from "../src/metrics/ari.ts";
import { encodeLabels } from "../src/metrics/encodeLabels.ts";
import type { CsrMatrix } from "../src/pp/csr.ts";
import { preprocess } from "../src/pp/preprocess.ts";
import { embed } from "../src/nn/embed.ts";
import { kmeansAuto, MINI_BATCH_ABOVE } from "../src/tl/kmeans.ts";
import { disposeModel, train } from "../src/nn/train.ts";
import { consensusCluster, type TrainedBase } from "../src/methods/consensus.ts";
import { benchArgs, usageError } from "./args.ts";

const here = dirname(fileURLToPath(import.meta.url));
const GiB = 1024 ** 3;
const SCFNCCL_PHASES = ["read", "preprocess", "train", "embed", "cluster"] as const;
/**
 * With --consensus: the engine's consensus method with K estimated (its PCs and graph, the K estimate,
 * the scFNCCL base at that K, the member partitions, the cut), as one phase.
 */
const CONSENSUS_PHASES = ["consensus"] as const;
type Phase = (typeof SCFNCCL_PHASES)[number] | (typeof CONSENSUS_PHASES)[number];
const MEMORY_BOUND_GIB = 12;
const LINEAR_BOUND = 1.3;

const USAGE = `usage:
  pnpm bench:scale [--sizes 10000,100000,1000000] [--dir /tmp] [--epochs 1] [--backend wasm]
                   [--consensus]   (then the consensus method: PCs + SNN graph, the K estimate, the scFNCCL base at
                                    that K (the one above when K is the true one), member partitions, cut)
                   [--consensus-k auto|labels]   (auto: K estimated, the anmi choice; labels: the label count, the
                                    Leiden cut of all members on both views' graph; default auto)`;

const { values } = benchArgs(USAGE, {
  options: {
    sizes: { type: "string", default: "10000,100000,1000000" },
    dir: { type: "string", default: "/tmp" },
    epochs: { type: "string", default: "1" },
    backend: { type: "string" },
    one: { type: "string" },
    consensus: { type: "boolean", default: false },
    "consensus-k": { type: "string", default: "auto" },
  },
});
if (!["auto", "labels"].includes(values["consensus-k"])) usageError(USAGE, `--consensus-k must be auto or labels (got '${values["consensus-k"]}')`);
const PHASES: readonly Phase[] = values.consensus ? [...SCFNCCL_PHASES, ...CONSENSUS_PHASES] : SCFNCCL_PHASES;

interface PhaseRecord {
  seconds: number;
  /** CPU seconds of this process (user + system): what the phase costs, whatever else shares the machine. */
  cpuSeconds: number;
  /** Peak RSS during the phase (the kernel's high-water mark, reset when the phase starts). */
  peakGiB: number;
  /** Peak RSS since the process started. */
  processPeakGiB: number;
}

interface SizeRecord {
  /** --consensus: ARI of the consensus at the k it estimated without labels, that k, and the labels' k. */
  consensusAri?: number;
  estimatedK?: number;
  trueK?: number;
  consensusMembers?: number;
  consensusCut?: string;
  cells: number;
  genes: number;
  nnz: number;
  hvgNnz: number;
  backend: string;
  clustering: string;
  ari: number;
  phases: Record<Phase, PhaseRecord>;
}

function status(): string {
  return readFileSync("/proc/self/status", "utf8");
}

function kb(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status());
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

/** Linux resets VmHWM to the current RSS on "5" → clear_refs (since 4.0); elsewhere phases share one peak. */
function resetPeak(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}

let processPeak = 0;
async function phase<T>(record: Partial<Record<Phase, PhaseRecord>>, name: Phase, run: () => T | Promise<T>): Promise<T> {
  // Collect what earlier phases dropped, so a phase's peak is its own data and work, not their garbage.
  (globalThis as { gc?: () => void }).gc?.();
  resetPeak();
  const t = performance.now();
  const cpu = process.cpuUsage();
  const out = await run();
  const seconds = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const peak = kb("VmHWM");
  processPeak = Math.max(processPeak, peak);
  record[name] = { seconds, cpuSeconds, peakGiB: peak / GiB, processPeakGiB: processPeak / GiB };
  process.stderr.write(`  ${name}: ${seconds.toFixed(1)} s (CPU ${cpuSeconds.toFixed(1)} s), peak RSS ${(peak / GiB).toFixed(2)} GiB\n`);
  return out;
}

async function oneSize(file: string): Promise<SizeRecord> {
  const info = await initBackend(values.backend as BackendName | undefined);
  const phases: Partial<Record<Phase, PhaseRecord>> = {};
  let data: Awaited<ReturnType<typeof readDataset>> | undefined = await phase(phases, "read", () => readDataset(file));
  const { nRows: cells, nCols: genes } = data.counts;
  const nnz = data.counts.data.length;
  const labels = data.labels ? encodeLabels(data.labels) : undefined;
  const k = labels?.classes.length ?? 10;
  let counts: CsrMatrix | undefined = data.counts;
  // The consensus reads the counts again (its own preprocessing); otherwise only they go on.
  const kept = values.consensus ? data : undefined;
  data = undefined; // only the counts go on; the rest of the dataset (names, obs) can be collected
  const pre = await phase(phases, "preprocess", () => preprocess(counts!, { nTopGenes: 2000, emptyCells: "drop", file }));
  counts = undefined; // training reads only the HVG matrix

  const trainBase = async (kk: number, timed: boolean): Promise<TrainedBase> => {
    const run = <T,>(name: Phase, f: () => T | Promise<T>) => (timed ? phase(phases, name, f) : f());
    const { model } = await run("train", () => train(pre.scaled, pre.nCells, pre.nGenes, { k: kk, epochs: Number(values.epochs), seed: 0 }));
    const emb = await run("embed", () => embed(model, pre.scaled, pre.nCells, pre.nGenes));
    disposeModel(model);
    const clusters = await run("cluster", () => kmeansAuto(emb.z, { n: pre.nCells, d: emb.dim, k: kk, nInit: 10, seed: 0 }).labels);
    return { cells: pre.keptCells, clusters, embedding: { values: emb.z, dim: emb.dim }, description: `scfnccl, ${values.epochs} epoch(s)` };
  };
  const base = await trainBase(k, true);
  const clusters = base.clusters;
  const truth = labels ? Int32Array.from(pre.keptCells, (i) => labels.codes[i]!) : undefined;
  let consensusAri: number | undefined;
  let estimatedK: number | undefined;
  let consensusMembers: number | undefined;
  let consensusCut: string | undefined;
  if (kept) {
    // The engine's method itself (the platform's path), with K estimated as a lab without labels gets it.
    const kk = values["consensus-k"] === "labels" ? k : "auto";
    const r = await phase(phases, "consensus", () => consensusCluster(kept, { k: kk, seed: 0, emptyCells: "drop", trainBase: (at) => (at === k ? Promise.resolve(base) : trainBase(at, false)) }));
    estimatedK = r.kSelection?.k;
    if (labels) consensusAri = ari(Int32Array.from(r.cells, (i) => labels.codes[i]!), r.clusters);
    consensusMembers = r.members.length;
    consensusCut = r.cut;
  }
  return {
    consensusAri,
    estimatedK,
    consensusMembers,
    consensusCut,
    trueK: labels?.classes.length,
    cells,
    genes,
    nnz,
    hvgNnz: pre.scaled.csr.data.length,
    backend: `${info.name} (${info.detail})`,
    clustering: pre.nCells > MINI_BATCH_ABOVE ? "mini-batch k-means" : "k-means, 10 restarts",
    ari: truth ? ari(truth, clusters) : NaN,
    phases: phases as Record<Phase, PhaseRecord>,
  };
}

function runChild(args: string[]): Promise<SizeRecord | undefined> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code, signal) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as SizeRecord);
      else {
        process.stderr.write(`  child exited with ${signal ?? `code ${code}`}\n`);
        resolve(undefined);
      }
    });
  });
}

function label(n: number): string {
  return n >= 1e6 && n % 1e6 === 0 ? `${n / 1e6}M` : n >= 1e3 && n % 1e3 === 0 ? `${n / 1e3}k` : String(n);
}

if (values.one) {
  process.stdout.write(`${JSON.stringify(await oneSize(values.one))}\n`);
  // Dawn's GPU object would keep this child alive.
  releaseBackend();
} else {
  const sizes = values.sizes.split(",").map(Number);
  const self = fileURLToPath(import.meta.url);
  const records: SizeRecord[] = [];
  for (const n of sizes) {
    const file = join(values.dir, `scfnccl-scale-${label(n)}.h5ad`);
    if (!existsSync(file)) {
      process.stderr.write(`generating ${file} (${n.toLocaleString("en")} × 20,000) …\n`);
      execFileSync("/usr/bin/python3", [join(here, "../scripts/make_big_h5ad.py"), file, "--cells", String(n), "--clusters", "10", "--seed", "0"], { stdio: "inherit" });
    }
    process.stderr.write(`${label(n)} cells: ${file} (${(statSync(file).size / GiB).toFixed(2)} GiB)\n`);
    const args = ["--expose-gc", self, "--one", file, "--epochs", values.epochs];
    if (values.consensus) args.push("--consensus", "--consensus-k", values["consensus-k"]);
    if (values.backend) args.push("--backend", values.backend);
    const r = await runChild(args);
    if (r) records.push(r);
  }

  console.log(`# bench:scale — ${values.consensus ? `scFNCCL pipeline, then the consensus method (${values["consensus-k"] === "labels" ? "K from labels" : "K estimated"})` : "scFNCCL pipeline"} on synthetic NB counts × 20,000 genes, ${values.epochs} training epoch(s)\n`);
  if (values.consensus) for (const r of records) console.log(`${label(r.cells)} cells: consensus at ${r.estimatedK === undefined ? `the label count ${r.trueK}` : `k estimated without labels ${r.estimatedK} (labels: ${r.trueK})`}: ARI ${r.consensusAri?.toFixed(3)}, ${r.consensusMembers} member partitions, cut ${r.consensusCut}`);
  if (records[0]) console.log(`backend: ${records[0].backend}\n`);
  console.log("| cells | non-zeros | HVG non-zeros | clustering | ARI vs clusters (1 epoch) | peak RSS GiB (whole run) |");
  console.log("|---|---|---|---|---|---|");
  for (const r of records) {
    const peak = Math.max(...PHASES.map((p) => r.phases[p].processPeakGiB));
    console.log(`| ${r.cells.toLocaleString("en")} | ${r.nnz.toLocaleString("en")} | ${r.hvgNnz.toLocaleString("en")} | ${r.clustering} | ${r.ari.toFixed(3)} | ${peak.toFixed(2)} |`);
  }
  const [a, b] = records.slice(-2);
  const growth = a && b && a !== b ? b.cells / a.cells : undefined;
  const cols = (f: (r: SizeRecord) => string) => records.map(f).join(" | ");
  const growthHead = growth ? ` ${label(a!.cells)}→${label(b!.cells)} wall ÷ linear (${growth}×) | CPU ÷ linear |` : "";
  console.log(`\n| phase | ${cols((r) => `${label(r.cells)}: wall s`)} | ${cols((r) => `${label(r.cells)}: CPU s`)} | ${cols((r) => `${label(r.cells)}: peak GiB`)} |${growthHead}`);
  console.log(`|---|${"---|".repeat(3 * records.length)}${growth ? "---|---|" : ""}`);
  let fail = false;
  for (const p of PHASES) {
    let g = "";
    if (growth) {
      const wall = b!.phases[p].seconds / a!.phases[p].seconds / growth;
      const cpu = b!.phases[p].cpuSeconds / a!.phases[p].cpuSeconds / growth;
      // CPU time is the bound's measure: wall time on a shared 2-core machine also counts other people's work.
      if (cpu > LINEAR_BOUND) fail = true;
      g = ` ${wall.toFixed(2)}× | ${cpu.toFixed(2)}× |`;
    }
    const ph = (r: SizeRecord) => r.phases[p];
    console.log(`| ${p} | ${cols((r) => ph(r).seconds.toFixed(1))} | ${cols((r) => ph(r).cpuSeconds.toFixed(1))} | ${cols((r) => ph(r).peakGiB.toFixed(2))} |${g}`);
  }
  const last = records.at(-1);
  if (last) {
    const peak = Math.max(...PHASES.map((p) => last.phases[p].processPeakGiB));
    const ok = peak < MEMORY_BOUND_GIB;
    if (!ok) fail = true;
    console.log(`\nLargest size: peak RSS ${peak.toFixed(2)} GiB (bound ${MEMORY_BOUND_GIB} GiB: ${ok ? "ok" : "EXCEEDED"}); growth bound ${LINEAR_BOUND}× linear in CPU time: ${growth ? (fail ? "EXCEEDED somewhere" : "ok") : "n/a"}.`);
  }
  if (records.length < sizes.length || fail) process.exitCode = 1;
}
