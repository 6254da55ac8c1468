import { index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { users } from "./auth.ts";
import { cellSets, runs } from "./runs.ts";

/** A review read from an imported CAS document. */
export interface ImportedReview {
  reviewer: string | null;
  verdict: "Agree" | "Disagree";
  explanation: string | null;
  /** ISO date-time. */
  at: string;
}

export const PROPOSAL_SOURCES = ["manual", "suggestion", "copy", "import"] as const;
export type ProposalSource = (typeof PROPOSAL_SOURCES)[number];

/** The clusterIndex of proposals and comments on a cell set (whose id is then in cellSetId). */
export const CELL_SET_INDEX = -1;

/** A proposed cell-type label for one cluster of a run, or for one cell set (GraphQL `Proposal`). */
export const annotations = pgTable(
  "annotations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    /** The cluster; CELL_SET_INDEX (-1) when the subject is the cell set `cellSetId`. */
    clusterIndex: integer("cluster_index").notNull(),
    cellSetId: uuid("cell_set_id").references((): AnyPgColumn => cellSets.id, { onDelete: "cascade" }),
    /** The label (the column keeps its first name so existing rows migrate in place). */
    cellType: text("cell_type").notNull(),
    /** Cell Ontology id, `CL:` and 7 digits. */
    ontologyId: text("ontology_id"),
    evidence: text("evidence"),
    markerGenes: jsonb("marker_genes").$type<string[]>().notNull().default([]),
    /** How the proposal came: typed by its author, adopted from a marker-database suggestion, copied from another run, imported from a CAS document. */
    source: text("source").$type<ProposalSource>().notNull().default("manual"),
    /** For `suggestion` (and imported automated annotations): the algorithm, its score and evidence as computed when adopted. */
    automated: jsonb("automated").$type<Record<string, unknown>>(),
    /** For `import`: the author the CAS document names (the importer is `author_id`). */
    importedAuthor: text("imported_author"),
    /**
     * For `import`: the document's reviews, kept as they were written and exported again, never
     * turned into votes (a document cannot cast votes in a team member's name).
     */
    importedReviews: jsonb("imported_reviews").$type<ImportedReview[]>().notNull().default([]),
    /** 1 at creation, +1 per revision. */
    revision: integer("revision").notNull().default(1),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("annotations_run_idx").on(t.runId, t.clusterIndex)],
);

/** One vote per user and proposal; voting again replaces it. */
export const votes = pgTable(
  "votes",
  {
    annotationId: uuid("annotation_id")
      .notNull()
      .references(() => annotations.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** +1 (agree) or −1 (disagree). */
    value: smallint("value").notNull(),
    /** Why, required for a disagreement. */
    reason: text("reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.annotationId, t.userId] })],
);

export const comments = pgTable(
  "comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    runId: uuid("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    clusterIndex: integer("cluster_index").notNull(),
    cellSetId: uuid("cell_set_id").references((): AnyPgColumn => cellSets.id, { onDelete: "cascade" }),
    /** The proposal the comment answers, if any. */
    proposalId: uuid("proposal_id").references((): AnyPgColumn => annotations.id, { onDelete: "set null" }),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("comments_run_idx").on(t.runId, t.clusterIndex)],
);
