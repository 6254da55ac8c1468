/**
 * pnpm bench:methods — every registered clustering method (tl.cluster) × the four benchmark datasets of
 * bench:quality × seeds. Prints one markdown table (label-free ACC/NMI/ARI mean ± sd, wall time) with
 * R Seurat 4.3's figures on the same files and the seed paper's 10X PBMC figures beside ours, and saves
 * the raw results as JSON. Graph methods run twice: at the resolution searched for the true number of
 * types, and at resolution 0.8 (Seurat's default); every other method gets k = the true number of types.
 *
 * Usage: see USAGE below (`--help` prints it).
 *
 * Runs go seed by seed (every dataset and method at seed 0 first), so an interrupted benchmark has
 * covered every dataset before it repeats one.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initBackend, type BackendName } from "../src/backend.ts";
import { encodeKnownLabels } from "../src/metrics/encodeLabels.ts";
import { cluster, CLUSTER_METHOD_NAMES, CLUSTER_METHODS, type ClusterMethodName } from "../src/methods/cluster.ts";
import { childRun, runInChild } from "./child.ts";
import { parseSettingPairs, type MethodSettings } from "../src/methods/settings.ts";
import { benchArgs, datasetFiles, readLabelledDataset } from "./args.ts";
import { REFERENCE_FIGURES } from "./reference.ts";
import { sharedData } from "../src/test-support/sharedData.ts";

const here = dirname(fileURLToPath(import.meta.url));
const DATA = sharedData();

/** The seed paper's README table for 10X PBMC (10 runs, ACC/NMI/ARI, checkpoints picked with labels). */
const PAPER_PBMC: Record<string, number[]> = {
  scfnccl: [0.8345, 0.7868, 0.7822],
  seurat: [0.7717, 0.7496, 0.7242],
  scdcca: [0.7956, 0.7322, 0.7455],
  sccl: [0.8327, 0.7864, 0.782],
  jojoscl: [0.8326, 0.7856, 0.7819],
};

type Variant = "k" | "res0.8";

interface RunRecord {
  dataset: string;
  method: ClusterMethodName;
  variant: Variant;
  seed: number;
  acc: number;
  nmi: number;
  ari: number;
  k: number;
  resolution: number | null;
  seconds: number;
  /** Neural methods: epochs trained and mean seconds per epoch. */
  epochs?: number;
  secondsPerEpoch?: number;
  /** The `--set` overrides the run used. */
  settings?: Record<string, number | string>;
}

const USAGE = `usage:
  pnpm bench:methods [--methods seurat,kmeans] [--seeds 0,1,2] [--datasets a,b] [--jobs N]
                     [--epochs N] [--backend wasm] [--out FILE]
                     (a dataset is a file in the shared data folder, or COUNTS@LABELS[#COLUMN] for labels in a file of their own)
                     [--set name=value ...]   (passed to the neural methods, e.g. --set temperature=0.2 --set embedding=h)
                     [--scfnccl-from FILE]    (scFNCCL's runs from a bench:quality JSON, for the scFNCCL vs ScCCL line)
  pnpm bench:methods --from FILE[,FILE…] [--scfnccl-from FILE]   (prints the table of saved runs again)`;

const { values } = benchArgs(USAGE, {
  options: {
    methods: { type: "string", default: CLUSTER_METHOD_NAMES.join(",") },
    seeds: { type: "string", default: "0,1,2" },
    datasets: { type: "string", default: Object.keys(REFERENCE_FIGURES).join(",") },
    epochs: { type: "string" },
    backend: { type: "string" },
    out: { type: "string", default: join(here, "../../../bench-results/methods.json") },
    jobs: { type: "string", default: "1" },
    "one-run": { type: "string" },
    from: { type: "string" },
    set: { type: "string", multiple: true, default: [] },
    "scfnccl-from": { type: "string" },
  },
});

/** The `--set` settings a method has (one flag reaches every method with that setting; the rest ignore it). */
function settingsFor(method: ClusterMethodName): Record<string, number | string> {
  const accepted = CLUSTER_METHODS[method].settings as MethodSettings;
  const settings = Object.fromEntries(Object.entries(parseSettingPairs(values.set)).filter(([name]) => name in accepted));
  if (values.epochs && "epochs" in accepted) settings.epochs = Number(values.epochs);
  return settings;
}

async function oneRun(dataset: string, method: ClusterMethodName, variant: Variant, seed: number): Promise<RunRecord> {
  await initBackend(values.backend as BackendName | undefined);
  const data = await readLabelledDataset(DATA, dataset);
  const nTypes = encodeKnownLabels(data.labels!).classes.length;
  const settings = settingsFor(method);
  const r = await cluster(data, {
    method,
    seed,
    ...(variant === "k" ? { k: nTypes } : { resolution: 0.8 }),
    settings,
    // A line every 20 epochs, so a long run in a log shows where it is.
    onProgress: (p) => {
      const e = p.epoch;
      if (e && (e.epoch === 1 || e.epoch % 20 === 0)) {
        process.stderr.write(`  ${dataset} ${method} seed ${seed}: epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(4)} (${e.seconds.toFixed(1)} s)\n`);
      }
    },
  });
  const d = r.details ?? {};
  return {
    dataset,
    method,
    variant,
    seed,
    ...r.scores!,
    k: r.k,
    resolution: r.resolution ?? null,
    seconds: r.seconds,
    ...(typeof d.epochs === "number" ? { epochs: d.epochs, secondsPerEpoch: d.secondsPerEpoch as number } : {}),
    ...(Object.keys(settings).length ? { settings } : {}),
  };
}

/** Each run in its own process, so `--jobs 2` uses both cores. */
function runOne(spec: string): Promise<RunRecord> {
  const args = ["--one-run", spec];
  if (values.epochs) args.push("--epochs", values.epochs);
  if (values.backend) args.push("--backend", values.backend);
  for (const s of values.set) args.push("--set", s);
  return runInChild<RunRecord>(fileURLToPath(import.meta.url), args, `run ${spec}`);
}

/** scFNCCL's runs from a bench:quality JSON (the lead's benchmark of the same settings), as method records. */
function scfncclFromQuality(file: string): RunRecord[] {
  const saved = JSON.parse(readFileSync(file, "utf8")) as {
    records: { dataset: string; seed: number; acc: number; nmi: number; ari: number; k: number; epochs: number; secondsPerEpoch: number }[];
  };
  return saved.records.map((r) => ({
    dataset: r.dataset,
    method: "scfnccl",
    variant: "k",
    seed: r.seed,
    acc: r.acc,
    nmi: r.nmi,
    ari: r.ari,
    k: r.k,
    resolution: null,
    seconds: r.secondsPerEpoch * r.epochs,
    epochs: r.epochs,
    secondsPerEpoch: r.secondsPerEpoch,
  }));
}

const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { m, text: `${m.toFixed(3)} ± ${sd.toFixed(3)}` };
};
const triple = (v: number[] | undefined) => (v ? v.map((x) => x.toFixed(3)).join("/") : "—");

function table(records: RunRecord[], datasets: string[]): string {
  const rows = [
    "| dataset | method | k | ACC | NMI | ARI | wall s | R Seurat 4.3 ACC/NMI/ARI (res → k; res 0.8 rows: at 0.8) | ARI − R Seurat | paper, 10X PBMC |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const dataset of datasets) {
    const groups = new Map<string, RunRecord[]>();
    for (const r of records.filter((x) => x.dataset === dataset)) {
      const key = `${r.method}|${r.variant}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const rs of groups.values()) {
      const { method, variant } = rs[0]!;
      const graph = CLUSTER_METHODS[method].usesResolution;
      const name = graph ? `${method} (${variant === "k" ? "res → k" : "res 0.8"})` : method;
      const ks = [...new Set(rs.map((r) => r.k))].join(",");
      const ari = meanSd(rs.map((r) => r.ari));
      const ref = graph ? REFERENCE_FIGURES[dataset]?.[variant === "k" ? "seuratK" : "seurat08"] : REFERENCE_FIGURES[dataset]?.seuratK;
      const delta = ref ? `${ari.m - ref[2]! >= 0 ? "+" : ""}${(ari.m - ref[2]!).toFixed(3)}` : "—";
      const paper = dataset.startsWith("10X_PBMC") ? triple(PAPER_PBMC[method]) : "—";
      rows.push(
        `| ${dataset.replace(/\.h5$/, "")} | ${name} | ${ks} | ${meanSd(rs.map((r) => r.acc)).text} | ${meanSd(rs.map((r) => r.nmi)).text} | ` +
          `${ari.text} | ${meanSd(rs.map((r) => r.seconds)).m.toFixed(1)} | ${triple(ref)} | ${delta} | ${paper} |`,
      );
    }
  }
  return rows.join("\n");
}

/** The question: does scFNCCL beat ScCCL on label-free mean ARI, dataset by dataset? */
function scfncclVsSccl(records: RunRecord[], datasets: string[]): string | null {
  const runs = (d: string, m: string) => records.filter((r) => r.dataset === d && r.method === m);
  let ahead = 0;
  let compared = 0;
  const lines = datasets.flatMap((d) => {
    // Like for like: only the seeds both methods ran (a cut-short benchmark may have fewer of one).
    const seedsA = new Set(runs(d, "scfnccl").map((r) => r.seed));
    const common = runs(d, "sccl").filter((r) => seedsA.has(r.seed)).map((r) => r.seed);
    if (!common.length) return [];
    const a = runs(d, "scfnccl").filter((r) => common.includes(r.seed));
    const b = runs(d, "sccl").filter((r) => common.includes(r.seed));
    const ma = meanSd(a.map((r) => r.ari)).m;
    const mb = meanSd(b.map((r) => r.ari)).m;
    compared++;
    if (ma > mb) ahead++;
    return [
      `${d.replace(/\.h5$/, "")} (seeds ${common.sort().join(",")}): scfnccl ${ma.toFixed(3)} vs sccl ${mb.toFixed(3)} → ` +
        `${ma > mb ? "scfnccl" : "sccl"} ahead by ${Math.abs(ma - mb).toFixed(3)}`,
    ];
  });
  return lines.length ? `scFNCCL vs ScCCL, label-free mean ARI:\n${lines.join("\n")}\nscfnccl ahead on ${ahead} of ${compared} datasets` : null;
}

/** Records of this run plus, when asked, scFNCCL's from a bench:quality file (replacing any scfnccl runs here). */
function withQuality(records: RunRecord[]): RunRecord[] {
  const file = values["scfnccl-from"];
  return file ? [...records.filter((r) => r.method !== "scfnccl"), ...scfncclFromQuality(file)] : records;
}

if (values.from) {
  // Several saved runs (comma-separated) make one table, e.g. methods benchmarked separately.
  const saved = values.from.split(",").flatMap((f) => (JSON.parse(readFileSync(f, "utf8")) as { records: RunRecord[] }).records);
  const records = withQuality(saved);
  const datasets = [...new Set(records.map((r) => r.dataset))];
  const settings = [...new Set(saved.filter((r) => r.settings).map((r) => `${r.method}: ${JSON.stringify(r.settings)}`))];
  if (settings.length) console.log(`neural-method settings: ${settings.join("; ")}\n`);
  console.log(table(records, datasets));
  const versus = scfncclVsSccl(records, datasets);
  if (versus) console.log(`\n${versus}`);
} else if (values["one-run"]) {
  const [dataset, method, variant, seed] = values["one-run"].split(":");
  await childRun(() => oneRun(dataset!, method as ClusterMethodName, variant as Variant, Number(seed)));
} else {
  const methods = values.methods.split(",") as ClusterMethodName[];
  const unknown = methods.filter((m) => !CLUSTER_METHOD_NAMES.includes(m));
  if (unknown.length) throw new Error(`unknown method(s) ${unknown.join(", ")}; registered: ${CLUSTER_METHOD_NAMES.join(", ")}`);
  const seeds = values.seeds.split(",").map(Number);
  const datasets = datasetFiles(USAGE, DATA, values.datasets);
  const queue = seeds.flatMap((seed) =>
    datasets.flatMap((dataset) =>
      methods.flatMap((method) =>
        (CLUSTER_METHODS[method].usesResolution ? (["k", "res0.8"] as const) : (["k"] as const)).map(
          (variant) => `${dataset}:${method}:${variant}:${seed}`,
        ),
      ),
    ),
  );
  const records: RunRecord[] = [];
  const started = performance.now();
  const save = async (rs: RunRecord[]) => {
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify({ date: new Date().toISOString(), minutes: (performance.now() - started) / 60000, records: rs }, null, 2)}\n`);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Number(values.jobs)) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const r = await runOne(next);
        records.push(r);
        // Saved after every run, so an interrupted benchmark keeps what it measured.
        await save(records);
        process.stderr.write(
          `${r.dataset} ${r.method} ${r.variant} seed ${r.seed}: k ${r.k} ACC ${r.acc.toFixed(3)} NMI ${r.nmi.toFixed(3)} ARI ${r.ari.toFixed(3)} (${r.seconds.toFixed(1)} s)\n`,
        );
      }
    }),
  );
  records.sort(
    (a, b) =>
      datasets.indexOf(a.dataset) - datasets.indexOf(b.dataset) ||
      methods.indexOf(a.method) - methods.indexOf(b.method) ||
      a.variant.localeCompare(b.variant) ||
      a.seed - b.seed,
  );
  await save(records);
  if (values.set.length) console.log(`neural-method settings: ${values.set.join(" ")}\n`);
  const all = withQuality(records);
  console.log(table(all, datasets));
  const versus = scfncclVsSccl(all, datasets);
  if (versus) console.log(`\n${versus}`);
  console.log(`\nraw results: ${values.out}`);
}
