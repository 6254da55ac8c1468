import { bigint, index, integer, jsonb, pgEnum, pgTable, primaryKey, real, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { users } from "./auth.ts";
import { datasets } from "./datasets.ts";
import { teams } from "./teams.ts";

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const runStatusEnum = pgEnum("run_status", RUN_STATUSES);

/** How a run's number of clusters was estimated without labels (the engine's `tl.KSelection`). */
export interface RunKSelection {
  k: number;
  resolution: number;
  criterion: string;
  candidates: { k: number; resolution: number; score: number }[];
}

/** A run's scores and figures by name, plus the K evidence when K was estimated. */
export interface RunMetricsJson {
  [name: string]: number | RunKSelection | undefined;
  kSelection?: RunKSelection;
}

/** What a run is doing: each phase is named so the page never says "training" while loading or making the UMAP. */
export const RUN_PHASES = ["loading", "preprocessing", "training", "embedding", "umap", "markers", "saving"] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** The latest progress of a run, as pushed to the sockets after every epoch and at each phase change. */
export interface RunProgress {
  /** The current phase (absent in rows written before phases existed: then training). */
  phase?: RunPhase;
  /** Share of the current phase done, 0–1, when known. */
  phaseProgress?: number;
  epoch: number;
  epochs: number;
  loss: number;
  instanceLoss: number;
  clusterLoss: number;
  secondsPerEpoch: number;
  etaSeconds: number;
  /** Epoch the current attempt resumed from (0 when it started fresh). */
  resumedFrom: number;
}

export const runs = pgTable(
  "runs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    datasetId: uuid("dataset_id")
      .notNull()
      .references(() => datasets.id, { onDelete: "cascade" }),
    createdById: uuid("created_by_id")
      .notNull()
      .references(() => users.id),
    method: text("method").notNull(),
    /** Validated training parameters (the engine's option names). */
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    seed: integer("seed").notNull(),
    status: runStatusEnum("status").notNull().default("queued"),
    progress: jsonb("progress").$type<RunProgress>(),
    backend: text("backend"),
    /** Incremented every time a worker takes the run; a worker whose attempt is no longer current stops. */
    attempt: integer("attempt").notNull().default(0),
    workerId: text("worker_id"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /** Set when a user asks to cancel; the worker sees it on its next heartbeat. */
    cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
    checkpointKey: text("checkpoint_key"),
    checkpointEpoch: integer("checkpoint_epoch"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    secondsPerEpoch: real("seconds_per_epoch"),
    metrics: jsonb("metrics").$type<RunMetricsJson>(),
    error: text("error"),
  },
  (t) => [index("runs_team_idx").on(t.teamId, t.createdAt), index("runs_status_idx").on(t.status)],
);

export const ARTIFACT_KINDS = ["embedding", "clusters", "checkpoint", "history", "umap", "markers", "rank_genes"] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];
export const artifactKindEnum = pgEnum("artifact_kind", ARTIFACT_KINDS);

export const artifacts = pgTable(
  "artifacts",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    kind: artifactKindEnum("kind").notNull(),
    storageKey: text("storage_key").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    checksum: text("checksum").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("artifacts_run_kind").on(t.runId, t.kind)],
);

export const ANNOTATION_STATUSES = ["open", "proposed", "accepted", "disputed"] as const;
export type AnnotationStatus = (typeof ANNOTATION_STATUSES)[number];
export const annotationStatusEnum = pgEnum("annotation_status", ANNOTATION_STATUSES);

/** One marker gene of a cluster (engine tl.rankGenes, one group against the rest). */
export interface MarkerGene {
  /** The display name (the dataset's gene name column when the run finished). */
  gene: string;
  /** The dataset's gene id (absent in rows written before ids were kept). */
  geneId?: string;
  /** log10 of pval / pvalAdj, finite where they underflow to 0. */
  log10Pval?: number;
  log10PvalAdj?: number;
  score: number;
  logFoldChange: number;
  pctIn: number;
  pctOut: number;
  pval: number;
  pvalAdj: number;
}

/** One row per cluster of a finished run, with its annotation state. */
export const clusters = pgTable(
  "clusters",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    size: integer("size").notNull(),
    /** Most common label among the cluster's cells, when the dataset has labels. */
    majorityLabel: text("majority_label"),
    /** Top marker genes, best first (small: ~50 per cluster, read on every cluster page). */
    markers: jsonb("markers").$type<MarkerGene[]>(),
    status: annotationStatusEnum("status").notNull().default("open"),
    /** Optimistic concurrency: +1 on every annotation change of this cluster. */
    version: integer("version").notNull().default(0),
    /** The accepted proposal (annotations.id); no foreign key, the service keeps it consistent. */
    acceptedProposalId: uuid("accepted_proposal_id"),
    /** An owner's reason for accepting their own proposal over an open disagreement (null otherwise). */
    acceptOverrideReason: text("accept_override_reason"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.index] })],
);

/**
 * A named set of a run's cells (a lasso selection kept): team-visible, audited, compared like a
 * cluster, and annotated through the same review flow (its own status, version, accepted proposal).
 */
export const cellSets = pgTable(
  "cell_sets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Positions in the run's cell order (`/api/runs/:id/cells`), ascending. */
    cells: jsonb("cells").$type<number[]>().notNull(),
    createdById: uuid("created_by_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    status: annotationStatusEnum("status").notNull().default("open"),
    /** Optimistic concurrency, as Cluster.version: +1 on every annotation change of this set. */
    version: integer("version").notNull().default(0),
    acceptedProposalId: uuid("accepted_proposal_id"),
    /** An owner's reason for accepting their own proposal over an open disagreement (null otherwise). */
    acceptOverrideReason: text("accept_override_reason"),
  },
  (t) => [index("cell_sets_run_idx").on(t.runId, t.createdAt), unique("cell_sets_run_name").on(t.runId, t.name)],
);
