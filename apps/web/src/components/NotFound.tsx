import Link from "next/link";
import type { GqlError } from "../graphql/client";

/** The API's answer for an object that is missing or another team's (both on purpose the same). */
export const isNotFound = (e: GqlError) => e.code === "NOT_FOUND" || e.code === "FORBIDDEN";

/**
 * What a page says when its object is missing or belongs to a team the user is not in (the API
 * answers the same for both, so nothing leaks), with the ways back.
 */
export function NotFound({ what }: { what: string }) {
  return (
    <section className="panel" role="alert" data-testid="not-found">
      <h1>{what} not found</h1>
      <p>It does not exist, was deleted, or belongs to a team you are not a member of. Ask a member of that team&apos;s owners to add you if you need it.</p>
      <p className="inline">
        <Link className="button" href="/teams">
          Your teams
        </Link>
        <button type="button" className="secondary" onClick={() => window.history.back()}>
          Go back
        </button>
      </p>
    </section>
  );
}
