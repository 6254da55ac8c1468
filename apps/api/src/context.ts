import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { apiTokens, eq, memberships, sessions, sql, type DbClient, type Role } from "@scfnccl/db";
import type { ObjectStore } from "@scfnccl/storage";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { parseCookies, SESSION_COOKIE } from "./auth/cookies.ts";
import { tokenHash } from "./auth/crypto.ts";
import type { RateLimits } from "./auth/rateLimit.ts";
import type { ApiEnv } from "./env.ts";
import { createLoaders, type Loaders } from "./loaders.ts";

/** What the API holds for its whole life. */
export interface Deps {
  db: DbClient;
  store: ObjectStore;
  boss: PgBoss;
  env: ApiEnv;
  log: Logger;
  limits: RateLimits;
  /** The client's address, X-Forwarded-For believed only from TRUSTED_PROXIES. */
  clientAddress(req: IncomingMessage): string;
}

export interface Viewer {
  userId: string;
  /** Set when authenticated by session cookie (sign-out ends this one). */
  sessionId?: string;
  /** Set when authenticated by API token (revoking it ends this one). */
  tokenId?: string;
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

/**
 * Who sent the request: a viewer, nobody (no credentials), or credentials that are refused with a
 * one-line reason (answered 401, never served as an anonymous request).
 */
export type Authentication = { viewer: Viewer | null; refused?: undefined } | { viewer: null; refused: string; cookie: boolean };

/** Finds the viewer from a session cookie, an `Authorization: Bearer` API or session token, or `bearer`. */
export async function authenticate(deps: Deps, headers: IncomingHttpHeaders, bearer?: string): Promise<Authentication> {
  const db = deps.db.db;
  const auth = headers.authorization;
  if (auth !== undefined && bearer === undefined && !/^Bearer \S+$/.test(auth.trim())) return { viewer: null, refused: "the Authorization header must be `Bearer <token>`", cookie: false };
  const token = bearer ?? (auth ? auth.trim().slice(7) : undefined);
  if (token) {
    const [row] = await db
      .update(apiTokens)
      .set({ lastUsedAt: sql`now()` })
      .where(eq(apiTokens.tokenHash, tokenHash(token)))
      .returning({ id: apiTokens.id, userId: apiTokens.userId, revokedAt: apiTokens.revokedAt });
    if (row?.revokedAt) return { viewer: null, refused: "the API token was revoked", cookie: false };
    if (row) return { viewer: { userId: row.userId, tokenId: row.id } };
    // A session token may be sent as a bearer too (socket.io clients outside a browser).
  }
  const fromCookie = parseCookies(headers.cookie)[SESSION_COOKIE];
  const sessionToken = token ?? fromCookie;
  if (!sessionToken) return { viewer: null };
  const [session] = await db
    .select({ id: sessions.id, userId: sessions.userId, expired: sql<boolean>`${sessions.expiresAt} <= now()` })
    .from(sessions)
    .where(eq(sessions.tokenHash, tokenHash(sessionToken)));
  const cookie = !token;
  if (!session) return { viewer: null, refused: token ? "the token is not a valid API token or session (revoked, signed out or mistyped)" : "the session is not valid (signed out or replaced); sign in again", cookie };
  if (session.expired) return { viewer: null, refused: "the session expired; sign in again", cookie };
  return { viewer: { userId: session.userId, sessionId: session.id } };
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
