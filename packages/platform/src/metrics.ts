import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus metrics of one worker process. */
export function createWorkerMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    epochSeconds: new Histogram({
      name: "scfnccl_epoch_seconds",
      help: "Wall seconds of one training epoch",
      buckets: [0.5, 1, 2, 5, 10, 20, 60, 120],
      registers: [registry],
    }),
    runOutcomes: new Counter({ name: "scfnccl_worker_run_outcomes_total", help: "Run attempts by outcome", labelNames: ["outcome"], registers: [registry] }),
    activeRuns: new Gauge({ name: "scfnccl_worker_active_runs", help: "Runs being trained by this worker now", registers: [registry] }),
  };
}
