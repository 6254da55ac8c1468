import type { memberships, RunStatus, teams, users } from "@scfnccl/db";
import type { RequestContext } from "../../context.ts";
import { createApiToken, listApiTokens, revokeApiToken, signIn, signUp } from "../../services/auth.ts";
import { listDatasets } from "../../services/datasets.ts";
import { listRuns } from "../../services/runs.ts";
import { createTeam, getTeam, listMembers, listTeams, removeMember, setMember, viewerRole } from "../../services/teams.ts";
import type { PageArgs } from "../../services/pagination.ts";
import { payload, query } from "../errors.ts";

type TeamRow = typeof teams.$inferSelect;
type UserRow = typeof users.$inferSelect;
type MembershipRow = typeof memberships.$inferSelect;

export const teamResolvers = {
  Role: { OWNER: "owner", EDITOR: "editor", VIEWER: "viewer" },
  Query: {
    teams: (_: unknown, __: unknown, ctx: RequestContext) => query(() => listTeams(ctx)),
    team: (_: unknown, args: { id: string }, ctx: RequestContext) => query(() => getTeam(ctx, args.id)),
    apiTokens: (_: unknown, __: unknown, ctx: RequestContext) => query(() => listApiTokens(ctx)),
  },
  Mutation: {
    signUp: (_: unknown, args: { input: unknown }, ctx: RequestContext) => payload("user", () => signUp(ctx, args.input)),
    signIn: (_: unknown, args: { email: string; password: string }, ctx: RequestContext) => payload("user", () => signIn(ctx, args.email, args.password)),
    createTeam: (_: unknown, args: { name: string }, ctx: RequestContext) => payload("team", () => createTeam(ctx, args.name)),
    setTeamMember: (_: unknown, args: { teamId: string; email: string; role: string }, ctx: RequestContext) =>
      payload("membership", () => setMember(ctx, args.teamId, args.email, args.role)),
    removeTeamMember: (_: unknown, args: { teamId: string; userId: string }, ctx: RequestContext) =>
      payload("deletedId", () => removeMember(ctx, args.teamId, args.userId)),
    createApiToken: async (_: unknown, args: { name: string }, ctx: RequestContext) => {
      const p = await payload("created", () => createApiToken(ctx, args.name));
      return { apiToken: p.created?.token ?? null, secret: p.created?.secret ?? null, errors: p.errors };
    },
    revokeApiToken: (_: unknown, args: { id: string }, ctx: RequestContext) => payload("deletedId", () => revokeApiToken(ctx, args.id)),
  },
  User: {
    // Only the viewer's own memberships are visible, whoever the user is.
    memberships: async (user: UserRow, _: unknown, ctx: RequestContext) => {
      if (user.id !== ctx.viewer?.userId) return [];
      return [...(await ctx.roles())].map(([teamId, role]) => ({ teamId, userId: user.id, role }));
    },
  },
  Team: {
    viewerRole: (team: TeamRow, _: unknown, ctx: RequestContext) => query(() => viewerRole(ctx, team.id)),
    members: (team: TeamRow, _: unknown, ctx: RequestContext) => query(() => listMembers(ctx, team.id)),
    datasets: (team: TeamRow, args: PageArgs, ctx: RequestContext) => query(() => listDatasets(ctx, team.id, args)),
    runs: (team: TeamRow, args: PageArgs & { status?: RunStatus | null }, ctx: RequestContext) =>
      query(() => listRuns(ctx, { teamId: team.id, status: args.status }, args)),
  },
  Membership: {
    team: (m: MembershipRow, _: unknown, ctx: RequestContext) => ctx.loaders.team.load(m.teamId),
    user: (m: MembershipRow, _: unknown, ctx: RequestContext) => ctx.loaders.user.load(m.userId),
  },
};
