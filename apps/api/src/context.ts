import type { IncomingHttpHeaders } from "node:http";
import { and, apiTokens, eq, gt, isNull, memberships, sessions, sql, type DbClient, type Role } from "@scfnccl/db";
import type { ObjectStore } from "@scfnccl/storage";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { parseCookies, SESSION_COOKIE } from "./auth/cookies.ts";
import { tokenHash } from "./auth/crypto.ts";
import type { RateLimiter } from "./auth/rateLimit.ts";
import type { ApiEnv } from "./env.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

/** What the API holds for its whole life. */
export interface Deps {
  db: DbClient;
  store: ObjectStore;
  boss: PgBoss;
  env: ApiEnv;
  log: Logger;
  signInLimiter: RateLimiter;
}

export interface Viewer {
  userId: string;
  /** Set when authenticated by session cookie (sign-out ends this one). */
  sessionId?: string;
}

/** One per request (HTTP or socket event): who asks, and request-scoped caches. */
export interface RequestContext {
  deps: Deps;
  viewer: Viewer | null;
  loaders: Loaders;
  log: Logger;
  clientAddress: string;
  /** Adds a Set-Cookie header to the response (sign-in, sign-out). */
  setCookie(value: string): void;
  /** The viewer's role in each of their teams, read once per request. */
  roles(this: RequestContext): Promise<Map<string, Role>>;
}

/** Finds the viewer from a session cookie or an `Authorization: Bearer` API token. */
export async function authenticate(deps: Deps, headers: IncomingHttpHeaders, bearer?: string): Promise<Viewer | null> {
  const db = deps.db.db;
  const auth = headers.authorization;
  const token = bearer ?? (auth?.startsWith("Bearer ") ? auth.slice(7).trim() : undefined);
  if (token) {
    const [row] = await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(and(eq(apiTokens.tokenHash, tokenHash(token)), isNull(apiTokens.revokedAt)))
      .returning({ userId: apiTokens.userId });
    if (row) return { userId: row.userId };
    // A session token may be sent as a bearer too (socket.io clients outside a browser).
  }
  const sessionToken = token ?? parseCookies(headers.cookie)[SESSION_COOKIE];
  if (!sessionToken) return null;
  const [session] = await db
    .select({ id: sessions.id, userId: sessions.userId })
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash(sessionToken)), gt(sessions.expiresAt, sql`now()`)));
  return session ? { userId: session.userId, sessionId: session.id } : null;
}

export function createContext(
  deps: Deps,
  init: { viewer: Viewer | null; log: Logger; clientAddress: string; setCookie?: (value: string) => void },
): RequestContext {
  let roles: Promise<Map<string, Role>> | null = null;
  let rolesOf: string | null = null;
  const ctx: RequestContext = {
    deps,
    viewer: init.viewer,
    loaders: createLoaders(deps.db.db),
    log: init.log,
    clientAddress: init.clientAddress,
    setCookie: init.setCookie ?? (() => {}),
    // `this`, not `ctx`: Apollo Server hands resolvers a shallow copy of the context, and sign-in
    // sets `viewer` on that copy.
    roles(this: RequestContext) {
      const userId = this.viewer?.userId;
      if (!userId) return Promise.resolve(new Map());
      if (!roles || rolesOf !== userId) {
        rolesOf = userId;
        roles = deps.db.db
          .select({ teamId: memberships.teamId, role: memberships.role })
          .from(memberships)
          .where(eq(memberships.userId, userId))
          .then((rows) => new Map(rows.map((r) => [r.teamId, r.role])));
      }
      return roles;
    },
  };
  return ctx;
}
