import { and, eq, lt, runs, sql, type DbClient } from "@scfnccl/db";
import type PgBoss from "pg-boss";
import { enqueueRun, publishEvent, RUN_QUEUE } from "@scfnccl/platform";

/**
 * Puts back in the queue every running run whose worker stopped sending heartbeats (a crash, a
 * lost machine). The next attempt resumes from the run's last checkpoint. Safe to call from any
 * number of processes: the conditional UPDATE hands each stale run to exactly one caller.
 */
export async function requeueStaleRuns(client: DbClient, boss: PgBoss, staleAfterSeconds: number): Promise<string[]> {
  const stale = await client.db
    .update(runs)
    .set({ status: "queued", workerId: null })
    .where(and(eq(runs.status, "running"), lt(runs.heartbeatAt, sql`now() - make_interval(secs => ${staleAfterSeconds})`)))
    .returning({ id: runs.id, teamId: runs.teamId, attempt: runs.attempt });
  for (const r of stale) {
    // The dead worker's job would otherwise stay `active` until pg-boss expires it (hours later).
    const { rows } = await client.sql.executeSql("select id from pgboss.job where name = $1 and state = 'active' and data->>'runId' = $2", [RUN_QUEUE, r.id]);
    if (rows.length) await boss.cancel(RUN_QUEUE, rows.map((j) => String(j["id"])));
    await enqueueRun(boss, r.id);
    await publishEvent(client, { type: "run.status", teamId: r.teamId, runId: r.id, status: "queued", attempt: r.attempt });
  }
  return stale.map((r) => r.id);
}
