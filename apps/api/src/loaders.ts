/** Per-request batching: a list of N runs asks the database once for their datasets, not N times. */
import DataLoader from "dataloader";
import { and, annotations, artifacts, asc, auditLog, cellSets, eq, clusters, comments, datasets, inArray, or, runs, teams, users, votes, type Db } from "@scfnccl/db";

type Row<T extends { $inferSelect: unknown }> = T["$inferSelect"];

function byId<T extends { id: string }>(ids: readonly string[], rows: T[]): (T | null)[] {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
}

function groupBy<T>(keys: readonly string[], rows: T[], key: (r: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
}

export function createLoaders(db: Db) {
  return {
    user: new DataLoader<string, Row<typeof users> | null>(async (ids) => byId(ids, await db.select().from(users).where(inArray(users.id, [...ids])))),
    team: new DataLoader<string, Row<typeof teams> | null>(async (ids) => byId(ids, await db.select().from(teams).where(inArray(teams.id, [...ids])))),
    dataset: new DataLoader<string, Row<typeof datasets> | null>(async (ids) =>
      byId(ids, await db.select().from(datasets).where(inArray(datasets.id, [...ids]))),
    ),
    run: new DataLoader<string, Row<typeof runs> | null>(async (ids) => byId(ids, await db.select().from(runs).where(inArray(runs.id, [...ids])))),
    clustersByRun: new DataLoader<string, Row<typeof clusters>[]>(async (ids) =>
      groupBy(ids, (await db.select().from(clusters).where(inArray(clusters.runId, [...ids]))).sort((a, b) => a.index - b.index), (r) => r.runId),
    ),
    artifactsByRun: new DataLoader<string, Row<typeof artifacts>[]>(async (ids) =>
      groupBy(ids, await db.select().from(artifacts).where(inArray(artifacts.runId, [...ids])), (r) => r.runId),
    ),
    annotationsByRun: new DataLoader<string, Row<typeof annotations>[]>(async (ids) =>
      groupBy(ids, await db.select().from(annotations).where(inArray(annotations.runId, [...ids])).orderBy(asc(annotations.createdAt), asc(annotations.id)), (r) => r.runId),
    ),
    commentsByRun: new DataLoader<string, Row<typeof comments>[]>(async (ids) =>
      groupBy(ids, await db.select().from(comments).where(inArray(comments.runId, [...ids])).orderBy(asc(comments.createdAt), asc(comments.id)), (r) => r.runId),
    ),
    /** A run's cell sets, oldest first. */
    cellSetsByRun: new DataLoader<string, Row<typeof cellSets>[]>(async (ids) =>
      groupBy(ids, await db.select().from(cellSets).where(inArray(cellSets.runId, [...ids])).orderBy(asc(cellSets.createdAt), asc(cellSets.id)), (r) => r.runId),
    ),
    /**
     * A cluster's or cell set's audit trail, oldest first, keyed `<targetType>|<targetId>`
     * (`cluster|<runId>:<index>`, `cellSet|<id>`); one query for all asked.
     */
    history: new DataLoader<string, Row<typeof auditLog>[]>(async (keys) => {
      const pairs = keys.map((k) => [k.slice(0, k.indexOf("|")), k.slice(k.indexOf("|") + 1)] as const);
      const types = [...new Set(pairs.map(([t]) => t))];
      const rows = await db
        .select()
        .from(auditLog)
        .where(or(...types.map((t) => and(eq(auditLog.targetType, t), inArray(auditLog.targetId, pairs.filter(([x]) => x === t).map(([, id]) => id))))))
        .orderBy(asc(auditLog.id));
      return groupBy(keys, rows, (r) => `${r.targetType}|${r.targetId ?? ""}`);
    }),
    votesByAnnotation: new DataLoader<string, Row<typeof votes>[]>(async (ids) =>
      groupBy(ids, await db.select().from(votes).where(inArray(votes.annotationId, [...ids])), (r) => r.annotationId),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
