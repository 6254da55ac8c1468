"use client";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { GqlError, gql, type Doc } from "./client";

export interface QueryState<T> {
  data: T | null;
  error: GqlError | null;
  loading: boolean;
  /** Fetches again, keeping the current data on screen meanwhile. */
  refetch(): Promise<void>;
}

/**
 * Runs a query on mount and when `variables` change; an unauthenticated answer goes to sign-in.
 * `refetchOn`: a value (such as a version) whose change fetches again, keeping the data meanwhile.
 */
export function useQuery<T>(query: Doc<T>, variables: Record<string, unknown> = {}, options: { skip?: boolean; refetchOn?: unknown } = {}): QueryState<T> {
  const router = useRouter();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<GqlError | null>(null);
  const [loading, setLoading] = useState(!options.skip);
  const key = JSON.stringify(variables);
  const seq = useRef(0);

  const run = useCallback(async () => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const d = await gql<T>(query, JSON.parse(key) as Record<string, unknown>);
      if (mine !== seq.current) return;
      setData(d);
      setError(null);
    } catch (err) {
      if (mine !== seq.current) return;
      const e = err instanceof GqlError ? err : new GqlError(String(err), "INTERNAL");
      if (e.code === "UNAUTHENTICATED") {
        router.replace(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        return;
      }
      setError(e);
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  }, [query, key, router]);

  useEffect(() => {
    if (!options.skip) void run();
  }, [run, options.skip]);

  const seen = useRef(options.refetchOn);
  useEffect(() => {
    if (Object.is(seen.current, options.refetchOn)) return;
    seen.current = options.refetchOn;
    if (!options.skip) void run();
  }, [options.refetchOn, options.skip, run]);

  return { data, error, loading, refetch: run };
}
