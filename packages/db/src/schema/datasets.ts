import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { DatasetQc } from "../qc.ts";
import { users } from "./auth.ts";
import { teams } from "./teams.ts";

/** An uploaded dataset. The bytes live in object storage under `storageKey`; this row is its metadata. */
export const datasets = pgTable(
  "datasets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Reader layout the engine detected, e.g. `scdeepcluster-h5`. */
    format: text("format").notNull(),
    cells: integer("cells").notNull(),
    genes: integer("genes").notNull(),
    labelColumns: jsonb("label_columns").$type<string[]>().notNull().default([]),
    /** The gene columns the file carries (e.g. `gene_ids`, `gene_symbols`), plus any attached id→symbol file's. */
    geneColumns: jsonb("gene_columns").$type<string[]>().notNull().default([]),
    /** Which of geneColumns names genes for display; null = the ids. */
    geneNameColumn: text("gene_name_column"),
    /** A label file uploaded with the dataset (cell name first), read with it by every run. */
    labelsKey: text("labels_key"),
    /** SHA-256 of the uploaded bytes (hex). */
    checksum: text("checksum").notNull(),
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    storageKey: text("storage_key").notNull(),
    /** `human`, `mouse` or `other`: said at upload or guessed from the gene symbols' case; null = not known yet. Chooses the marker databases' organism. */
    organism: text("organism"),
    /** Per-cell QC of the raw counts, computed when the upload was validated. */
    qc: jsonb("qc").$type<DatasetQc>(),
    uploaderId: uuid("uploader_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("datasets_team_idx").on(t.teamId, t.createdAt)],
);
