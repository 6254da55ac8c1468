import { and, desc, eq, lt, or, type PgColumn, type SQL } from "@scfnccl/db";
import { invalid } from "../errors.ts";

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const MAX_PAGE = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const DEFAULT_PAGE = 20;

/** Cursors are opaque to clients: base64url of the row's (createdAt, id), the listing's sort key. */
export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString("base64url");
}

function decodeCursor(cursor: string): [Date, string] {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as [string, string];
    const date = new Date(at);
    // The id and date go into SQL: a UUID, and a date PostgreSQL can hold (years 1-9999 here).
    if (typeof id !== "string" || !UUID.test(id) || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new Error();
    return [date, id];
  } catch {
    throw invalid("invalid cursor", "after");
  }
}

export function pageSize(args: PageArgs): number {
  const n = args.first ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw invalid(`first must be between 1 and ${MAX_PAGE}`, "first");
  return n;
}

/** The WHERE part and ORDER BY for newest-first keyset pagination on (createdAt, id). */
export function keyset(table: { createdAt: PgColumn; id: PgColumn }, args: PageArgs): { where?: SQL; orderBy: SQL[] } {
  const orderBy = [desc(table.createdAt), desc(table.id)];
  if (!args.after) return { orderBy };
  const [at, id] = decodeCursor(args.after);
  return { where: or(lt(table.createdAt, at), and(eq(table.createdAt, at), lt(table.id, id))), orderBy };
}

/** Builds the connection from `limit + 1` fetched rows. */
export function toConnection<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(node), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges[edges.length - 1]?.cursor ?? null } };
}
