/**
 * The CPU-heavy part of one attempt, which runs in the trainer process (`train-child.ts`), never on
 * the event loop of the process that serves the API or talks to the queue: read the dataset copy,
 * run the method through the engine's one entry point (`tl.cluster`), then the shared result steps
 * (UMAP, markers) and the artifact files, written to `outDir` for the parent to store.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ArtifactKind, MarkerGene, RunMetricsJson, RunPhase } from "@scfnccl/db";
import { activeBackend, io, tl } from "@scfnccl/engine";
import { displayNames, encodeRankGenes, geneTableOf, markerRows, markersCsv } from "@scfnccl/platform";
import { cellsFile, computeMarkers, computeUmap, summariseClusters, type ClusterSummary, type Clustering } from "./results.ts";

export interface ComputeInput {
  datasetPath: string;
  labelsFile?: string;
  labelKey?: string;
  geneNameColumn: string | null;
  method: string;
  params: Record<string, unknown>;
  seed: number;
  /** A checkpoint file to resume from (resumable methods). */
  resumeFromPath?: string;
  checkpointEvery: number;
  /** Where the artifact files and checkpoints are written. */
  outDir: string;
}

export interface ComputeHooks {
  onPhase(phase: RunPhase, phaseProgress?: number): void;
  onEpoch(stats: tl.EpochStats): void;
  /** Called with a checkpoint file; training waits until it is stored. */
  onCheckpoint(path: string, epoch: number): Promise<void>;
}

export interface ArtifactFile {
  kind: ArtifactKind;
  file: string;
  contentType: string;
  path: string;
}

export interface ComputeResult {
  files: ArtifactFile[];
  /** This attempt's epochs (a resumed attempt's start after the checkpoint). */
  history: tl.EpochStats[];
  metrics: RunMetricsJson;
  backend: string | null;
  secondsPerEpoch: number | null;
  clusters: (ClusterSummary & { markers: MarkerGene[] })[];
}

export async function computeRun(input: ComputeInput, hooks: ComputeHooks): Promise<ComputeResult> {
  let lastRead = 0;
  const data = await io.readDataset(input.datasetPath, {
    ...(input.labelsFile ? { labelsFile: input.labelsFile, ...(input.labelKey ? { labelKey: input.labelKey } : {}) } : {}),
    onProgress: (f) => {
      if (f - lastRead < 0.1 && f < 1) return;
      lastRead = f;
      hooks.onPhase("loading", f);
    },
  });
  const geneNames = displayNames(geneTableOf(data), input.geneNameColumn);
  const resumeFrom = input.resumeFromPath ? new Uint8Array(await readFile(input.resumeFromPath)) : undefined;
  // Checked at submission; checked again against the registry this worker runs (a bad one fails the run at once).
  const { settings, ...options } = tl.resolveRunSettings(input.method, { ...input.params, seed: input.seed });
  hooks.onPhase("preprocessing");

  // Every method through the registry's one entry point; those that checkpoint (`resumable`) save
  // one every CHECKPOINT_EVERY epochs and resume from the run's last; others run from the start.
  const history: tl.EpochStats[] = [];
  let epochSeconds = 0;
  const r = await tl.cluster(data, {
    method: input.method as tl.ClusterMethodName,
    ...options,
    settings,
    resumeFrom,
    checkpointEvery: input.checkpointEvery,
    onCheckpoint: async (bytes, epoch) => {
      const path = join(input.outDir, `checkpoint-${epoch}.bin`);
      await writeFile(path, bytes);
      await hooks.onCheckpoint(path, epoch);
    },
    onProgress: (p) => {
      if (p.epoch) {
        history.push(p.epoch);
        epochSeconds += p.epoch.seconds;
        hooks.onEpoch(p.epoch);
        // The last epoch is followed by embedding every cell and clustering, which can take a while.
        if (p.epoch.epoch === p.epoch.epochs) hooks.onPhase("embedding");
      } else if (/embed|pca|neighbo|graph|cluster|louvain|leiden|k-?means/i.test(p.stage)) hooks.onPhase("embedding");
    },
  });
  const produced = producedFrom(data, r, history, history.length ? epochSeconds / history.length : null);
  const { clustering } = produced;
  if (!produced.backend && produced.history.length) produced.backend = describeBackend(await activeBackend());
  // Results for review: a seeded UMAP of the embedding the clusters were found in, and each cluster's marker genes.
  hooks.onPhase("umap");
  const umap = await computeUmap(clustering, { seed: input.seed });
  hooks.onPhase("markers");
  const markers = computeMarkers(data, clustering, geneNames);
  hooks.onPhase("saving");

  const bodies: (Omit<ArtifactFile, "path"> & { body: Uint8Array })[] = [
    ...produced.files,
    { kind: "umap", file: "umap.bin", contentType: "application/octet-stream", body: cellsFile(data, clustering, umap) },
    {
      kind: "markers",
      file: "markers.csv",
      contentType: "text/csv",
      body: Buffer.from(markersCsv(markers.groups.map((g) => [String(g.group), markerRows(g, geneNames, data.genes, { top: 100, filter: null })] as const))),
    },
  ];
  if (markers.groups.length) {
    bodies.push({ kind: "rank_genes", file: "rank_genes.bin", contentType: "application/octet-stream", body: encodeRankGenes("wilcoxon", data.genes.length, markers.groups) });
  }
  const files: ArtifactFile[] = [];
  for (const { body, ...f } of bodies) {
    const path = join(input.outDir, f.file);
    await writeFile(path, body);
    files.push({ ...f, path });
  }
  return {
    files,
    history: produced.history,
    metrics: produced.metrics,
    backend: produced.backend,
    secondsPerEpoch: produced.secondsPerEpoch,
    clusters: summariseClusters(data, clustering).map((c) => ({ ...c, markers: markers.top[c.index] ?? [] })),
  };
}

const describeBackend = (b: { name: string; detail: string }) => `${b.name} (${b.detail})`;

/** What the worker stores of any method's result: artifacts, the metrics row and the training's figures. */
function producedFrom(data: io.Dataset, r: tl.ClusterResult, attemptHistory: tl.EpochStats[], secondsPerEpoch: number | null) {
  if (!r.embedding) throw new Error(`method ${r.method} returned no embedding`);
  const details = r.details ?? {};
  const history = (details["history"] as tl.EpochStats[] | undefined) ?? attemptHistory;
  const clustering: Clustering = { cells: r.cells, clusters: r.clusters, k: r.k, embedding: r.embedding.values, dim: r.embedding.dim };
  const metrics: RunMetricsJson = { cells: r.cells.length, k: r.k, seconds: r.seconds };
  if (r.kSelection) metrics.kSelection = r.kSelection;
  if (r.scores) Object.assign(metrics, r.scores);
  if (r.resolution !== undefined) metrics["resolution"] = r.resolution;
  for (const name of ["modularity", "genesUsed"] as const) if (typeof details[name] === "number") metrics[name] = details[name];
  const head = details["clusterHead"] as { acc: number; nmi: number; ari: number } | null | undefined;
  if (head) Object.assign(metrics, { headAcc: head.acc, headNmi: head.nmi, headAri: head.ari });
  const finalLoss = history.at(-1)?.loss;
  if (finalLoss !== undefined) metrics["finalLoss"] = finalLoss;
  const files: (Omit<ArtifactFile, "path"> & { body: Uint8Array })[] = [
    { kind: "embedding", file: "embedding.npy", contentType: "application/octet-stream", body: io.encodeNpy(clustering.embedding, [r.cells.length, clustering.dim]) },
    { kind: "clusters", file: "clusters.csv", contentType: "text/csv", body: Buffer.from(io.clustersCsv(data.cells, r)) },
  ];
  const model = r.files?.["model.ckpt"];
  if (model) files.push({ kind: "checkpoint", file: "model.bin", contentType: "application/octet-stream", body: model });
  const backend = typeof details["backend"] === "string" ? describeBackend({ name: details["backend"], detail: String(details["backendDetail"] ?? "") }) : null;
  const trainedSeconds = typeof details["secondsPerEpoch"] === "number" ? details["secondsPerEpoch"] : null;
  return { clustering, files, history, metrics, backend, secondsPerEpoch: secondsPerEpoch ?? trainedSeconds };
}
