import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { encodeKnownLabels } from "../metrics/encodeLabels.ts";
import { evaluateLabelled as evaluate, type ClusteringScores } from "../metrics/evaluate.ts";
import { kmeans } from "./kmeans.ts";
import type { OnClusterProgress } from "./progress.ts";
import { contrastiveMethod, SCCCL_LOSSES, SCCCL_SETTINGS, SCFNCCL_SETTINGS, trainedOutput } from "./contrastiveMethods.ts";
import { JOJOSCL_SETTINGS, runJojoscl } from "./jojoscl.ts";
import { runScdcca, SCDCCA_DEFAULTS, type ScdccaOptions } from "./scdcca.ts";
import { seuratCluster, seuratPca } from "./seurat.ts";
import { checkSettings, parseSettingPairs, settingsFrom, type MethodSettings } from "./settings.ts";

/** What every method gets. Options a method has no use for are ignored by it. */
export interface MethodOptions {
  /** Number of clusters: required by methods with `needsK` (filled from the labels when the data has them). */
  k?: number;
  /** Modularity resolution for graph methods (used when k is not given). */
  resolution?: number;
  seed: number;
  /** Highly variable genes kept. Default 2000. */
  nTopGenes?: number;
  emptyCells: "error" | "drop";
  /** Method settings by name (e.g. training settings of deep methods, `embedding: "h"`). */
  settings: Record<string, number | string>;
  onProgress?: OnClusterProgress;
  signal?: AbortSignal;
}

/** What a method returns; `tl.cluster` adds timing and scores. */
export interface MethodOutput {
  /** Indices (into the dataset's cells) of the cells clustered, in output order. */
  cells: Int32Array;
  clusters: Int32Array;
  k: number;
  /** Row-major [cells, dim] embedding the clusters were found in, when the method has one. */
  embedding?: { values: Float32Array; dim: number };
  resolution?: number;
  /** Further per-cell clusterings worth keeping (e.g. scFNCCL's cluster-head argmax), by column name. */
  extraClusters?: Record<string, Int32Array>;
  /** Method-specific figures for metrics.json. */
  details?: Record<string, unknown>;
  /** Method-specific files to save beside the clusters (e.g. a model checkpoint), by file name. */
  files?: Record<string, Uint8Array>;
}

export interface ClusterMethod {
  /** One line for the CLI's and the web app's method lists. */
  description: string;
  /** The method needs k; it is taken from the labels when the dataset has them and k is not given. */
  needsK: boolean;
  /** The method has a resolution (and searches it when k is given). */
  usesResolution: boolean;
  /** Settings it takes by name, with their defaults; `tl.cluster` refuses any other. */
  settings: MethodSettings;
  run(data: Dataset, options: MethodOptions): Promise<MethodOutput>;
}

/** Builds the output of the Seurat-pipeline graph methods. */
function graphMethod(algorithm: "louvain" | "leiden"): ClusterMethod["run"] {
  return async (data, o) => {
    const r = seuratCluster(data.counts, {
      algorithm,
      k: o.k,
      resolution: o.resolution,
      seed: o.seed,
      nTopGenes: o.nTopGenes,
      emptyCells: o.emptyCells,
      file: data.source,
      onProgress: o.onProgress,
      signal: o.signal,
    });
    return {
      cells: r.cells,
      clusters: r.clusters,
      k: r.k,
      embedding: { values: r.embedding, dim: r.dim },
      resolution: r.resolution,
      details: { modularity: r.modularity, pcs: r.dim, edges: r.graph.indices.length / 2 },
    };
  };
}

/**
 * Every clustering method, by name. Adding a method is adding one entry here; the CLI (`--method`),
 * the worker and the benchmark offer exactly this list.
 */
export const CLUSTER_METHODS = {
  seurat: {
    description: "Seurat's pipeline: LogNormalize, 2000 vst genes, scale, 50 PCs, SNN graph on 30 PCs (k = 20), Louvain",
    needsK: false,
    usesResolution: true,
    settings: {},
    run: graphMethod("louvain"),
  },
  leiden: {
    description: "the Seurat pipeline's SNN graph clustered with Leiden (scanpy's default community detection)",
    needsK: false,
    usesResolution: true,
    settings: {},
    run: graphMethod("leiden"),
  },
  kmeans: {
    description: "k-means (10 k-means++ starts) on the first 30 PCs of the Seurat preprocessing",
    needsK: true,
    usesResolution: false,
    settings: {},
    run: async (data, o) => {
      o.onProgress?.({ stage: "pca", fraction: 0, message: "normalise, variable genes, scale, PCA" });
      const pre = seuratPca(data.counts, { nTopGenes: o.nTopGenes, seed: o.seed, emptyCells: o.emptyCells, file: data.source, signal: o.signal });
      const n = pre.keptCells.length;
      const nComps = pre.pca.nComps;
      const dim = Math.min(30, nComps);
      const values = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) values.set(pre.pca.scores.subarray(i * nComps, i * nComps + dim), i * dim);
      o.onProgress?.({ stage: "kmeans", fraction: 0.6 });
      const km = kmeans(values, { n, d: dim, k: o.k!, nInit: 10, seed: o.seed, signal: o.signal });
      o.onProgress?.({ stage: "done", fraction: 1 });
      return { cells: pre.keptCells, clusters: km.labels, k: o.k!, embedding: { values, dim }, details: { inertia: km.inertia } };
    },
  },
  scfnccl: {
    description: "scFNCCL: dual contrastive learning (instance + cluster heads), k-means on the embedding",
    needsK: true,
    usesResolution: false,
    settings: SCFNCCL_SETTINGS,
    run: contrastiveMethod("scfnccl", {}),
  },
  sccl: {
    description: "ScCCL: scFNCCL's network and training with NT-Xent (no false-negative correction) and the Contrastive Clustering cluster loss",
    needsK: true,
    usesResolution: false,
    settings: SCCCL_SETTINGS,
    run: contrastiveMethod("sccl", SCCCL_LOSSES),
  },
  jojoscl: {
    description: "JojoSCL: ScCCL plus the SURE shrinkage of each batch's k-means centroids, encoder 512→256→128",
    needsK: true,
    usesResolution: false,
    settings: JOJOSCL_SETTINGS,
    run: runJojoscl,
  },
  scdcca: {
    description: "scDCCA: denoising autoencoder with a ZINB reconstruction loss plus instance- and cluster-level contrastive losses, k-means on the bottleneck",
    needsK: true,
    usesResolution: false,
    settings: settingsFrom(SCDCCA_DEFAULTS),
    run: async (data, o) => {
      const r = await runScdcca(data, {
        ...(o.settings as Partial<ScdccaOptions>),
        k: o.k!,
        seed: o.seed,
        nTopGenes: o.nTopGenes,
        emptyCells: o.emptyCells,
        signal: o.signal,
        onProgress: (s) => o.onProgress?.({ stage: "train", fraction: s.epoch / s.epochs, epoch: s }),
      });
      return trainedOutput(r, { config: r.config });
    },
  },
} satisfies Record<string, ClusterMethod>;

export type ClusterMethodName = keyof typeof CLUSTER_METHODS;
export const CLUSTER_METHOD_NAMES = Object.keys(CLUSTER_METHODS) as ClusterMethodName[];

/** `name=value` pairs as a user types them for `method` (the CLI's `--set`, the benchmarks'), checked against its settings. */
export function parseMethodSettings(method: ClusterMethodName, pairs: readonly string[]): Record<string, number | string> {
  const settings = parseSettingPairs(pairs);
  checkSettings(method, CLUSTER_METHODS[method].settings, settings);
  return settings;
}

export interface ClusterOptions extends Partial<Omit<MethodOptions, "seed">> {
  method: ClusterMethodName;
  /** Default 0. */
  seed?: number;
}

export interface ClusterResult extends MethodOutput {
  method: ClusterMethodName;
  /** Scores of `clusters` against the dataset's labels, when it has labels (used for nothing else). */
  scores?: ClusteringScores;
  seconds: number;
}

/** Run one clustering method on a dataset; the single entry point the CLI, worker and benchmarks use. */
export async function cluster(data: Dataset, options: ClusterOptions): Promise<ClusterResult> {
  const { method: name, seed = 0, emptyCells = "error", settings = {}, ...rest } = options;
  const method: ClusterMethod | undefined = (CLUSTER_METHODS as Record<string, ClusterMethod>)[name];
  if (!method) throw new InputError(`unknown clustering method '${String(name)}' (one of ${CLUSTER_METHOD_NAMES.join(", ")})`);
  const file = data.source;
  const labels = data.labels ? encodeKnownLabels(data.labels) : undefined;
  let k = rest.k;
  if (k === undefined && method.needsK) {
    k = labels?.classes.length;
    if (k === undefined) throw new InputError(`has no labels, so method ${name} needs the number of clusters (--clusters K)`, file);
  }
  const nCells = data.counts.nRows;
  if (k !== undefined) {
    if (!Number.isInteger(k) || k < 2) throw new InputError(`number of clusters must be an integer ≥ 2 (got ${k})`, file);
    if (k > nCells) throw new InputError(`number of clusters (${k}) exceeds the number of cells (${nCells})`, file);
  }
  if (rest.resolution !== undefined && !(rest.resolution > 0)) {
    throw new InputError(`resolution must be a number > 0 (got ${rest.resolution})`, file);
  }
  checkSettings(name, method.settings, settings);
  const started = performance.now();
  const out = await method.run(data, { ...rest, k, seed, emptyCells, settings });
  const seconds = (performance.now() - started) / 1000;
  const scores = labels ? evaluate(Int32Array.from(out.cells, (i) => labels.codes[i]!), out.clusters) : undefined;
  return { ...out, method: name, scores, seconds };
}
