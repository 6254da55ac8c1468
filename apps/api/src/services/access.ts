/** The authorization rules, in one place: membership scopes everything, the role gates writes. */
import type { Role } from "@scfnccl/db";
import type { RequestContext, Viewer } from "../context.ts";
import { forbidden, notFound, unauthenticated } from "../errors.ts";

const RANK: Record<Role, number> = { viewer: 1, editor: 2, owner: 3 };

/**
 * What each role may do. Viewers read and take part in review (votes, comments); editors also
 * upload, train and annotate; owners also manage members and delete others' datasets.
 */
export const PERMISSIONS = {
  read: "viewer",
  review: "viewer",
  write: "editor",
  manage: "owner",
} as const satisfies Record<string, Role>;

export type Permission = keyof typeof PERMISSIONS;

export function requireViewer(ctx: RequestContext): Viewer {
  if (!ctx.viewer) throw unauthenticated();
  return ctx.viewer;
}

/**
 * Throws NOT_FOUND (named after `what`) when the viewer is not in `teamId`, FORBIDDEN when their
 * role is too low for `permission`; returns their role.
 */
export async function assertCan(ctx: RequestContext, teamId: string, permission: Permission, what: string): Promise<Role> {
  requireViewer(ctx);
  const role = (await ctx.roles()).get(teamId);
  if (!role) throw notFound(what);
  if (RANK[role] < RANK[PERMISSIONS[permission]]) throw forbidden(`your role (${role}) may not do this; it needs ${PERMISSIONS[permission]} or above`);
  return role;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot exist, so it is NOT_FOUND like any other unknown id. */
export function checkId(id: string, what: string): string {
  if (!UUID.test(id)) throw notFound(what);
  return id.toLowerCase();
}
