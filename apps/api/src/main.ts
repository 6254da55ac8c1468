/**
 * `pnpm platform`: the API, and (embedded default, or EMBEDDED_WORKER=true) a worker in the same
 * process, whose runs train in trainer processes of their own. With no configuration it runs on
 * PGlite and filesystem storage in DATA_DIR.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, createWorkerMetrics, onShutdown, openPlatform, startQueue, sweepTempDirs } from "@scfnccl/platform";
import { startWorker, workerOptionsFromEnv } from "@scfnccl/worker";
import { readEnv } from "./env.ts";
import { seedDemo } from "./demo.ts";
import { createApi } from "./server.ts";

const env = readEnv();
const log = createLogger("api", { level: env.LOG_LEVEL });
const embedded = !env.DATABASE_URL;
// Upload and dataset-copy folders of an API process that was killed (no chance to clean up).
await sweepTempDirs();
const platform = await openPlatform(env);
log.info({ database: platform.db.kind, storage: platform.store.kind, dataDir: embedded ? env.DATA_DIR : undefined }, "platform opened");
const boss = await startQueue(platform.db, { retryLimit: env.RUN_RETRY_LIMIT });
const metrics = createWorkerMetrics();

let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
if (env.EMBEDDED_WORKER ?? embedded) {
  // The queue consumer runs here; each run trains in a trainer process of its own (apps/worker's
  // trainer.ts), so no training step runs on the API's event loop.
  worker = await startWorker({
    ...platform,
    boss,
    log,
    ...workerOptionsFromEnv(env, metrics),
  });
}

// The bundle sits in apps/api/dist with the SDL copied beside it; from source, the schema module finds its own.
const bundled = import.meta.url.endsWith("/dist/main.js");
const api = await createApi({ env, ...platform, boss, log, metrics, schemaDir: bundled ? new URL("./schema/", import.meta.url) : undefined });
if (env.DEMO ?? embedded) {
  const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
  await seedDemo(api.deps, { email: env.DEMO_EMAIL, password: env.DEMO_PASSWORD, datasetPath: join(repoRoot, "apps/api/demo/pbmc3k") }).catch(
    (err: unknown) => log.error({ err }, "demo seeding failed"),
  );
}
const url = await api.listen(env.PORT, env.HOST);
log.info({ url, graphql: `${url}/graphql`, demo: (env.DEMO ?? embedded) ? env.DEMO_EMAIL : undefined }, "API listening");

onShutdown(log, [() => worker?.stop(), () => api.close(), () => boss.stop({ graceful: true, wait: true, close: false }), () => platform.db.close()]);
