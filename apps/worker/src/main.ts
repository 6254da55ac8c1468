/**
 * A standalone worker process: `node apps/worker/dist/main.js` with DATABASE_URL (and S3_*) set,
 * as many as there are machines. Health, readiness and Prometheus metrics on WORKER_PORT.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { initBackend } from "@scfnccl/engine";
import { z } from "zod";
import { parseEnv, platformEnvSchema } from "./env.ts";
import { createLogger } from "./logger.ts";
import { createWorkerMetrics } from "./metrics.ts";
import { openPlatform } from "./platform.ts";
import { startQueue } from "./queue.ts";
import { startWorker, workerOptionsFromEnv } from "./worker.ts";

const env = parseEnv(platformEnvSchema.and(z.object({ WORKER_PORT: z.coerce.number().int().min(0).default(9091) })), process.env);
const log = createLogger("worker", env.LOG_LEVEL);
if (!env.DATABASE_URL) log.warn("DATABASE_URL is unset: this worker uses its own embedded database, which no API sees (use `pnpm platform` for the embedded setup)");
const backend = await initBackend(env.BACKEND);
log.info({ backend }, "engine backend");
const platform = await openPlatform(env);
const boss = await startQueue(platform.db, { retryLimit: env.RUN_RETRY_LIMIT });
const metrics = createWorkerMetrics();
const worker = await startWorker({
  ...platform,
  boss,
  log,
  ...workerOptionsFromEnv(env, metrics),
});

const server = createServer((req, res) => {
  void (async () => {
    if (req.url === "/healthz") return res.writeHead(200).end("ok");
    if (req.url === "/readyz") {
      try {
        await platform.db.sql.executeSql("select 1", []);
        await platform.store.ping();
        return res.writeHead(200).end("ready");
      } catch (err) {
        return res.writeHead(503).end(`not ready: ${(err as Error).message}`);
      }
    }
    if (req.url === "/metrics") {
      metrics.activeRuns.set(worker.active());
      return res.writeHead(200, { "content-type": metrics.registry.contentType }).end(await metrics.registry.metrics());
    }
    res.writeHead(404).end();
  })();
});
server.listen(env.WORKER_PORT, () => log.info({ port: (server.address() as AddressInfo).port }, "worker health endpoint"));

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping: runs in hand go back to the queue");
    void (async () => {
      await worker.stop();
      await boss.stop({ graceful: true, wait: true, close: false });
      await platform.db.close();
      server.close();
      process.exit(0);
    })();
  });
}
