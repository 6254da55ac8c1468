import type { Rows } from "@scfnccl/db";

// What resolvers receive as parents: database rows (codegen "mappers").
export type UserRow = Rows["user"];
export type TeamRow = Rows["team"];
export type MembershipRow = Rows["membership"];
export type ApiTokenRow = Rows["apiToken"];
export type DatasetRow = Rows["dataset"];
export type RunRow = Rows["run"];
export type ArtifactRow = Rows["artifact"];
export type ClusterRow = Rows["cluster"];
export type CellSetRow = Rows["cellSet"];
export type ProposalRow = Rows["annotation"];
export type CommentRow = Rows["comment"];
export type VoteRow = Rows["vote"];
export type AuditRow = Rows["audit"];

/** Two runs' agreement, computed by services/results.ts. */
export interface RunAgreementModel {
  a: RunRow;
  b: RunRow;
  sharedCells: number;
  ari: number;
  nmi: number;
  contingency: number[][];
}

/** One target cluster's match in copyLabels. */
export interface LabelMappingModel {
  toCluster: number;
  fromCluster: number | null;
  sharedCells: number;
  overlap: number;
  label: string | null;
  ontologyId: string | null;
  copied: boolean;
  accepted: boolean;
  reason: string | null;
  proposal: ProposalRow | null;
}

// GraphQL enum values as the database spells them (codegen `enumValues`; Apollo maps them at run time).
export const Role = { OWNER: "owner", EDITOR: "editor", VIEWER: "viewer" } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const RunStatus = { QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", CANCELLED: "cancelled" } as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];
export const ArtifactKind = { EMBEDDING: "embedding", CLUSTERS: "clusters", CHECKPOINT: "checkpoint", HISTORY: "history", UMAP: "umap", MARKERS: "markers", RANK_GENES: "rank_genes" } as const;
export type ArtifactKind = (typeof ArtifactKind)[keyof typeof ArtifactKind];
export const RunPhase = { LOADING: "loading", PREPROCESSING: "preprocessing", TRAINING: "training", EMBEDDING: "embedding", UMAP: "umap", MARKERS: "markers", SAVING: "saving" } as const;
export type RunPhase = (typeof RunPhase)[keyof typeof RunPhase];
export const AnnotationStatus = { OPEN: "open", PROPOSED: "proposed", ACCEPTED: "accepted", DISPUTED: "disputed" } as const;
export type AnnotationStatus = (typeof AnnotationStatus)[keyof typeof AnnotationStatus];
/** Votes are stored as +1 / −1. */
export const VoteValue = { AGREE: 1, DISAGREE: -1 } as const;
export type VoteValue = (typeof VoteValue)[keyof typeof VoteValue];
export const Organism = { HUMAN: "human", MOUSE: "mouse", OTHER: "other" } as const;
export type Organism = (typeof Organism)[keyof typeof Organism];
export const ProposalSource = { MANUAL: "manual", SUGGESTION: "suggestion", COPY: "copy", IMPORT: "import" } as const;
export type ProposalSource = (typeof ProposalSource)[keyof typeof ProposalSource];
