import { InputError } from "../errors.ts";
import type { Dataset } from "../io/types.ts";
import { encodeKnownLabels } from "../metrics/encodeLabels.ts";
import { evaluateLabelled as evaluate, type ClusteringScores } from "../metrics/evaluate.ts";
import { kmeans } from "../tl/kmeans.ts";
import { contrastiveMethod, SCCCL_LOSSES, SCCCL_SETTINGS, SCFNCCL_SETTINGS, trainedOutput, trainerOptions } from "./contrastiveMethods.ts";
import { JOJOSCL_SETTINGS, runJojoscl } from "./jojoscl.ts";
import { runScdcca, SCDCCA_DEFAULTS, type ScdccaOptions } from "./scdcca.ts";
import { seuratCluster, seuratPca } from "../tl/seurat.ts";
import type { ClusterMethod, MethodOptions, MethodOutput } from "./method.ts";
import { DEFAULT_N_TOP_GENES } from "../pp/preprocess.ts";
import { DEFAULT_SEED } from "../random.ts";
import { DEFAULT_RESOLUTION } from "../tl/communities.ts";
import { checkSettings, parseSettingPairs, setting, settingsFrom, SettingError, type MethodSetting, type MethodSettings } from "./settings.ts";
import { CONSENSUS_CUTS, CONSENSUS_DEFAULTS, consensusCluster, type ConsensusCut } from "./consensus.ts";
import type { KSelection } from "../tl/kSelection.ts";
import { estimateDatasetK } from "../tl/pcGraph.ts";

export type { ClusterMethod, MethodOptions, MethodOutput };

/**
 * Settings every method has, passed to `tl.cluster` as its own options (`k`, `resolution`, `seed`,
 * `nTopGenes`) rather than inside `settings`; declared here like the rest, so bounds and defaults
 * are written once. k's default (null) means: the number of label types.
 */
const COMMON_SETTINGS = {
  k: setting("k", null),
  seed: setting("seed", DEFAULT_SEED),
  nTopGenes: setting("nTopGenes", DEFAULT_N_TOP_GENES),
} satisfies MethodSettings;
const GRAPH_SETTINGS = { ...COMMON_SETTINGS, resolution: setting("resolution", DEFAULT_RESOLUTION) } satisfies MethodSettings;
/** The run-level settings `tl.cluster` takes as options of its own. */
const OPTION_SETTINGS = ["k", "resolution", "seed", "nTopGenes"] as const;
/** The options among them `tl.cluster` takes besides the seed. */
const SIZE_OPTIONS = ["k", "resolution", "nTopGenes"] as const;

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
    settings: GRAPH_SETTINGS,
    run: graphMethod("louvain"),
  },
  leiden: {
    description: "the Seurat pipeline's SNN graph clustered with Leiden (scanpy's default community detection)",
    needsK: false,
    usesResolution: true,
    settings: GRAPH_SETTINGS,
    run: graphMethod("leiden"),
  },
  kmeans: {
    description: "k-means (10 k-means++ starts) on the first 30 PCs of the Seurat preprocessing",
    needsK: true,
    usesResolution: false,
    settings: COMMON_SETTINGS,
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
    resumable: true,
    settings: { ...COMMON_SETTINGS, ...SCFNCCL_SETTINGS },
    run: contrastiveMethod("scfnccl", {}),
  },
  sccl: {
    description: "ScCCL: scFNCCL's network and training with NT-Xent (no false-negative correction) and the Contrastive Clustering cluster loss",
    needsK: true,
    usesResolution: false,
    resumable: true,
    settings: { ...COMMON_SETTINGS, ...SCCCL_SETTINGS },
    run: contrastiveMethod("sccl", SCCCL_LOSSES),
  },
  jojoscl: {
    description: "JojoSCL: ScCCL plus the SURE shrinkage of each batch's k-means centroids, encoder 512→256→128",
    needsK: true,
    usesResolution: false,
    resumable: true,
    settings: { ...COMMON_SETTINGS, ...JOJOSCL_SETTINGS },
    run: runJojoscl,
  },
  scdcca: {
    description: "scDCCA: denoising autoencoder with a ZINB reconstruction loss plus instance- and cluster-level contrastive losses, k-means on the bottleneck",
    needsK: true,
    usesResolution: false,
    resumable: true,
    settings: { ...COMMON_SETTINGS, ...settingsFrom(SCDCCA_DEFAULTS) },
    run: async (data, o) => {
      const r = await runScdcca(data, {
        ...(o.settings as Partial<ScdccaOptions>),
        k: o.k!,
        ...trainerOptions(o),
      });
      return { ...trainedOutput(r, { config: r.config }), files: { "model.ckpt": r.checkpoint } };
    },
  },
  consensus: {
    description:
      "consensus of three families of partitions, scFNCCL (one 40-epoch training and readouts of its embedding), Leiden on the PCs' graph and k-means on the PCs (several seeds each): Leiden on their co-association over the PCs' and the embedding's neighbour graphs when k is given, the base that agrees most with the others when k is estimated",
    needsK: true,
    usesResolution: false,
    estimatesK: true,
    settings: {
      ...COMMON_SETTINGS,
      deepBase: setting("deepBase", CONSENSUS_DEFAULTS.deepBase, ["scfnccl", "none"]),
      deepEpochs: setting("deepEpochs", CONSENSUS_DEFAULTS.deepEpochs),
      cut: setting("cut", CONSENSUS_DEFAULTS.cut, CONSENSUS_CUTS),
      members: setting("members", CONSENSUS_DEFAULTS.members),
      embeddingGraphWeight: setting("embeddingGraphWeight", CONSENSUS_DEFAULTS.embeddingGraphWeight),
    },
    run: async (data, o) => {
      const deepBase = (o.settings["deepBase"] as "scfnccl" | "none" | undefined) ?? CONSENSUS_DEFAULTS.deepBase;
      const deepEpochs = (o.settings["deepEpochs"] as number | undefined) ?? CONSENSUS_DEFAULTS.deepEpochs;
      const cut = (o.settings["cut"] as ConsensusCut | undefined) ?? CONSENSUS_DEFAULTS.cut;
      const members = (o.settings["members"] as number | undefined) ?? CONSENSUS_DEFAULTS.members;
      const embeddingGraphWeight = (o.settings["embeddingGraphWeight"] as number | undefined) ?? CONSENSUS_DEFAULTS.embeddingGraphWeight;
      const trainScfnccl = contrastiveMethod("scfnccl", {});
      const r = await consensusCluster(data, {
        k: o.estimateK ? "auto" : o.k!,
        seed: o.seed,
        nTopGenes: o.nTopGenes,
        emptyCells: o.emptyCells,
        deepBase,
        cut,
        members,
        embeddingGraphWeight,
        signal: o.signal,
        onProgress: o.onProgress,
        // The deep base goes through the registry's scFNCCL path: its epochs are reported, its cancel honoured.
        trainBase: async (k) => {
          const out = await trainScfnccl(data, {
            ...o,
            k,
            estimateK: false,
            settings: { epochs: deepEpochs },
            onProgress: (p) => o.onProgress?.({ ...p, stage: "train", fraction: 0.15 + 0.75 * p.fraction }),
          });
          return { cells: out.cells, clusters: out.clusters, embedding: out.embedding, description: `scfnccl, ${deepEpochs} epochs`, files: out.files, details: { secondsPerEpoch: out.details?.["secondsPerEpoch"] } };
        },
      });
      return {
        cells: r.cells,
        clusters: r.clusters,
        k: r.k,
        embedding: { values: r.pcs, dim: r.dim },
        resolution: r.resolution,
        kSelection: r.kSelection,
        files: r.trained?.files,
        details: { bases: r.bases.map(({ name, agreement, k }) => ({ name, agreement, k, ...(r.chosen ? { anmi: r.chosen.anmi[name] } : {}) })), ...(r.chosen ? { chosen: r.chosen.name } : {}), deepBase: r.trained?.description ?? "none", cut: r.cut, members: r.members.length, ...(r.cut === "leiden" ? { embeddingGraphWeight } : {}), ...(r.trained?.details ?? {}) },
      };
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

/** A run's settings as one flat record (the API's and the form's shape), split into `tl.cluster`'s options. */
export interface RunSettings {
  k?: number;
  resolution?: number;
  seed: number;
  nTopGenes?: number;
  /** The method's own settings (training settings and the like). */
  settings: Record<string, number | string>;
}

/**
 * Checks every entry of `values` against the method's declared settings (names, types, bounds,
 * choices) and splits them into `tl.cluster`'s options; absent ones take the registry's defaults
 * when the method runs. Throws `SettingError` naming the setting.
 */
export function resolveRunSettings(method: string, values: Readonly<Record<string, unknown>>): RunSettings {
  const m = (CLUSTER_METHODS as Record<string, ClusterMethod>)[method];
  if (!m) throw new SettingError(`unknown clustering method '${method}' (one of ${CLUSTER_METHOD_NAMES.join(", ")})`, "method");
  const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));
  checkSettings(method, m.settings, defined);
  const { k, resolution, seed, nTopGenes, ...settings } = defined as Record<string, number | string>;
  return {
    ...(k !== undefined ? { k: k as number } : {}),
    ...(resolution !== undefined ? { resolution: resolution as number } : {}),
    seed: (seed as number | undefined) ?? DEFAULT_SEED,
    ...(nTopGenes !== undefined ? { nTopGenes: nTopGenes as number } : {}),
    settings,
  };
}

/** One setting as clients see it (the API's `Query.methods`, the CLI's help). */
export type SettingDescription = MethodSetting & { name: string };

/** A method as clients see it: what it does and every setting it takes, with defaults and bounds. */
export interface MethodDescription {
  name: ClusterMethodName;
  description: string;
  needsK: boolean;
  usesResolution: boolean;
  /** Trains a network in epochs (reports per-epoch progress). */
  trains: boolean;
  /** Checkpoints its training and resumes from the last checkpoint. */
  resumable: boolean;
  settings: SettingDescription[];
}

export function describeMethods(): MethodDescription[] {
  return CLUSTER_METHOD_NAMES.map((name) => {
    const m: ClusterMethod = CLUSTER_METHODS[name];
    return {
      name,
      description: m.description,
      needsK: m.needsK,
      usesResolution: m.usesResolution,
      trains: "epochs" in m.settings,
      resumable: m.resumable === true,
      settings: Object.entries(m.settings).map(([settingName, spec]) => ({ name: settingName, ...spec })),
    };
  });
}

export interface ClusterOptions extends Partial<Omit<MethodOptions, "seed" | "k" | "estimateK">> {
  method: ClusterMethodName;
  /**
   * Number of clusters, or "auto" to estimate it from the data alone (`estimateK`; labels never set it).
   * Default: the number of label types when the data has labels, else "auto" for methods that need k.
   */
  k?: number | "auto";
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
  const { method: name, seed = DEFAULT_SEED, emptyCells = "error", settings = {}, ...rest } = options;
  const method: ClusterMethod | undefined = (CLUSTER_METHODS as Record<string, ClusterMethod>)[name];
  if (!method) throw new InputError(`unknown clustering method '${String(name)}' (one of ${CLUSTER_METHOD_NAMES.join(", ")})`);
  const file = data.source;
  const labels = data.labels ? encodeKnownLabels(data.labels) : undefined;
  // Every option and setting against the method's declared bounds, at once, before any work ("auto" is no number to bound).
  const optionValues = Object.fromEntries(SIZE_OPTIONS.filter((o) => rest[o] !== undefined && rest[o] !== "auto").map((o) => [o, rest[o]]));
  checkSettings(name, method.settings, { ...optionValues, seed });
  for (const o of OPTION_SETTINGS) if (o in settings) throw new SettingError(`${o} is an option of tl.cluster, not a setting`, o);
  checkSettings(name, method.settings, settings);
  let k: number | "auto" | undefined = rest.k;
  if (k === undefined && method.needsK) {
    // Labels only score: without them k is estimated from the cells.
    k = labels?.classes.length ?? "auto";
    if (k !== "auto") checkSettings(name, method.settings, { k });
  }
  const nCells = data.counts.nRows;
  if (k !== undefined && k !== "auto" && k > nCells) throw new InputError(`number of clusters (${k}) exceeds the number of cells (${nCells})`, file);
  const started = performance.now();
  let kSelection: KSelection | undefined;
  if (k === "auto" && !method.estimatesK) {
    rest.onProgress?.({ stage: "k", fraction: 0, message: "estimating the number of clusters" });
    kSelection = estimateDatasetK(data, { nTopGenes: rest.nTopGenes, seed, emptyCells, signal: rest.signal, onProgress: (_, message) => rest.onProgress?.({ stage: "k", fraction: 0, message }) });
    k = kSelection.k;
  }
  const out = await method.run(data, { ...rest, k: k === "auto" ? undefined : k, estimateK: k === "auto", seed, emptyCells, settings });
  kSelection = out.kSelection ?? kSelection;
  const seconds = (performance.now() - started) / 1000;
  const scores = labels ? evaluate(Int32Array.from(out.cells, (i) => labels.codes[i]!), out.clusters) : undefined;
  return { ...out, kSelection, method: name, scores, seconds };
}
