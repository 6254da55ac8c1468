/**
 * scfnccl — command-line front of the engine.
 *
 *   scfnccl train <input> --out <dir> [--method M] [--clusters K] [--resolution R] [--epochs N] [--seed S]
 *                 [--backend tensorflow|webgpu|wasm|cpu] [--label-key KEY] [--drop-empty-cells]
 *                 [--format FORMAT] [--labels FILE] [--set name=value ...]
 *
 * <input> is any format io reads (h5ad, 10x folder or .h5, loom, CSV/TSV, X/Y HDF5), detected from
 * its content. Outputs: clusters.csv, embedding.npy, model.ckpt, metrics.json and result.h5ad.
 *
 * Exit codes: 0 done, 1 bad input or failure (one line on stderr naming the file and the
 * problem), 2 bad usage, 130 interrupted. Outputs are staged beside --out and moved in only
 * when all of them are written, so a failed run leaves nothing half-written there.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { BACKENDS, initBackend } from "../backend.ts";
import { InputError } from "../errors.ts";
import { clustersCsv } from "../io/csvOut.ts";
import { encodeNpy } from "../io/npy.ts";
import { readDataset } from "../io/readDataset.ts";
import { FORMATS } from "../io/types.ts";
import { writeResultH5ad } from "./resultH5ad.ts";
import { cluster, CLUSTER_METHOD_NAMES, CLUSTER_METHODS, describeMethods, parseMethodSettings, type ClusterMethodName, type ClusterResult, type SettingDescription } from "../methods/cluster.ts";
import type { ClusterProgress } from "../progress.ts";
import { settingProblem, type MethodSetting } from "../methods/settings.ts";
import type { KSelection } from "../tl/kSelection.ts";
import { TrainAbortedError, type EpochStats } from "../nn/train.ts";



class UsageError extends Error {}

/** Read from the registry each time, so what `--help` says is what the registry holds now. */
const usage = () => `usage: scfnccl train <input> --out <dir> [--method ${CLUSTER_METHOD_NAMES.join("|")}]
                     [--clusters K|auto] [--resolution R] [--epochs N] [--seed S]
                     [--backend ${BACKENDS.join("|")}] [--label-key KEY] [--drop-empty-cells]
                     [--format ${FORMATS.join("|")}] [--labels FILE]   a label file (cell name first) for CSV/10x input
                     [--set name=value ...]   a setting of the method, e.g. --set learningRate=0.05 --set embedding=h
--clusters, --resolution, --epochs and --seed set the settings k, resolution, epochs and seed.
methods (default scfnccl) and their settings: name [default] bounds  description
${describeMethods()
  .map((m) => `  ${m.name.padEnd(9)} ${m.description}\n${m.settings.map(settingLine).join("\n")}`)
  .join("\n")}`;

function settingLine(s: SettingDescription): string {
  const value =
    s.type === "choice"
      ? s.choices.map((c) => (c === s.default ? `*${c}` : c)).join("|")
      : `${s.default ?? "-"}] ${[s.min !== undefined ? `${s.exclusiveMin ? ">" : "≥"}${s.min}` : "", s.max !== undefined ? `≤${s.max}` : ""].filter(Boolean).join(" ")}`;
  return `      ${s.name} [${s.type === "choice" ? `${value}]` : value}  ${s.description}`;
}

let out: Streams = process;

/** The flags that set a registry setting, by flag name. */
const FLAG_SETTINGS = { clusters: "k", resolution: "resolution", epochs: "epochs", seed: "seed" } as const;

/** A flag's text as a number where it is one (the registry names what else it must be). */
const numberish = (v: string | undefined): number | string | undefined => (v === undefined ? undefined : Number.isNaN(Number(v)) || v.trim() === "" ? v : Number(v));

/** Checks a flag against the method's declared setting, naming the flag in the message. */
function checkFlag(method: string, flag: keyof typeof FLAG_SETTINGS, value: number | string | undefined): void {
  if (value === undefined || !(CLUSTER_METHOD_NAMES as string[]).includes(method)) return;
  const name = FLAG_SETTINGS[flag];
  const spec = CLUSTER_METHODS[method as ClusterMethodName].settings[name as never] as MethodSetting | undefined;
  if (!spec) throw new UsageError(`--${flag}: method ${method} has no setting ${name}`);
  const problem = settingProblem(spec, value);
  if (problem) throw new UsageError(`--${flag} must be ${problem} (got ${typeof value === "string" ? `'${value}'` : value})`);
}

const TrainArgs = z.object({
  input: z.string().min(1),
  out: z.string({ error: "--out <dir> is required" }).min(1, "--out <dir> is required"),
  method: z.enum(CLUSTER_METHOD_NAMES, { error: `--method must be one of ${CLUSTER_METHOD_NAMES.join(", ")}` }).default("scfnccl"),
  // Checked against the method's registry entry by checkFlag.
  resolution: z.number().optional(),
  clusters: z.number().optional(),
  epochs: z.number().optional(),
  seed: z.number().optional(),
  nTopGenes: z.number().optional(),
  autoK: z.boolean().default(false),
  backend: z.enum(BACKENDS, { error: `--backend must be one of ${BACKENDS.join(", ")}` }).optional(),
  labelKey: z.string().optional(),
  format: z.enum(FORMATS, { error: `--format must be one of ${FORMATS.join(", ")}` }).optional(),
  labels: z.string().min(1).optional(),
  dropEmptyCells: z.boolean().default(false),
  // Checked against the method by parseCliSettings; z.number() would refuse φ = Infinity.
  settings: z.record(z.string(), z.custom<number | string>((v) => typeof v === "number" || typeof v === "string")).default({}),
});
type TrainArgs = z.infer<typeof TrainArgs> & { seed: number };

/** `--set` pairs, checked against the chosen method's settings before any file is read. */
function parseCliSettings(pairs: string[], method: string | undefined): Record<string, number | string> {
  const name = method ?? "scfnccl";
  try {
    // An unknown method is reported by the argument check that follows.
    return (CLUSTER_METHOD_NAMES as string[]).includes(name) ? parseMethodSettings(name as ClusterMethodName, pairs) : {};
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parseTrainArgs(argv: string[]): TrainArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o" },
        method: { type: "string", short: "m" },
        resolution: { type: "string" },
        clusters: { type: "string", short: "k" },
        epochs: { type: "string" },
        seed: { type: "string" },
        backend: { type: "string" },
        "label-key": { type: "string" },
        format: { type: "string" },
        labels: { type: "string" },
        "drop-empty-cells": { type: "boolean" },
        set: { type: "string", multiple: true },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new UsageError("train takes exactly one <input> file");
  const v = parsed.values;
  const method = v.method ?? "scfnccl";
  // k, resolution, seed and nTopGenes are tl.cluster's own options; `--set` may give them too (a flag wins).
  const { k: setK, resolution: setResolution, seed: setSeed, nTopGenes, ...settings } = parseCliSettings(v.set ?? [], v.method);
  // --clusters auto: k estimated from the cells (not a number for the registry to bound).
  const autoK = v.clusters?.trim() === "auto";
  const flags = {
    clusters: autoK ? undefined : (numberish(v.clusters) ?? setK),
    resolution: numberish(v.resolution) ?? setResolution,
    epochs: numberish(v.epochs),
    seed: numberish(v.seed) ?? setSeed,
  };
  for (const flag of Object.keys(flags) as (keyof typeof flags)[]) checkFlag(method, flag, flags[flag]);
  const result = TrainArgs.safeParse({
    input: parsed.positionals[0],
    out: v.out,
    method: v.method,
    ...flags,
    backend: v.backend,
    labelKey: v["label-key"],
    format: v.format,
    labels: v.labels,
    dropEmptyCells: v["drop-empty-cells"],
    autoK,
    nTopGenes,
    settings,
  });
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join("; "));
  // The run's seed is recorded in metrics.json, so the registry's default is made explicit here.
  const seedSetting = CLUSTER_METHODS[result.data.method].settings.seed as MethodSetting;
  return { ...result.data, seed: result.data.seed ?? (seedSetting.default as number) };
}

function progressPrinter(): (s: EpochStats) => void {
  const tty = out.stderr.isTTY;
  return (s) => {
    const eta = ((s.epochs - s.epoch) * s.seconds).toFixed(0);
    const text =
      `epoch ${s.epoch}/${s.epochs}  loss ${s.loss.toFixed(4)} (instance ${s.instanceLoss.toFixed(4)}, cluster ${s.clusterLoss.toFixed(4)}, ` +
      `entropy ${s.entropy.toFixed(4)})  lr ${s.learningRate.toPrecision(3)}  dropped ${(100 * s.droppedShare).toFixed(2)}%  ` +
      `${Math.round(s.cellsPerSecond)} cells/s  eta ${eta}s`;
    if (tty) {
      const width = 24;
      const filled = Math.round((width * s.epoch) / s.epochs);
      out.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}\x1b[K`);
      if (s.epoch === s.epochs) out.stderr.write("\n");
    } else if (s.epoch === 1 || s.epoch === s.epochs || s.epoch % 10 === 0) {
      out.stderr.write(`${text}\n`);
    }
  };
}

/** Write every output into a staging folder beside `out`, then move the files in. */
async function writeOutputs(out: string, files: Record<string, string | Uint8Array | ((path: string) => Promise<void>)>): Promise<void> {
  const parent = dirname(out);
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(out)}.partial-`));
  try {
    for (const [name, content] of Object.entries(files)) {
      if (typeof content === "function") await content(join(staging, name));
      else await writeFile(join(staging, name), content);
    }
    await mkdir(out, { recursive: true });
    for (const name of Object.keys(files)) await rename(join(staging, name), join(out, name));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function train(argv: string[]): Promise<void> {
  const args = parseTrainArgs(argv);
  const outDir = resolve(args.out);
  const backend = await initBackend(args.backend);
  out.stderr.write(`backend: ${backend.name} (${backend.detail})\n`);
  const data = await readDataset(args.input, {
    ...(args.labelKey ? { labelKey: args.labelKey } : {}),
    ...(args.format ? { format: args.format } : {}),
    ...(args.labels ? { labelsFile: args.labels } : {}),
  });
  for (const warning of data.warnings ?? []) out.stderr.write(`warning: ${warning}\n`);
  out.stderr.write(
    `read ${data.source}: ${data.counts.nRows} cells × ${data.counts.nCols} genes` +
      (data.labels ? `, labels from ${data.labelKey} (${new Set(data.labels).size} types)` : ", no labels") +
      "\n",
  );
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  const printEpoch = progressPrinter();
  let lastStage = "";
  const onProgress = (p: ClusterProgress) => {
    if (p.epoch) return printEpoch(p.epoch);
    if (p.message === undefined && p.stage === lastStage) return;
    lastStage = p.stage;
    out.stderr.write(`${args.method}: ${p.stage}${p.message ? ` (${p.message})` : ""}\n`);
  };
  let r: ClusterResult;
  try {
    // Every method, scFNCCL included, through the registry's one entry point.
    r = await cluster(data, {
      method: args.method,
      k: args.autoK ? "auto" : args.clusters,
      resolution: args.resolution,
      seed: args.seed,
      nTopGenes: args.nTopGenes,
      emptyCells: args.dropEmptyCells ? "drop" : "error",
      settings: args.epochs === undefined ? args.settings : { ...args.settings, epochs: args.epochs },
      onProgress,
      signal: controller.signal,
    });
  } finally {
    process.off("SIGINT", onSigint);
  }
  if (r.kSelection) out.stderr.write(`${kSelectionText(r.kSelection)}\n`);
  const { finalWeights, clusterHead, ...details } = r.details ?? {};
  const metrics = {
    method: r.method,
    ...(r.scores ?? {}),
    k: r.k,
    resolution: r.resolution ?? null,
    seed: args.seed,
    totalSeconds: r.seconds,
    cells: r.cells.length,
    input: data.source,
    labelKey: data.labelKey ?? null,
    settings: args.settings,
    kSelection: r.kSelection ?? null,
    ...(finalWeights !== undefined ? { selection: finalWeights } : {}),
    ...(clusterHead !== undefined ? { clusterHead } : {}),
    ...details,
  };
  await writeOutputs(outDir, {
    "clusters.csv": clustersCsv(data.cells, r),
    ...(r.embedding ? { "embedding.npy": encodeNpy(r.embedding.values, [r.cells.length, r.embedding.dim]) } : {}),
    ...r.files,
    "metrics.json": `${JSON.stringify(metrics, null, 2)}\n`,
    ...(r.embedding ? { "result.h5ad": (path: string) => writeResultH5ad(path, data, r, metrics) } : {}),
  });
  const s = r.scores;
  const speed = typeof details["secondsPerEpoch"] === "number" ? `${details["secondsPerEpoch"].toFixed(2)} s/epoch on ${String(details["backend"])}` : `${r.seconds.toFixed(1)} s`;
  out.stdout.write(
    (s ? `ACC ${s.acc.toFixed(4)}  NMI ${s.nmi.toFixed(4)}  ARI ${s.ari.toFixed(4)}  ` : "") +
      `k ${r.k}  ${r.method}${r.resolution !== undefined ? ` resolution ${r.resolution.toPrecision(3)}` : ""}  ${speed}  → ${outDir}\n`,
  );
}

/** The estimated k and its evidence, as printed. */
function kSelectionText(s: KSelection): string {
  return `estimated k = ${s.k} (${s.criterion}); candidates: ${s.candidates.map((c) => `k ${c.k}: ${c.score.toFixed(3)}`).join(", ")}`;
}

/** Where the CLI writes; tests pass their own to run it in-process. */
export interface Streams {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean };
}

export async function main(argv: string[], streams: Streams = process): Promise<number> {
  out = streams;
  const [command, ...rest] = argv;
  try {
    if (command === "train") await train(rest);
    else if (command === "--help" || command === "-h" || command === "help") out.stdout.write(`${usage()}\n`);
    else throw new UsageError(command ? `unknown command '${command}'` : "missing command");
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      out.stderr.write(`error: ${err.message}\n${usage()}\n`);
      return 2;
    }
    // An AbortSignal's default reason (SIGINT during a method without epochs) is an AbortError.
    if (err instanceof TrainAbortedError || (err as Error | undefined)?.name === "AbortError") {
      out.stderr.write(`\ninterrupted: ${(err as Error).message}; nothing was written\n`);
      return 130;
    }
    const message = err instanceof InputError ? err.message : `${(err as Error).message ?? err}`;
    out.stderr.write(`error: ${message.split("\n")[0]}\n`);
    return 1;
  }
}

