import { and, asc, eq, inArray, memberships, ROLES, teams, users, type Role } from "@scfnccl/db";
import { publishEvent } from "@scfnccl/platform";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { AppError, conflict, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { parseInput } from "./auth.ts";

export async function listTeams(ctx: RequestContext) {
  requireViewer(ctx);
  const ids = [...(await ctx.roles()).keys()];
  if (!ids.length) return [];
  return ctx.deps.db.db.select().from(teams).where(inArray(teams.id, ids)).orderBy(asc(teams.name));
}

export async function getTeam(ctx: RequestContext, idRaw: string) {
  const id = checkId(idRaw, "team");
  await assertCan(ctx, id, "read", "team");
  const team = await ctx.loaders.team.load(id);
  if (!team) throw notFound("team");
  return team;
}

export async function viewerRole(ctx: RequestContext, teamId: string): Promise<Role> {
  return assertCan(ctx, teamId, "read", "team");
}

export async function listMembers(ctx: RequestContext, teamId: string) {
  await assertCan(ctx, teamId, "read", "team");
  return ctx.deps.db.db.select().from(memberships).where(eq(memberships.teamId, teamId)).orderBy(asc(memberships.createdAt));
}

export async function createTeam(ctx: RequestContext, nameRaw: string) {
  const viewer = requireViewer(ctx);
  const name = parseInput(z.string().trim().min(1, "name is required").max(100), nameRaw);
  return ctx.deps.db.db.transaction(async (tx) => {
    const [t] = await tx.insert(teams).values({ name }).returning();
    await tx.insert(memberships).values({ teamId: t!.id, userId: viewer.userId, role: "owner" });
    await audit(tx, { teamId: t!.id, actorId: viewer.userId, action: "team.create", targetType: "team", targetId: t!.id });
    return t!;
  });
}

export const roleInput = z.enum(ROLES, { message: `role must be one of ${ROLES.join(", ")}` });

/**
 * Changes a member's role (owners only). It adds no one: an account joins a team only by accepting
 * an invitation (services/invitations.ts), so an address that is not a member is NOT_FOUND whether
 * or not it has an account.
 */
export async function setMember(ctx: RequestContext, teamIdRaw: string, emailRaw: string, roleRaw: string) {
  const viewer = requireViewer(ctx);
  const teamId = checkId(teamIdRaw, "team");
  await assertCan(ctx, teamId, "manage", "team");
  const role = parseInput(roleInput, roleRaw);
  const email = emailRaw.trim().toLowerCase();
  const [user] = await ctx.deps.db.db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.teamId, teamId)))
    .where(eq(users.email, email));
  if (!user) throw new AppError("NOT_FOUND", "no member of this team has this e-mail address; invite them instead", "email");
  const membership = await ctx.deps.db.db.transaction(async (tx) => {
    if (user.id === viewer.userId && role !== "owner") await assertAnotherOwner(tx, teamId, viewer.userId);
    const [m] = await tx
      .update(memberships)
      .set({ role })
      .where(and(eq(memberships.teamId, teamId), eq(memberships.userId, user.id)))
      .returning();
    if (!m) throw notFound("member");
    await audit(tx, { teamId, actorId: viewer.userId, action: "team.setMember", targetType: "user", targetId: user.id, data: { role } });
    return m!;
  });
  await publishEvent(ctx.deps.db, { type: "membership.changed", teamId, userId: user.id, role });
  return membership;
}

type Tx = Parameters<Parameters<RequestContext["deps"]["db"]["db"]["transaction"]>[0]>[0];

async function assertAnotherOwner(tx: Tx, teamId: string, userId: string): Promise<void> {
  const owners = await tx.select({ userId: memberships.userId }).from(memberships).where(and(eq(memberships.teamId, teamId), eq(memberships.role, "owner")));
  if (!owners.some((o) => o.userId !== userId)) throw conflict("a team keeps at least one owner");
}

export async function removeMember(ctx: RequestContext, teamIdRaw: string, userIdRaw: string): Promise<string> {
  const viewer = requireViewer(ctx);
  const teamId = checkId(teamIdRaw, "team");
  const userId = checkId(userIdRaw, "member");
  // Anyone may leave; removing someone else takes an owner.
  await assertCan(ctx, teamId, userId === viewer.userId ? "read" : "manage", "team");
  await ctx.deps.db.db.transaction(async (tx) => {
    await assertAnotherOwner(tx, teamId, userId);
    const [gone] = await tx.delete(memberships).where(and(eq(memberships.teamId, teamId), eq(memberships.userId, userId))).returning();
    if (!gone) throw notFound("member");
    await audit(tx, { teamId, actorId: viewer.userId, action: "team.removeMember", targetType: "user", targetId: userId });
  });
  await publishEvent(ctx.deps.db, { type: "membership.changed", teamId, userId, role: null });
  return userId;
}
