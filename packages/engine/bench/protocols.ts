/**
 * bench:quality's two protocols for scfnccl, seurat, kmeans and consensus: "K from labels" (k = the
 * number of label types, as papers report) and "K estimated" (k from `estimateK`, as a lab without
 * labels gets). One run = one dataset × seed × method × protocol, each in its own process.
 *
 * scFNCCL trainings are the slow part; with `--cache DIR` each one (dataset, seed, k, epochs) is kept
 * as DIR/<dataset>-s<seed>-k<k>-e<epochs>/clusters.csv (the CLI's format: `pnpm scfnccl train … --out`
 * writes the same file) and reused by the scfnccl row and by the consensus's scFNCCL base, which are
 * the same training: the seed fixes every bit.
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Dataset } from "../src/io/types.ts";
import { datasetSlug } from "./args.ts";
import { encodeKnownLabels } from "../src/metrics/encodeLabels.ts";
import { evaluateLabelled } from "../src/metrics/evaluate.ts";
import { cluster, CLUSTER_METHODS } from "../src/methods/cluster.ts";
import { averageLinkageCut, selectByAnmi, type BasePartition } from "../src/tl/coassociation.ts";
import { consensusCluster, CONSENSUS_DEFAULTS, distinctTuples, fillUnclustered, type ConsensusCut, type TrainedBase } from "../src/methods/consensus.ts";
import type { KCandidate } from "../src/tl/kSelection.ts";
import { estimateDatasetK } from "../src/tl/pcGraph.ts";

export const PROTOCOL_METHODS = ["scfnccl", "seurat", "kmeans", "consensus"] as const;
export type ProtocolMethod = (typeof PROTOCOL_METHODS)[number];
export type Protocol = "labels" | "auto";

export interface ProtocolRecord {
  dataset: string;
  seed: number;
  method: ProtocolMethod;
  protocol: Protocol;
  /** Number of label types (scoring only). */
  trueK: number;
  /** k used: trueK under "labels", the estimate under "auto". */
  k: number;
  /** Clusters found (graph methods may miss k by one when the resolution cannot land on it). */
  found: number;
  acc: number;
  nmi: number;
  ari: number;
  seconds: number;
  /** scFNCCL epochs (scfnccl row and the consensus's base). */
  epochs?: number;
  /** scFNCCL training reused from the cache. */
  cached?: boolean;
  candidates?: KCandidate[];
  /** Consensus: each base's ARI against the labels (scoring only) and agreement with the consensus. */
  bases?: { name: string; agreement: number; ari?: number; anmi?: number }[];
  /** Consensus: the base the ANMI choice took (cut "anmi"). */
  chosen?: string;
  /**
   * Consensus: ARI of other ways to combine the same bases (labels score only), so one run compares
   * the combiners without retraining: each cut, and average linkage with each base weighted by its ANMI.
   */
  variants?: Record<string, number>;
}

/** One scFNCCL training at k clusters, from the cache when it holds it. */
async function scfncclTraining(data: Dataset, dataset: string, seed: number, k: number, epochs: number, cache: string | undefined): Promise<TrainedBase & { cached: boolean }> {
  const dir = cache ? join(cache, `${datasetSlug(dataset)}-s${seed}-k${k}-e${epochs}`) : undefined;
  if (dir && existsSync(join(dir, "clusters.csv"))) {
    const index = new Map(data.cells.map((c, i) => [c, i]));
    const rows = readFileSync(join(dir, "clusters.csv"), "utf8").trim().split("\n").slice(1);
    const cells = Int32Array.from(rows, (r) => index.get(r.slice(0, r.indexOf(",")))!);
    const clusters = Int32Array.from(rows, (r) => Number(r.split(",")[1]));
    const embedding = existsSync(join(dir, "embedding.f32")) ? readEmbedding(join(dir, "embedding.f32"), cells.length) : undefined;
    return { cells, clusters, embedding, description: `scfnccl, ${epochs} epochs (cached)`, cached: true };
  }
  const out = await CLUSTER_METHODS.scfnccl.run(data, { k, seed, emptyCells: "error", settings: { epochs } });
  if (dir) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "clusters.csv"), `cell,cluster\n${Array.from(out.cells, (c, i) => `${data.cells[c]},${out.clusters[i]}`).join("\n")}\n`);
    // The embedding too (raw float32, row-major, one row per line of clusters.csv), so combiners that read it cost no training.
    if (out.embedding) await writeFile(join(dir, "embedding.f32"), new Uint8Array(out.embedding.values.buffer, out.embedding.values.byteOffset, out.embedding.values.byteLength));
  }
  return { cells: out.cells, clusters: out.clusters, embedding: out.embedding, description: `scfnccl, ${epochs} epochs`, cached: false };
}

function readEmbedding(path: string, rows: number): { values: Float32Array; dim: number } {
  const bytes = readFileSync(path);
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { values, dim: values.length / rows };
}

export async function protocolRun(
  data: Dataset,
  dataset: string,
  seed: number,
  method: ProtocolMethod,
  protocol: Protocol,
  options: { epochs?: number; cache?: string; cut?: ConsensusCut },
): Promise<ProtocolRecord> {
  // Cells without a label ("", as pbmc3k has) count neither in K nor in any score, as in the engine's own scores.
  const labels = encodeKnownLabels(data.labels!);
  const trueK = labels.classes.length;
  const started = performance.now();
  // A partition's cells of -1 (a base's own filters left them out) are not scored either.
  const scoreOf = (cells: Int32Array, clusters: Int32Array) => {
    const kept = Array.from(clusters.keys()).filter((i) => clusters[i]! >= 0);
    return evaluateLabelled(Int32Array.from(kept, (i) => labels.codes[cells[i]!]!), Int32Array.from(kept, (i) => clusters[i]!));
  };
  // Labels are read above for scoring only: "auto" estimates k from the cells, as a lab without labels would.
  const selection = protocol === "auto" && method !== "consensus" ? estimateDatasetK(data, { seed }) : undefined;
  const k = protocol === "labels" ? trueK : selection?.k;
  if (method === "scfnccl") {
    const epochs = options.epochs ?? 200;
    const t = await scfncclTraining(data, dataset, seed, k!, epochs, options.cache);
    const s = scoreOf(t.cells, t.clusters);
    return { dataset, seed, method, protocol, trueK, k: k!, found: new Set(t.clusters).size, ...s, seconds: (performance.now() - started) / 1000, epochs, cached: t.cached, candidates: selection?.candidates };
  }
  if (method === "consensus") {
    const epochs = options.epochs ?? CONSENSUS_DEFAULTS.deepEpochs;
    let cached = false;
    const r = await consensusCluster(data, {
      k: protocol === "labels" ? trueK : "auto",
      seed,
      cut: options.cut,
      trainBase: async (kk) => {
        const t = await scfncclTraining(data, dataset, seed, kk, epochs, options.cache);
        cached = t.cached;
        return t;
      },
    });
    const s = scoreOf(r.cells, r.clusters);
    const parts: BasePartition[] = r.bases.map((b) => ({ name: b.name, labels: b.labels }));
    const { index, scores } = selectByAnmi(parts, parts);
    const kk = Math.min(r.kSelection?.k ?? trueK, distinctTuples(r.members));
    // The other cuts of the same members (labels score only), so one run compares them without retraining.
    const variants = {
      anmi: scoreOf(r.cells, fillUnclustered(parts, index)).ari,
      average: scoreOf(r.cells, averageLinkageCut(r.members, kk).labels).ari,
    };
    return {
      dataset,
      seed,
      method,
      protocol,
      trueK,
      k: r.kSelection?.k ?? trueK,
      found: r.k,
      ...s,
      seconds: (performance.now() - started) / 1000,
      epochs,
      cached,
      candidates: r.kSelection?.candidates,
      chosen: r.chosen?.name,
      variants,
      bases: r.bases.map((b, i) => ({
        name: b.name,
        agreement: b.agreement,
        anmi: scores[i],
        ari: scoreOf(r.cells, b.labels).ari,
      })),
    };
  }
  const r = await cluster(data, { method, k: k!, seed });
  return { dataset, seed, method, protocol, trueK, k: k!, found: r.k, ...r.scores!, seconds: (performance.now() - started) / 1000, candidates: selection?.candidates };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The two protocols side by side: mean ARI (± sd) over seeds, the estimated k of each seed beside the true one. */
export function protocolTable(records: ProtocolRecord[]): string {
  const rows = [
    "| dataset | true K | method | ARI, K from labels | ARI, K estimated | estimated K (per seed) | Δ (estimated − labels) | seeds |",
    "|---|---|---|---|---|---|---|---|",
  ];
  const datasets = [...new Set(records.map((r) => r.dataset))];
  const averages = new Map<string, { labels: number[]; auto: number[] }>();
  for (const dataset of datasets) {
    for (const method of PROTOCOL_METHODS) {
      const rs = records.filter((r) => r.dataset === dataset && r.method === method);
      if (rs.length === 0) continue;
      const lab = rs.filter((r) => r.protocol === "labels").sort((a, b) => a.seed - b.seed);
      const auto = rs.filter((r) => r.protocol === "auto").sort((a, b) => a.seed - b.seed);
      const fmt = (xs: ProtocolRecord[]) => {
        if (xs.length === 0) return "—";
        const m = mean(xs.map((x) => x.ari));
        const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x.ari - m) ** 2, 0) / (xs.length - 1)) : 0;
        return `${m.toFixed(3)} ± ${sd.toFixed(3)}`;
      };
      const delta = lab.length && auto.length ? (mean(auto.map((x) => x.ari)) - mean(lab.map((x) => x.ari))).toFixed(3) : "—";
      const a = averages.get(method) ?? { labels: [], auto: [] };
      if (lab.length) a.labels.push(mean(lab.map((x) => x.ari)));
      if (auto.length) a.auto.push(mean(auto.map((x) => x.ari)));
      averages.set(method, a);
      const epochs = rs.find((r) => r.epochs !== undefined)?.epochs;
      rows.push(
        `| ${dataset.replace(/\.h5$/, "")} | ${rs[0]!.trueK} | ${method}${epochs ? ` (${epochs} ep.)` : ""} | ${fmt(lab)} | ${fmt(auto)} | ${auto.map((x) => x.k).join(", ") || "—"} | ${delta} | ${[...new Set(rs.map((r) => r.seed))].join(",")} |`,
      );
    }
  }
  rows.push("", "| method | mean over datasets, K from labels | K estimated | datasets |", "|---|---|---|---|");
  for (const [method, a] of averages) {
    rows.push(`| ${method} | ${a.labels.length ? mean(a.labels).toFixed(3) : "—"} | ${a.auto.length ? mean(a.auto).toFixed(3) : "—"} | ${a.labels.length}/${a.auto.length} |`);
  }
  return rows.join("\n");
}
