import { changePassword, createApiToken, listApiTokens, revokeApiToken, signIn, signUp } from "../../services/auth.ts";
import { listDatasets } from "../../services/datasets.ts";
import { listRuns } from "../../services/runs.ts";
import { createTeam, getTeam, listMembers, listTeams, removeMember, setMember, viewerRole } from "../../services/teams.ts";
import { acceptInvitation, declineInvitation, inviteMember, listMyInvitations, listTeamInvitations, revokeInvitation } from "../../services/invitations.ts";
import { payload, query } from "../errors.ts";
import type { Resolvers } from "../types.generated.ts";

export const teamResolvers: Resolvers = {
  Role: { OWNER: "owner", EDITOR: "editor", VIEWER: "viewer" },
  Query: {
    teams: (_, __, ctx) => query(() => listTeams(ctx)),
    team: (_, args, ctx) => query(() => getTeam(ctx, args.id)),
    apiTokens: (_, __, ctx) => query(() => listApiTokens(ctx)),
    invitations: (_, __, ctx) => query(() => listMyInvitations(ctx)),
  },
  Mutation: {
    signUp: (_, args, ctx) => payload("user", () => signUp(ctx, args.input)),
    signIn: (_, args, ctx) => payload("user", () => signIn(ctx, args.email, args.password)),
    changePassword: (_, args, ctx) => payload("user", () => changePassword(ctx, args.currentPassword, args.newPassword)),
    createTeam: (_, args, ctx) => payload("team", () => createTeam(ctx, args.name)),
    setTeamMember: (_, args, ctx) => payload("membership", () => setMember(ctx, args.teamId, args.email, args.role)),
    inviteTeamMember: (_, args, ctx) => payload("invitation", () => inviteMember(ctx, args.teamId, args.email, args.role)),
    revokeInvitation: (_, args, ctx) => payload("deletedId", () => revokeInvitation(ctx, args.id)),
    acceptInvitation: (_, args, ctx) => payload("membership", () => acceptInvitation(ctx, args.id)),
    declineInvitation: (_, args, ctx) => payload("deletedId", () => declineInvitation(ctx, args.id)),
    removeTeamMember: (_, args, ctx) => payload("deletedId", () => removeMember(ctx, args.teamId, args.userId)),
    createApiToken: async (_, args, ctx) => {
      const p = await payload("created", () => createApiToken(ctx, args.name));
      return { apiToken: p.created?.token ?? null, secret: p.created?.secret ?? null, errors: p.errors };
    },
    revokeApiToken: (_, args, ctx) => payload("deletedId", () => revokeApiToken(ctx, args.id)),
  },
  User: {
    // Only the viewer's own memberships are visible, whoever the user is.
    memberships: async (user, _, ctx) => {
      if (user.id !== ctx.viewer?.userId) return [];
      return [...(await ctx.roles())].map(([teamId, role]) => ({ teamId, userId: user.id, role, createdAt: new Date(0) }));
    },
  },
  Team: {
    viewerRole: (team, _, ctx) => query(() => viewerRole(ctx, team.id)),
    members: (team, _, ctx) => query(() => listMembers(ctx, team.id)),
    invitations: (team, _, ctx) => query(() => listTeamInvitations(ctx, team.id)),
    datasets: (team, args, ctx) => query(() => listDatasets(ctx, team.id, args)),
    runs: (team, args, ctx) => query(() => listRuns(ctx, { teamId: team.id, status: args.status }, args)),
  },
  Membership: {
    team: async (m, _, ctx) => (await ctx.loaders.team.load(m.teamId))!,
    user: async (m, _, ctx) => (await ctx.loaders.user.load(m.userId))!,
  },
};
