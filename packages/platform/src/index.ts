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
export { encodeArrays, decodeArrays, type StoredArray } from "./arrays.ts";
export {
  datasetKeys,
  OBS_KEYS,
  geneTableOf,
  displayNames,
  encodeExpression,
  decodeExpression,
  geneValues,
  cellPositions,
  isMitochondrial,
  encodeObs,
  decodeObs,
  searchGenes,
  findGene,
  deriveDatasetFiles,
  type ObsKey,
  type GeneTable,
  type DatasetNames,
  type ExpressionStore,
} from "./datasetFiles.ts";
export { RANK_FIELDS, encodeRankGenes, decodeRankGenes, markerRows, markersCsv, type RankedGroup, type RankGenesFile, type MarkerRow } from "./rankGenesFile.ts";
export { createTempDir, sweepTempDirs } from "./tempDirs.ts";
