/**
 * pnpm bench:quality — scFNCCL with its defaults on four labelled datasets × 3 seeds.
 * Prints one markdown table (label-free ACC/NMI/ARI mean ± sd, s/epoch, backend) beside the
 * reference program's figures measured on this machine kind, and saves the raw results as JSON.
 *
 * Usage: see USAGE below (`--help` prints it).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initBackend, type BackendName } from "../src/backend.ts";
import { READOUTS, runScfnccl, type Readout, type ScfncclOptions } from "../src/methods/scfnccl.ts";
import { childRun, runInChild } from "./child.ts";
import { parseMethodSettings } from "../src/methods/cluster.ts";
import { benchArgs, datasetFiles, readLabelledDataset, usageError } from "./args.ts";
import { REFERENCE_FIGURES } from "./reference.ts";
import { sharedData } from "../src/test-support/sharedData.ts";
import type { ConsensusCut } from "../src/methods/consensus.ts";
import { PROTOCOL_METHODS, protocolRun, protocolTable, type Protocol, type ProtocolMethod, type ProtocolRecord } from "./protocols.ts";

const here = dirname(fileURLToPath(import.meta.url));
const DATA = sharedData();

interface RunRecord {
  dataset: string;
  seed: number;
  acc: number;
  nmi: number;
  ari: number;
  headAri: number;
  /** ARI of every clustering of every representation (one of them is `ari`). */
  ariBy: Record<Readout, number>;
  secondsPerEpoch: number;
  epochs: number;
  backend: string;
  k: number;
}

const USAGE = `usage:
  pnpm bench:quality [--seeds 0,1,2] [--datasets a,b] [--backend wasm] [--out FILE]
                     [--jobs N]   (N runs at once, one process each: use one per core)
                     (a dataset is a file in the shared data folder, or COUNTS@LABELS[#COLUMN] for labels in a file of their own)
                     [--methods scfnccl,seurat,kmeans,consensus] [--protocols labels,auto]
                     [--epochs N]   (scFNCCL's epochs: the scfnccl rows' and the consensus's base; defaults 200 and 40)
                     [--cache DIR]  (keep each scFNCCL training's clusters there and reuse them)
                     [--cut anmi|average|leiden]   (the consensus's cut; default its own)
  pnpm bench:quality --readouts [--seeds …] [--datasets …] [--epochs N] [--set name=value ...]
                     scFNCCL alone with every readout of each training beside the reference program's figures
                     (--set: any scFNCCL option, e.g. --set temperature=0.2 --set embedding=h)`;

const { values } = benchArgs(USAGE, {
  options: {
    seeds: { type: "string", default: "0,1,2" },
    datasets: { type: "string", default: Object.keys(REFERENCE_FIGURES).join(",") },
    epochs: { type: "string" },
    backend: { type: "string" },
    out: { type: "string", default: join(here, "../../../bench-results/quality.json") },
    jobs: { type: "string", default: "1" },
    "one-run": { type: "string" },
    set: { type: "string", multiple: true, default: [] },
    readouts: { type: "boolean", default: false },
    methods: { type: "string", default: PROTOCOL_METHODS.join(",") },
    protocols: { type: "string", default: "labels,auto" },
    cache: { type: "string" },
    cut: { type: "string" },
    "one-protocol-run": { type: "string" },
  },
});

async function oneRun(dataset: string, seed: number): Promise<RunRecord> {
  const backend = await initBackend(values.backend as BackendName | undefined);
  const data = await readLabelledDataset(DATA, dataset);
  const overrides = parseMethodSettings("scfnccl", values.set) as Partial<ScfncclOptions>;
  const r = await runScfnccl(data, { ...overrides, scoreEveryReadout: true, seed, epochs: values.epochs ? Number(values.epochs) : undefined });
  return {
    dataset,
    seed,
    acc: r.scores!.acc,
    nmi: r.scores!.nmi,
    ari: r.scores!.ari,
    headAri: r.headScores!.ari,
    ariBy: Object.fromEntries(Object.entries(r.scoresByReadout!).map(([name, s]) => [name, s.ari])) as Record<Readout, number>,
    secondsPerEpoch: r.secondsPerEpoch,
    epochs: r.history.length,
    backend: `${backend.name}`,
    k: r.k,
  };
}

/** Each run in its own process, so `--jobs 2` uses both cores of a single-threaded backend. */
function runOne(dataset: string, seed: number): Promise<RunRecord> {
  const args = ["--one-run", `${dataset}:${seed}`];
  if (values.epochs) args.push("--epochs", values.epochs);
  if (values.backend) args.push("--backend", values.backend);
  for (const s of values.set) args.push("--set", s);
  return runInChild<RunRecord>(fileURLToPath(import.meta.url), args, `run ${dataset} seed ${seed}`);
}

const meanSd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
  return { m, text: `${m.toFixed(3)} ± ${sd.toFixed(3)}` };
};
const triple = (v: number[]) => v.map((x) => x.toFixed(3)).join("/");

function table(records: RunRecord[]): string {
  const rows = [
    "| dataset | k | ours ACC (label-free) | ours NMI | ours ARI | ARI k-means h / z, graph h / z | ours head-argmax ARI | s/epoch | backend | ref. last epoch ACC/NMI/ARI | ref. labels pick epoch | ref. s/epoch | Seurat res 0.8 | Seurat res→k | ARI ≥ ref last? | ARI ≥ best of ref-picked & both Seurat? |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const dataset of [...new Set(records.map((r) => r.dataset))]) {
    const rs = records.filter((r) => r.dataset === dataset);
    const ref = REFERENCE_FIGURES[dataset]!;
    const ari = meanSd(rs.map((r) => r.ari));
    // "R Seurat's" read as either Seurat column, whichever is higher (worm: res 0.8, 0.398 against 0.217).
    const bar = Math.max(ref.labelPicked[2]!, ref.seurat08[2]!, ref.seuratK[2]!);
    rows.push(
      `| ${dataset.replace(/\.h5$/, "")} | ${rs[0]!.k} | ${meanSd(rs.map((r) => r.acc)).text} | ${meanSd(rs.map((r) => r.nmi)).text} | ${ari.text} | ` +
        `${READOUTS.map((name) => meanSd(rs.map((r) => r.ariBy[name])).m.toFixed(3)).join(" / ")} | ` +
        `${meanSd(rs.map((r) => r.headAri)).text} | ${meanSd(rs.map((r) => r.secondsPerEpoch)).m.toFixed(2)} | ${rs[0]!.backend} | ` +
        `${triple(ref.lastEpoch)} | ${triple(ref.labelPicked)} | ${ref.seconds.toFixed(2)} | ${triple(ref.seurat08)} | ${triple(ref.seuratK)} | ` +
        `${ari.m >= ref.lastEpoch[2]! ? "yes" : "no"} | ${ari.m >= bar ? "yes" : "no"} (${bar.toFixed(3)}) |`,
    );
  }
  return rows.join("\n");
}

/** The protocols table: every method × dataset × seed × protocol, each run in its own process. */
async function protocols(): Promise<void> {
  const methods = values.methods.split(",") as ProtocolMethod[];
  const bad = methods.find((m) => !PROTOCOL_METHODS.includes(m));
  if (bad !== undefined) usageError(USAGE, `--methods: unknown method '${bad}' (one of ${PROTOCOL_METHODS.join(", ")})`);
  const protocolNames = values.protocols.split(",") as Protocol[];
  const badProtocol = protocolNames.find((p) => p !== "labels" && p !== "auto");
  if (badProtocol !== undefined) usageError(USAGE, `--protocols: unknown protocol '${badProtocol}' (labels, auto)`);
  const seeds = values.seeds.split(",").map(Number);
  const datasets = datasetFiles(USAGE, DATA, values.datasets);
  // Seed by seed, cheap methods first: an interrupted benchmark has covered every dataset before it repeats one.
  const queue = seeds.flatMap((seed) => datasets.flatMap((dataset) => methods.flatMap((method) => protocolNames.map((protocol) => ({ dataset, seed, method, protocol })))));
  const records: ProtocolRecord[] = [];
  const started = performance.now();
  const save = async () => {
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify({ date: new Date().toISOString(), minutes: (performance.now() - started) / 60000, records }, null, 2)}\n`);
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Number(values.jobs)) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const args = ["--one-protocol-run", `${next.dataset}:${next.seed}:${next.method}:${next.protocol}`];
        if (values.epochs) args.push("--epochs", values.epochs);
        if (values.backend) args.push("--backend", values.backend);
        if (values.cache) args.push("--cache", values.cache);
        if (values.cut) args.push("--cut", values.cut);
        const r = await runInChild<ProtocolRecord>(fileURLToPath(import.meta.url), args, `run ${next.dataset} seed ${next.seed} ${next.method} ${next.protocol}`);
        records.push(r);
        await save();
        process.stderr.write(
          `${r.dataset} seed ${r.seed} ${r.method} ${r.protocol === "labels" ? "K from labels" : "K estimated"}: k ${r.k} (true ${r.trueK}, found ${r.found}) ARI ${r.ari.toFixed(3)}` +
            (r.bases ? ` [${r.bases.map((b) => `${b.name} ${b.ari?.toFixed(3)}`).join(", ")}]` : "") +
            (r.chosen ? ` chose ${r.chosen}` : "") +
            (r.variants ? ` {${Object.entries(r.variants).map(([name, v]) => `${name} ${v.toFixed(3)}`).join(", ")}}` : "") +
            ` ${r.seconds.toFixed(0)} s${r.cached ? " (cached training)" : ""}\n`,
        );
      }
    }),
  );
  await save();
  console.log(protocolTable(records));
  console.log(`\nraw results: ${values.out}`);
}

if (values["one-protocol-run"]) {
  const [dataset, seed, method, protocol] = values["one-protocol-run"].split(":");
  await initBackend(values.backend as BackendName | undefined);
  await childRun(async () =>
    protocolRun(await readLabelledDataset(DATA, dataset!), dataset!, Number(seed), method as ProtocolMethod, protocol as Protocol, {
      epochs: values.epochs ? Number(values.epochs) : undefined,
      cache: values.cache,
      cut: values.cut as ConsensusCut | undefined,
    }),
  );
} else if (values["one-run"]) {
  const [dataset, seed] = values["one-run"].split(":");
  await childRun(() => oneRun(dataset!, Number(seed)));
} else if (!values.readouts) {
  await protocols();
} else {
  const seeds = values.seeds.split(",").map(Number);
  const datasets = datasetFiles(USAGE, DATA, values.datasets);
  const queue = datasets.flatMap((dataset) => seeds.map((seed) => ({ dataset, seed })));
  const records: RunRecord[] = [];
  const jobs = Math.max(1, Number(values.jobs));
  const started = performance.now();
  const save = async (rs: RunRecord[]) => {
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, `${JSON.stringify({ date: new Date().toISOString(), minutes: (performance.now() - started) / 60000, records: rs }, null, 2)}\n`);
  };
  await Promise.all(
    Array.from({ length: jobs }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const r = await runOne(next.dataset, next.seed);
        records.push(r);
        // Saved after every run, so an interrupted benchmark keeps what it measured.
        await save(records);
        process.stderr.write(`${r.dataset} seed ${r.seed}: ACC ${r.acc.toFixed(3)} NMI ${r.nmi.toFixed(3)} ARI ${r.ari.toFixed(3)} (${READOUTS.map((name) => `${name} ${r.ariBy[name].toFixed(3)}`).join(", ")}) (${r.secondsPerEpoch.toFixed(2)} s/epoch)\n`);
      }
    }),
  );
  records.sort((a, b) => datasets.indexOf(a.dataset) - datasets.indexOf(b.dataset) || a.seed - b.seed);
  await save(records);
  if (values.set.length) console.log(`settings: ${values.set.join(" ")}\n`);
  console.log(table(records));
  console.log(`\nraw results: ${values.out}`);
}

