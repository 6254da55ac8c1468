/**
 * @scfnccl/platform: what the API and the worker share. `@scfnccl/platform/cells` is the
 * browser-safe per-cell results codec.
 */
export { platformEnvSchema, parseEnv, type PlatformEnv } from "./env.ts";
export { createLogger, REDACTED_PATHS, SECRET_PATTERNS, scrubSecrets, type LoggerOptions } from "./logger.ts";
export { createWorkerMetrics } from "./metrics.ts";
export { startQueue, enqueueRun, RUN_QUEUE, RUN_DEAD_LETTER_QUEUE, type RunJob, type QueueOptions } from "./queue.ts";
export { EVENTS_CHANNEL, publishEvent, subscribeEvents, type PlatformEvent } from "./events.ts";
export { openPlatform, type Platform } from "./open.ts";
export { handleHealth, type HealthOptions } from "./health.ts";
export { onShutdown } from "./shutdown.ts";
export { MARKERS_PER_CLUSTER } from "./results.ts";
export { decodeCellsFile, encodeCellsFile, type CellsFile, type CellsFileHeader, type CellsFileInput } from "./cells.ts";
