/**
 * A standalone worker process: `node apps/worker/dist/main.js` with DATABASE_URL (and S3_*) set,
 * as many as there are machines. Health, readiness and Prometheus metrics on WORKER_PORT.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { createLogger, createWorkerMetrics, handleHealth, onShutdown, openPlatform, parseEnv, platformEnvSchema, startQueue } from "@scfnccl/platform";
import { startWorker, workerOptionsFromEnv } from "./worker.ts";

const env = parseEnv(platformEnvSchema.and(z.object({ WORKER_PORT: z.coerce.number().int().min(0).default(9091) })), process.env);
const log = createLogger("worker", { level: env.LOG_LEVEL });
if (!env.DATABASE_URL) log.warn("DATABASE_URL is unset: this worker uses its own embedded database, which no API sees (use `pnpm platform` for the embedded setup)");
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
  const metricsOptions = { registry: metrics.registry, beforeScrape: () => void metrics.activeRuns.set(worker.active()) };
  handleHealth(req, res, platform, { metrics: metricsOptions })
    .then((route) => void (route ?? res.writeHead(404).end()))
    .catch((err: unknown) => {
      log.error({ err }, "health request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
});
server.listen(env.WORKER_PORT, () => log.info({ port: (server.address() as AddressInfo).port }, "worker health endpoint"));

// Runs in hand go back to the queue.
onShutdown(log, [() => worker.stop(), () => boss.stop({ graceful: true, wait: true, close: false }), () => platform.db.close(), () => server.close()]);
