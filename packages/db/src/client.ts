/**
 * The one way to open the database: PGlite (PostgreSQL compiled to wasm, in a data folder) when no
 * URL is given, node-postgres when one is. Everything above this file sees the same drizzle API,
 * the same `sql` adapter (for pg-boss) and the same LISTEN/NOTIFY pub/sub.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import * as schema from "./schema/index.ts";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** Runs raw SQL; the shape pg-boss's `db` option expects. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface DbClient {
  kind: "pglite" | "postgres";
  db: Db;
  sql: SqlExecutor;
  /** Subscribes to a NOTIFY channel; resolves to the function that unsubscribes. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  /** Applies every migration in packages/db/migrations not applied yet. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  url?: string;
  /** PGlite data folder (embedded only); in memory when absent. */
  dataDir?: string;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

// Resolved through the package, not this file's URL, so bundled apps find the folder too.
export const migrationsFolder = join(dirname(createRequire(import.meta.url).resolve("@scfnccl/db/package.json")), "migrations");

export async function createDb(options: DbOptions = {}): Promise<DbClient> {
  return options.url ? openPostgres(options.url, options.poolSize ?? 10) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<DbClient> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    sql: {
      async executeSql(text, values) {
        // pg-boss sends its schema and maintenance scripts as several statements without
        // parameters; only `exec` runs those, and only `query` takes parameters.
        if (!values || values.length === 0) {
          const results = await client.exec(text);
          return { rows: (results[results.length - 1]?.rows ?? []) as Record<string, unknown>[] };
        }
        const result = await client.query<Record<string, unknown>>(text, values);
        return { rows: result.rows };
      },
    },
    async listen(channel, onPayload) {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async notify(channel, payload) {
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async migrate() {
      await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder });
    },
    async close() {
      await client.close();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<DbClient> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on("error", () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let listenClient: pg.Client | null = null;

  async function listenConnection(): Promise<pg.Client> {
    if (listenClient) return listenClient;
    const c = new pg.Client({ connectionString: url });
    c.on("error", () => {});
    c.on("notification", (msg) => {
      for (const fn of listeners.get(msg.channel) ?? []) fn(msg.payload ?? "");
    });
    await c.connect();
    listenClient = c;
    return c;
  }

  return {
    kind: "postgres",
    db,
    sql: {
      async executeSql(text, values) {
        const result = await pool.query(text, values);
        // A multi-statement text answers an array of results; pg-boss reads the last one.
        const last = Array.isArray(result) ? (result[result.length - 1] as pg.QueryResult) : result;
        return { rows: (last?.rows ?? []) as Record<string, unknown>[] };
      },
    },
    async listen(channel, onPayload) {
      const c = await listenConnection();
      let set = listeners.get(channel);
      if (!set) {
        set = new Set();
        listeners.set(channel, set);
        await c.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async notify(channel, payload) {
      await pool.query("select pg_notify($1, $2)", [channel, payload]);
    },
    async migrate() {
      await migratePg(drizzlePg(pool, { schema }), { migrationsFolder });
    },
    async close() {
      await listenClient?.end().catch(() => {});
      listenClient = null;
      await pool.end();
    },
  };
}
