import { and, apiTokens, desc, eq, isNull, lt, memberships, ne, sessions, sql, teams, users } from "@scfnccl/db";
import { publishEvent } from "@scfnccl/platform";
import { z } from "zod";
import { clearedSessionCookie, secureCookies, sessionCookie } from "../auth/cookies.ts";
import { hashPassword, newToken, tokenHash, verifyPassword } from "../auth/crypto.ts";
import { assertStrongPassword } from "../auth/passwordStrength.ts";
import type { RequestContext } from "../context.ts";
import { AppError, invalid, notFound } from "../errors.ts";
import { requireViewer } from "./access.ts";
import { audit } from "./audit.ts";

const signUpInput = z.object({
  email: z.string().trim().toLowerCase().email("not a valid e-mail address"),
  password: z.string().min(10, "password must have at least 10 characters").max(200, "password is too long"),
  name: z.string().trim().min(1, "name is required").max(100),
  // GraphQL clients send an unset optional field as null, and a form's blank field as "": both mean no team.
  teamName: z
    .string()
    .trim()
    .max(100)
    .nullish()
    .transform((v) => v || undefined),
});

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.message, issue.path.join(".") || undefined);
  }
  return parsed.data;
}

let dummy: Promise<string> | null = null;
const dummyHash = () => (dummy ??= hashPassword("no account has this password"));

async function startSession(ctx: RequestContext, userId: string): Promise<void> {
  const token = newToken();
  const ttl = ctx.deps.env.SESSION_TTL_HOURS * 3600;
  const [session] = await ctx.deps.db.db
    .insert(sessions)
    .values({ userId, tokenHash: tokenHash(token), expiresAt: new Date(Date.now() + ttl * 1000) })
    .returning({ id: sessions.id });
  // Expired sessions of this user go now rather than piling up.
  await ctx.deps.db.db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, sql`now()`)));
  // The rest of this request (the payload's fields) is answered as the new user.
  ctx.viewer = { userId, sessionId: session!.id };
  ctx.setCookie(sessionCookie(token, { maxAgeSeconds: ttl, secure: secureCookies(ctx.deps.env) }));
}

/**
 * Creates the account (and a team it owns when `teamName` is given) and signs it in.
 * `publishedPassword`: the demo account's password is printed on the sign-in page, so its strength is moot.
 */
export async function signUp(ctx: RequestContext, raw: unknown, options: { publishedPassword?: boolean } = {}) {
  const input = parseInput(signUpInput, raw);
  if (!options.publishedPassword) {
    assertStrongPassword(input.password, [input.email, input.name]);
    // Counted after the input checks, before the answer that tells whether the address has an account.
    await ctx.deps.limits.signUp(ctx.clientAddress);
  }
  const passwordHash = await hashPassword(input.password);
  const user = await ctx.deps.db.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.email));
    if (existing) throw new AppError("CONFLICT", "an account with this e-mail address exists", "email");
    const [u] = await tx.insert(users).values({ email: input.email, name: input.name, passwordHash }).returning();
    if (input.teamName) {
      const [t] = await tx.insert(teams).values({ name: input.teamName }).returning();
      await tx.insert(memberships).values({ teamId: t!.id, userId: u!.id, role: "owner" });
      await audit(tx, { teamId: t!.id, actorId: u!.id, action: "team.create", targetType: "team", targetId: t!.id });
    }
    await audit(tx, { actorId: u!.id, action: "user.signUp", targetType: "user", targetId: u!.id });
    return u!;
  });
  await startSession(ctx, user.id);
  return user;
}

export async function signIn(ctx: RequestContext, emailRaw: string, password: string) {
  const email = emailRaw.trim().toLowerCase();
  await ctx.deps.limits.signInAttempt(email, ctx.clientAddress);
  const [user] = await ctx.deps.db.db.select().from(users).where(eq(users.email, email));
  // Same message, and the same hashing time, for an unknown address and a wrong password: the
  // form must not reveal which accounts exist.
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  if (!user || !ok) throw new AppError("UNAUTHENTICATED", "wrong e-mail address or password");
  await ctx.deps.limits.signInSucceeded(email, ctx.clientAddress);
  await startSession(ctx, user.id);
  await audit(ctx.deps.db.db, { actorId: user.id, action: "user.signIn", targetType: "user", targetId: user.id });
  return user;
}

/**
 * Replaces the viewer's password after checking the current one (counted like a sign-in, so a
 * borrowed session cannot guess it), and ends the account's other sessions.
 */
export async function changePassword(ctx: RequestContext, currentPassword: string, newPasswordRaw: string) {
  const viewer = requireViewer(ctx);
  const newPassword = parseInput(z.object({ newPassword: signUpInput.shape.password }), { newPassword: newPasswordRaw }).newPassword;
  const [user] = await ctx.deps.db.db.select().from(users).where(eq(users.id, viewer.userId));
  if (!user) throw notFound("account");
  await ctx.deps.limits.signInAttempt(user.email, ctx.clientAddress);
  if (!(await verifyPassword(user.passwordHash, currentPassword))) throw new AppError("UNAUTHENTICATED", "the current password is wrong", "currentPassword");
  await ctx.deps.limits.signInSucceeded(user.email, ctx.clientAddress);
  assertStrongPassword(newPassword, [user.email, user.name], "newPassword");
  const passwordHash = await hashPassword(newPassword);
  const ended = await ctx.deps.db.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    const others = viewer.sessionId ? and(eq(sessions.userId, user.id), ne(sessions.id, viewer.sessionId)) : eq(sessions.userId, user.id);
    const gone = await tx.delete(sessions).where(others).returning({ id: sessions.id });
    await audit(tx, { actorId: user.id, action: "user.changePassword", targetType: "user", targetId: user.id, data: { endedSessions: gone.length } });
    return gone;
  });
  for (const s of ended) await publishEvent(ctx.deps.db, { type: "credentials.revoked", userId: user.id, sessionId: s.id });
  return user;
}

export async function signOut(ctx: RequestContext): Promise<boolean> {
  if (ctx.viewer?.sessionId) {
    await ctx.deps.db.db.delete(sessions).where(eq(sessions.id, ctx.viewer.sessionId));
    // Sockets opened with this session close too, on every API instance.
    await publishEvent(ctx.deps.db, { type: "credentials.revoked", userId: ctx.viewer.userId, sessionId: ctx.viewer.sessionId });
  }
  ctx.setCookie(clearedSessionCookie(secureCookies(ctx.deps.env)));
  return true;
}

/** A personal API token; the secret is returned once and only its hash is kept. */
export async function createApiToken(ctx: RequestContext, nameRaw: string) {
  const viewer = requireViewer(ctx);
  const name = parseInput(z.string().trim().min(1, "name is required").max(100), nameRaw);
  const secret = newToken("scf_");
  const [row] = await ctx.deps.db.db
    .insert(apiTokens)
    .values({ userId: viewer.userId, name, prefix: secret.slice(0, 8), tokenHash: tokenHash(secret) })
    .returning();
  await audit(ctx.deps.db.db, { actorId: viewer.userId, action: "apiToken.create", targetType: "apiToken", targetId: row!.id });
  return { token: row!, secret };
}

export async function listApiTokens(ctx: RequestContext) {
  const viewer = requireViewer(ctx);
  return ctx.deps.db.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, viewer.userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(ctx: RequestContext, id: string): Promise<string> {
  const viewer = requireViewer(ctx);
  const [row] = await ctx.deps.db.db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, viewer.userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id })
    .catch(() => []);
  if (!row) throw notFound("API token");
  await audit(ctx.deps.db.db, { actorId: viewer.userId, action: "apiToken.revoke", targetType: "apiToken", targetId: id });
  await publishEvent(ctx.deps.db, { type: "credentials.revoked", userId: viewer.userId, tokenId: id });
  return id;
}
