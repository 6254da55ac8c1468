/**
 * Team membership by invitation: an owner invites an e-mail address, and its account joins only by
 * accepting. The inviter gets the same answer whether or not an account has the address, and
 * sees nothing of the invitee (not even whether the address is registered) before they accept.
 */
import { and, asc, eq, gt, memberships, sql, teamInvitations, teams, users } from "@scfnccl/db";
import { publishEvent } from "@scfnccl/platform";
import { z } from "zod";
import type { RequestContext } from "../context.ts";
import { conflict, notFound } from "../errors.ts";
import { assertCan, checkId, requireViewer } from "./access.ts";
import { audit } from "./audit.ts";
import { parseInput } from "./auth.ts";
import { roleInput } from "./teams.ts";

/** How long an invitation waits for its answer. */
export const INVITATION_DAYS = 14;

const emailInput = z.string().trim().toLowerCase().email("not a valid e-mail address").max(254);

const pending = () => gt(teamInvitations.expiresAt, sql`now()`);

/** What both the team's owners and the invitee see of an invitation. */
export interface InvitationModel {
  id: string;
  teamId: string;
  teamName: string;
  email: string;
  role: (typeof teamInvitations.$inferSelect)["role"];
  invitedByName: string | null;
  createdAt: Date;
  expiresAt: Date;
}

const invitationColumns = {
  id: teamInvitations.id,
  teamId: teamInvitations.teamId,
  teamName: teams.name,
  email: teamInvitations.email,
  role: teamInvitations.role,
  invitedByName: users.name,
  createdAt: teamInvitations.createdAt,
  expiresAt: teamInvitations.expiresAt,
};

const selectInvitations = (ctx: RequestContext) =>
  ctx.deps.db.db.select(invitationColumns).from(teamInvitations).innerJoin(teams, eq(teams.id, teamInvitations.teamId)).leftJoin(users, eq(users.id, teamInvitations.invitedBy));

async function accountOf(ctx: RequestContext, email: string): Promise<string | null> {
  const [u] = await ctx.deps.db.db.select({ id: users.id }).from(users).where(eq(users.email, email));
  return u?.id ?? null;
}

/** Invites `email` to the team with `role` (owners only), or changes a pending invitation's role. */
export async function inviteMember(ctx: RequestContext, teamIdRaw: string, emailRaw: string, roleRaw: string): Promise<InvitationModel> {
  const viewer = requireViewer(ctx);
  const teamId = checkId(teamIdRaw, "team");
  await assertCan(ctx, teamId, "manage", "team");
  const { email } = parseInput(z.object({ email: emailInput }), { email: emailRaw });
  const role = parseInput(roleInput, roleRaw);
  await ctx.deps.limits.invitation(viewer.userId);
  // Members are listed on the team page already, so saying one is a member tells nothing new.
  const [member] = await ctx.deps.db.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.teamId, teamId), eq(users.email, email)));
  if (member) throw conflict("this address is already a member of the team; change their role in the members list");
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 3600 * 1000);
  const id = await ctx.deps.db.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(teamInvitations)
      .values({ teamId, email, role, invitedBy: viewer.userId, expiresAt })
      .onConflictDoUpdate({ target: [teamInvitations.teamId, teamInvitations.email], set: { role, invitedBy: viewer.userId, createdAt: sql`now()`, expiresAt } })
      .returning({ id: teamInvitations.id });
    await audit(tx, { teamId, actorId: viewer.userId, action: "team.invite", targetType: "invitation", targetId: row!.id, data: { email, role } });
    return row!.id;
  });
  await publishEvent(ctx.deps.db, { type: "invitation.changed", teamId, invitationId: id, status: "pending", userId: await accountOf(ctx, email) });
  const [invitation] = await selectInvitations(ctx).where(eq(teamInvitations.id, id));
  return invitation!;
}

/** The team's pending invitations: owners see them, other members an empty list. */
export async function listTeamInvitations(ctx: RequestContext, teamId: string): Promise<InvitationModel[]> {
  const role = await assertCan(ctx, teamId, "read", "team");
  if (role !== "owner") return [];
  return selectInvitations(ctx).where(and(eq(teamInvitations.teamId, teamId), pending())).orderBy(asc(teamInvitations.createdAt));
}

/** Invitations waiting for the viewer's answer (addressed to their account's e-mail address). */
export async function listMyInvitations(ctx: RequestContext): Promise<InvitationModel[]> {
  const viewer = requireViewer(ctx);
  const me = await ctx.loaders.user.load(viewer.userId);
  if (!me) return [];
  return selectInvitations(ctx).where(and(eq(teamInvitations.email, me.email), pending())).orderBy(asc(teamInvitations.createdAt));
}

/** The viewer's own pending invitation `idRaw`, or NOT_FOUND (anyone else's is NOT_FOUND too). */
async function myInvitation(ctx: RequestContext, idRaw: string) {
  const viewer = requireViewer(ctx);
  const id = checkId(idRaw, "invitation");
  const me = await ctx.loaders.user.load(viewer.userId);
  const [row] = await ctx.deps.db.db
    .select()
    .from(teamInvitations)
    .where(and(eq(teamInvitations.id, id), eq(teamInvitations.email, me?.email ?? ""), pending()));
  if (!row) throw notFound("invitation");
  return { viewer, row };
}

/** Joins the team with the invitation's role (a member already keeps their role). */
export async function acceptInvitation(ctx: RequestContext, idRaw: string) {
  const { viewer, row } = await myInvitation(ctx, idRaw);
  const membership = await ctx.deps.db.db.transaction(async (tx) => {
    // Deleting first makes a second, concurrent accept find nothing.
    const [gone] = await tx.delete(teamInvitations).where(eq(teamInvitations.id, row.id)).returning({ id: teamInvitations.id });
    if (!gone) throw notFound("invitation");
    await tx.insert(memberships).values({ teamId: row.teamId, userId: viewer.userId, role: row.role }).onConflictDoNothing();
    const [m] = await tx.select().from(memberships).where(and(eq(memberships.teamId, row.teamId), eq(memberships.userId, viewer.userId)));
    await audit(tx, { teamId: row.teamId, actorId: viewer.userId, action: "team.acceptInvitation", targetType: "invitation", targetId: row.id, data: { role: m!.role, invitedBy: row.invitedBy } });
    return m!;
  });
  await publishEvent(ctx.deps.db, { type: "invitation.changed", teamId: row.teamId, invitationId: row.id, status: "accepted", userId: viewer.userId });
  await publishEvent(ctx.deps.db, { type: "membership.changed", teamId: row.teamId, userId: viewer.userId, role: membership.role });
  return membership;
}

export async function declineInvitation(ctx: RequestContext, idRaw: string): Promise<string> {
  const { viewer, row } = await myInvitation(ctx, idRaw);
  await ctx.deps.db.db.transaction(async (tx) => {
    const [gone] = await tx.delete(teamInvitations).where(eq(teamInvitations.id, row.id)).returning({ id: teamInvitations.id });
    if (!gone) throw notFound("invitation");
    await audit(tx, { teamId: row.teamId, actorId: viewer.userId, action: "team.declineInvitation", targetType: "invitation", targetId: row.id });
  });
  await publishEvent(ctx.deps.db, { type: "invitation.changed", teamId: row.teamId, invitationId: row.id, status: "declined", userId: viewer.userId });
  return row.id;
}

/** Withdraws a pending invitation (the team's owners). */
export async function revokeInvitation(ctx: RequestContext, idRaw: string): Promise<string> {
  const viewer = requireViewer(ctx);
  const id = checkId(idRaw, "invitation");
  const [row] = await ctx.deps.db.db.select().from(teamInvitations).where(eq(teamInvitations.id, id));
  if (!row) throw notFound("invitation");
  await assertCan(ctx, row.teamId, "manage", "invitation");
  await ctx.deps.db.db.transaction(async (tx) => {
    const [gone] = await tx.delete(teamInvitations).where(eq(teamInvitations.id, id)).returning({ id: teamInvitations.id });
    if (!gone) throw notFound("invitation");
    await audit(tx, { teamId: row.teamId, actorId: viewer.userId, action: "team.revokeInvitation", targetType: "invitation", targetId: id, data: { email: row.email } });
  });
  await publishEvent(ctx.deps.db, { type: "invitation.changed", teamId: row.teamId, invitationId: id, status: "revoked", userId: await accountOf(ctx, row.email) });
  return id;
}
