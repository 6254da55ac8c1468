/**
 * The run queue: pg-boss on the platform's own database (PostgreSQL or PGlite through the same
 * SQL adapter), so any number of workers take runs from one place.
 */
import type { DbClient } from "@scfnccl/db";
import PgBoss from "pg-boss";

export const RUN_QUEUE = "runs";
export const RUN_DEAD_LETTER_QUEUE = "runs-dead";

export interface RunJob {
  runId: string;
}

export interface QueueOptions {
  /** Attempts after a failure (default 2), spaced by pg-boss's exponential backoff. */
  retryLimit?: number;
  retryDelaySeconds?: number;
  /** Whether this process runs pg-boss maintenance (expiry, archiving); one per deployment is enough. */
  supervise?: boolean;
}

export async function startQueue(db: DbClient, options: QueueOptions = {}): Promise<PgBoss> {
  const boss = new PgBoss({ db: db.sql, supervise: options.supervise ?? true, schedule: false });
  boss.on("error", (err) => console.error("pg-boss:", err));
  await boss.start();
  await boss.createQueue(RUN_DEAD_LETTER_QUEUE);
  await boss.createQueue(RUN_QUEUE, {
    name: RUN_QUEUE,
    retryLimit: options.retryLimit ?? 2,
    retryDelay: options.retryDelaySeconds ?? 5,
    retryBackoff: true,
    // Liveness is the run's own heartbeat (see reaper.ts); this only bounds a job pg-boss lost track of.
    expireInSeconds: 23 * 3600,
    deadLetter: RUN_DEAD_LETTER_QUEUE,
  });
  return boss;
}

export async function enqueueRun(boss: PgBoss, runId: string): Promise<string | null> {
  return boss.send(RUN_QUEUE, { runId } satisfies RunJob);
}
