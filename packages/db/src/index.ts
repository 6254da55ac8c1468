export * from "./schema/index.ts";
export { createDb, migrationsFolder, type Db, type DbClient, type DbOptions, type Schema, type SqlExecutor } from "./client.ts";
