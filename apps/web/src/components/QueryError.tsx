"use client";
/** A query's error where its panel would be, and (optionally) what is loading meanwhile. */
import type { QueryState } from "../graphql/hooks";

export function QueryError({ q, loading }: { q: Pick<QueryState<unknown>, "error" | "loading" | "data">; loading?: string }) {
  if (q.error) return <p className="alert">{q.error.message}</p>;
  if (loading && q.loading && !q.data) return <p className="muted" aria-live="polite">{loading}</p>;
  return null;
}
