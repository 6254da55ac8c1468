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
export type AnnotationRow = Rows["annotation"];
export type CommentRow = Rows["comment"];

// GraphQL enum values as the database spells them (codegen `enumValues`; Apollo maps them at run time).
export const Role = { OWNER: "owner", EDITOR: "editor", VIEWER: "viewer" } as const;
export type Role = (typeof Role)[keyof typeof Role];
export const RunStatus = { QUEUED: "queued", RUNNING: "running", SUCCEEDED: "succeeded", FAILED: "failed", CANCELLED: "cancelled" } as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];
export const ArtifactKind = { EMBEDDING: "embedding", CLUSTERS: "clusters", CHECKPOINT: "checkpoint", HISTORY: "history" } as const;
export type ArtifactKind = (typeof ArtifactKind)[keyof typeof ArtifactKind];
