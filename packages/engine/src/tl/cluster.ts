import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { encodeKnownLabels } from "../metrics/encodeLabels.ts";
import { evaluateLabelled as evaluate, type ClusteringScores } from "../metrics/evaluate.ts";
import { kmeans } from "./kmeans.ts";
import { contrastiveMethod, SCCCL_LOSSES, SCCCL_SETTINGS, SCFNCCL_SETTINGS, trainedOutput } from "./contrastiveMethods.ts";
import { JOJOSCL_SETTINGS, runJojoscl } from "./jojoscl.ts";
import { runScdcca, SCDCCA_DEFAULTS, type ScdccaOptions } from "./scdcca.ts";
import { seuratCluster, seuratPca } from "./seurat.ts";
import type { ClusterMethod, MethodOptions, MethodOutput } from "./method.ts";
import { checkSettings, parseSettingPairs, settingsFrom } from "./settings.ts";

export type { ClusterMethod, MethodOptions, MethodOutput };

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
