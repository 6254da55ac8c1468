import { InputError } from "../errors.ts";

/**
 * One setting a method accepts by name (the CLI's `--set name=value` and flags, the API's run
 * settings, the web form's fields), with its default, bounds and a description: the one place these
 * are written. `basic` settings are the ones a form shows first.
 */
export type MethodSetting =
  | {
      type: "integer" | "number";
      default: number | null;
      /** Inclusive unless `exclusiveMin`. */
      min?: number;
      exclusiveMin?: boolean;
      max?: number;
      description: string;
      basic?: boolean;
    }
  | { type: "choice"; default: string; choices: readonly string[]; description: string; basic?: boolean };

export type MethodSettings = Readonly<Record<string, MethodSetting>>;

type Info = { description: string; integer?: boolean; min?: number; exclusiveMin?: boolean; max?: number; basic?: boolean };

/**
 * What each setting name means and its bounds, shared by every method that has it (a name means the
 * same thing everywhere). Bounds keep a run from monopolising a worker by accident; a default lives
 * with the method's code (TRAIN_DEFAULTS, SCDCCA_DEFAULTS, …) and is read from there.
 */
const SETTING_INFO: Record<string, Info> = {
  k: { description: "Number of clusters; default: the number of label types when the dataset has labels", integer: true, min: 2, max: 500, basic: true },
  resolution: { description: "Modularity resolution of the graph clustering; searched for the one giving k when k is set", min: 0, exclusiveMin: true, max: 10, basic: true },
  seed: { description: "Seeds every random step; the same seed on the same backend gives the same clusters", integer: true, min: 0, max: 2 ** 31 - 1, basic: true },
  nTopGenes: { description: "Highly variable genes kept (all when the data has fewer)", integer: true, min: 10, max: 50_000, basic: true },
  epochs: { description: "Training epochs", integer: true, min: 1, max: 2000, basic: true },
  batchSize: { description: "Cells per training batch", integer: true, min: 2, max: 4096, basic: true },
  learningRate: { description: "Adam's base learning rate", min: 0, exclusiveMin: true, max: 10, basic: true },
  clusterHeadLrScale: { description: "The cluster head's learning rate as a share of learningRate", min: 0, max: 1 },
  schedulePeriod: { description: "Period of the cosine learning-rate schedule in epochs (0: the number of epochs)", integer: true, min: 0, max: 100_000 },
  scheduleFloor: { description: "Floor of the cosine schedule as a share of the base rate", min: 0, max: 1 },
  temperature: { description: "Temperature τ of the instance-level contrastive loss", min: 0, exclusiveMin: true, max: 10, basic: true },
  clusterTemperature: { description: "Temperature of the cluster-level contrastive loss", min: 0, exclusiveMin: true, max: 10 },
  phi: { description: "False-negative threshold φ on the cosine similarity of negatives (Infinity: no correction)", min: -1, basic: true },
  maxDroppedShare: { description: "Largest share of a row's negatives φ may drop (0: 1/K)", min: 0, max: 1 },
  instanceLoss: { description: "Instance-level loss: fn, the false-negative-corrected InfoNCE" },
  clusterLoss: { description: "Cluster-level loss: correlation (scFNCCL) or cc (Contrastive Clustering)" },
  entropyWeight: { description: "Weight of the cluster-size entropy term", min: 0, max: 100 },
  augmentDropout: { description: "Share of input entries dropped to make a view", min: 0, max: 1 },
  augmentNoise: { description: "Standard deviation of the Gaussian noise added to make a view", min: 0, max: 100 },
  averageShare: { description: "Share of the last epochs whose weights are averaged into the final model (0: the last epoch's)", min: 0, max: 1 },
  momentum: { description: "EMA momentum of the key encoder", min: 0, max: 1 },
  attentionDropout: { description: "Attention dropout in the cluster head while training", min: 0, max: 1 },
  instanceHidden: { description: "Width of the instance head's hidden layer", integer: true, min: 1, max: 4096 },
  instanceDim: { description: "Dimension of the instance embedding h", integer: true, min: 2, max: 4096 },
  attentionHeads: { description: "Attention heads in the cluster head", integer: true, min: 1, max: 64 },
  clusterHidden: { description: "Width of the cluster head's hidden layer", integer: true, min: 1, max: 4096 },
  embedding: { description: "Embedding clustered: z (encoder output) or h (instance head)" },
  clustering: { description: "How the embedding is cut: kmeans, or graph (SNN graph + Louvain at the resolution giving K)" },
  sureWeight: { description: "Weight of JojoSCL's SURE shrinkage term", min: 0, max: 100, basic: true },
  zinbWeight: { description: "Weight of scDCCA's ZINB reconstruction loss", min: 0, max: 100, basic: true },
  instanceWeight: { description: "Weight of the instance-level contrastive loss", min: 0, max: 100 },
  clusterWeight: { description: "Weight of the cluster-level contrastive loss", min: 0, max: 100 },
  deepBase: { description: "Consensus: the trained base beside the graph and k-means ones, scfnccl or none" },
  deepEpochs: { description: "Consensus: training epochs of its scFNCCL base", integer: true, min: 1, max: 2000, basic: true },
  cut: { description: "Consensus: how the partitions become one: auto (leiden when the number of clusters is given, anmi when it is estimated), leiden (on the co-association of the PCs' and the trained embedding's neighbour graphs), average (linkage on the co-association) or anmi (the base that agrees most with the others)" },
  members: { description: "Consensus: partitions per family (seeds of Leiden and of k-means on the PCs; the trained base's clusters and readouts of its embedding); each family votes with weight 1", integer: true, min: 1, max: 20 },
  embeddingGraphWeight: { description: "Consensus, leiden cut: weight of the trained embedding's neighbour graph beside the PCs' graph (0: the PCs' graph alone)", min: 0, max: 10 },
  latentDim: { description: "Dimension of the autoencoder's bottleneck (the embedding clustered)", integer: true, min: 2, max: 4096 },
};

/** The setting `name` with `defaultValue`, described and bounded by the shared table; `choices` for a text setting. */
export function setting(name: string, defaultValue: number | string | null, choices?: readonly string[]): MethodSetting {
  const info = SETTING_INFO[name];
  if (!info) throw new Error(`setting ${name} has no entry in SETTING_INFO (description and bounds)`);
  const { integer, ...rest } = info;
  if (typeof defaultValue === "string") return { type: "choice", default: defaultValue, choices: choices ?? [defaultValue], description: info.description, ...(info.basic ? { basic: true } : {}) };
  return { type: integer ? "integer" : "number", default: defaultValue, ...rest };
}

/**
 * The scalar entries of a defaults object as settings: numbers stay numbers, strings become a choice
 * among `choices[name]` (array-valued defaults such as layer sizes are not settable by name).
 */
export function settingsFrom(defaults: object, choices: Record<string, readonly string[]> = {}, omit: readonly string[] = []): Record<string, MethodSetting> {
  const out: Record<string, MethodSetting> = {};
  for (const [name, value] of Object.entries(defaults)) {
    if (omit.includes(name)) continue;
    if (typeof value === "number" || typeof value === "string") out[name] = setting(name, value, choices[name]);
  }
  return out;
}

/** A bad setting: `setting` names it, so the API can point at the field. */
export class SettingError extends InputError {
  constructor(
    problem: string,
    readonly setting: string,
  ) {
    super(problem);
  }
}

/**
 * `name=value` pairs as typed by a user: a number where the text is one (`Infinity` included, for φ
 * off), otherwise the text. Checking the names against a method is `checkSettings`' job.
 */
export function parseSettingPairs(pairs: readonly string[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const value = pair.slice(eq + 1).trim();
    if (eq <= 0 || value === "") throw new InputError(`--set takes name=value (got '${pair}')`);
    const number = Number(value);
    out[pair.slice(0, eq).trim()] = Number.isNaN(number) ? value : number;
  }
  return out;
}

/** What `value` must be for `spec`, in words ("an integer ≥ 1 and ≤ 2000"), or null when it is that. */
export function settingProblem(spec: MethodSetting, value: unknown): string | null {
  if (spec.type === "choice") return typeof value === "string" && spec.choices.includes(value) ? null : `one of ${spec.choices.join(", ")}`;
  if (typeof value !== "number" || Number.isNaN(value)) return spec.type === "integer" ? "an integer" : "a number";
  return violation(spec, value);
}

function violation(spec: Extract<MethodSetting, { type: "integer" | "number" }>, value: number): string | null {
  const bounds = [
    spec.min !== undefined ? `${spec.exclusiveMin ? ">" : "≥"} ${spec.min}` : null,
    spec.max !== undefined ? `≤ ${spec.max}` : null,
  ].filter(Boolean);
  const wanted = `${spec.type === "integer" ? "an integer" : "a number"}${bounds.length ? ` ${bounds.join(" and ")}` : ""}`;
  if (spec.type === "integer" && !Number.isInteger(value)) return wanted;
  if (spec.min !== undefined && (spec.exclusiveMin ? !(value > spec.min) : !(value >= spec.min))) return wanted;
  if (spec.max !== undefined && !(value <= spec.max)) return wanted;
  return null;
}

/**
 * Rejects, before any work starts, a setting the method does not have, a number that is not one or
 * lies outside its bounds, and a choice outside its list; the message names the method and what it
 * accepts, so a typo never runs silently with the default.
 */
export function checkSettings(method: string, accepted: MethodSettings, settings: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(settings)) {
    const spec = accepted[name];
    if (!spec) {
      const names = Object.keys(accepted);
      throw new SettingError(
        names.length === 0 ? `method ${method} takes no settings (got '${name}')` : `method ${method} has no setting '${name}' (its settings: ${names.join(", ")})`,
        name,
      );
    }
    if (spec.type === "choice") {
      if (typeof value !== "string" || !spec.choices.includes(value)) {
        throw new SettingError(`setting ${name} of method ${method} must be one of ${spec.choices.join(", ")} (got '${String(value)}')`, name);
      }
      continue;
    }
    if (typeof value !== "number" || Number.isNaN(value)) throw new SettingError(`setting ${name} of method ${method} must be a number (got '${String(value)}')`, name);
    const wanted = violation(spec, value);
    if (wanted) throw new SettingError(`setting ${name} of method ${method} must be ${wanted} (got ${value})`, name);
  }
}
