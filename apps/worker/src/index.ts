export { startWorker, workerOptionsFromEnv, type Worker, type WorkerOptions } from "./worker.ts";
export { computeMarkers, computeUmap, type Clustering } from "./results.ts";
export { processRun, runKeys, type RunOutcome, type RunContext } from "./train-run.ts";
export { requeueStaleRuns } from "./reaper.ts";
