export * from "./schema/index.ts";
export { createDb, migrationsFolder, type Db, type DbClient, type DbOptions, type Schema, type SqlExecutor } from "./client.ts";
// Query operators come from here, so every package builds queries with this package's drizzle instance.
export { and, asc, count, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql, type SQL } from "drizzle-orm";
export type { PgColumn } from "drizzle-orm/pg-core";
export type { Rows } from "./rows.ts";
export type { DatasetQc, QcDistribution, Histogram } from "./qc.ts";
