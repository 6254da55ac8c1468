/**
 * Account enumeration and adding people to a team without their consent. Before the fix, signUp
 * said "an account with this e-mail address exists" without limit, and setTeamMember in a team the
 * prober had just made told unknown from known addresses, added the victim at once and showed
 * their name. Now membership is an invitation the invitee accepts, the inviter gets the same
 * answer for any address and sees nothing of the invitee before that, and both paths are limited.
 */
import { auditLog, eq } from "@scfnccl/db";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startHarness, waitFor, type Harness } from "../support/harness.ts";

let h: Harness;
let prober: Client;
let victim: Client;
let victimId: string;
let teamId: string;
const sockets: Socket[] = [];

const INVITE = `mutation($t: ID!, $e: String!) { inviteTeamMember(teamId: $t, email: $e, role: EDITOR) { invitation { id email role teamName invitedByName } errors { code message field } } }`;
const TEAM = `query($t: ID!) { team(id: $t) { members { user { id name email } role } invitations { email role } } }`;

beforeAll(async () => {
  h = await startHarness({ worker: false, env: { SIGNUPS_PER_ADDRESS_PER_HOUR: "4", INVITATIONS_PER_USER_PER_HOUR: "6" } });
  prober = new Client(h.url);
  victim = new Client(h.url);
  await prober.signUp("prober@evil.org", "Prober", "Probing team");
  victimId = await victim.signUp("victim@lab.org", "Victim Name");
  teamId = (await prober.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id;
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await h?.stop();
});

describe("account enumeration and membership without consent (PostgreSQL)", () => {
  it("inviting a known and an unknown address gets the same answer, and adds no one", async () => {
    const known = await prober.mutate("inviteTeamMember", INVITE, { t: teamId, e: "victim@lab.org" });
    const unknown = await prober.mutate("inviteTeamMember", INVITE, { t: teamId, e: "nobody@lab.org" });
    const strip = (p: Record<string, unknown>) => JSON.parse(JSON.stringify(p).replace(/"id":"[^"]+"/, '"id":"…"').replace(/victim@lab\.org|nobody@lab\.org/, "ADDRESS")) as unknown;
    expect(strip(known)).toEqual(strip(unknown));
    expect(known).toEqual({ invitation: { id: expect.any(String), email: "victim@lab.org", role: "EDITOR", teamName: "Probing team", invitedByName: "Prober" }, errors: [] });
    const team = (await prober.gql<{ team: { members: { user: { name: string } }[]; invitations: { email: string }[] } }>(TEAM, { t: teamId })).data!.team;
    expect(team.members.map((m) => m.user.name)).toEqual(["Prober"]);
    expect(team.invitations.map((i) => i.email).sort()).toEqual(["nobody@lab.org", "victim@lab.org"]);
    expect(JSON.stringify(team)).not.toContain("Victim Name");
  });

  it("setTeamMember adds no one, and answers a registered non-member as it answers an unknown address", async () => {
    const set = (email: string) => prober.mutate("setTeamMember", `mutation($t: ID!, $e: String!) { setTeamMember(teamId: $t, email: $e, role: EDITOR) { membership { user { name } } errors { code message } } }`, { t: teamId, e: email });
    const known = await set("victim@lab.org");
    expect(known).toEqual(await set("never-registered@lab.org"));
    expect(known["errors"]).toEqual([{ code: "NOT_FOUND", message: "no member of this team has this e-mail address; invite them instead" }]);
    expect((await victim.gql<{ teams: unknown[] }>(`{ teams { id } }`)).data!.teams).toEqual([]);
  });

  it("the invitee sees the invitation, hears of it live, and joins only by accepting; every step is in the audit log", async () => {
    const socket = await victim.socket();
    sockets.push(socket);
    const heard: { status: string; teamId: string }[] = [];
    socket.on("invitation.changed", (e: { status: string; teamId: string }) => heard.push(e));
    const ownerSocket = await prober.socket();
    sockets.push(ownerSocket);
    const ownerHeard: { userId: string | null }[] = [];
    ownerSocket.on("invitation.changed", (e: { userId: string | null }) => ownerHeard.push(e));

    const mine = async () => (await victim.gql<{ invitations: { id: string; teamName: string; role: string; invitedByName: string }[] }>(`{ invitations { id teamName role invitedByName } }`)).data!.invitations;
    const [first] = await mine();
    expect(first).toMatchObject({ teamName: "Probing team", role: "EDITOR", invitedByName: "Prober" });
    expect(await victim.mutate("declineInvitation", `mutation($id: ID!) { declineInvitation(id: $id) { deletedId errors { code } } }`, { id: first!.id })).toEqual({ deletedId: first!.id, errors: [] });
    expect(await mine()).toEqual([]);
    expect((await victim.gql<{ teams: unknown[] }>(`{ teams { id } }`)).data!.teams).toEqual([]);

    await prober.mutate("inviteTeamMember", INVITE.replace("role: EDITOR", "role: VIEWER"), { t: teamId, e: "victim@lab.org" });
    await waitFor(() => heard.some((e) => e.status === "pending" && e.teamId === teamId), 10_000, "the invitee's invitation event");
    const [second] = await mine();
    // Someone else cannot accept it for them.
    expect((await prober.mutate("acceptInvitation", `mutation($id: ID!) { acceptInvitation(id: $id) { membership { role } errors { code } } }`, { id: second!.id }))["errors"]).toEqual([{ code: "NOT_FOUND" }]);
    expect(await victim.mutate("acceptInvitation", `mutation($id: ID!) { acceptInvitation(id: $id) { membership { role team { id } } errors { code } } }`, { id: second!.id })).toEqual({ membership: { role: "VIEWER", team: { id: teamId } }, errors: [] });
    expect((await victim.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams).toEqual([{ id: teamId }]);
    await waitFor(() => ownerHeard.length >= 2, 10_000, "the team's invitation events");
    // The team's sockets never learn which account an address belongs to.
    expect(ownerHeard.every((e) => e.userId === null)).toBe(true);

    const actions = (await h.platform.db.db.select().from(auditLog).where(eq(auditLog.teamId, teamId))).map((a) => `${a.action} by ${a.actorId === victimId ? "victim" : "prober"}`);
    expect(actions).toEqual(expect.arrayContaining(["team.invite by prober", "team.declineInvitation by victim", "team.acceptInvitation by victim"]));
  });

  it("limits the invitations one user sends", async () => {
    const answers: string[] = [];
    // Three sent above; the allowance is six an hour.
    for (let i = 0; i < 4; i++) {
      const p = await prober.mutate("inviteTeamMember", INVITE, { t: teamId, e: `probe${i}@lab.org` });
      answers.push((p["errors"] as { code: string }[])[0]?.code ?? "ok");
    }
    expect(answers).toEqual(["ok", "ok", "ok", "RATE_LIMITED"]);
  });

  it("limits sign-up probes per client address", async () => {
    const probe = async (address: string) => {
      const res = await fetch(`${h.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ query: `mutation { signUp(input: { email: "victim@lab.org", password: "another long one", name: "P" }) { user { id } errors { code } } }` }),
      });
      return ((await res.json()) as { data: { signUp: { errors: { code: string }[] } } }).data.signUp.errors.map((e) => e.code).join(",");
    };
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push(await probe("203.0.113.50"));
    expect(answers).toEqual(["CONFLICT", "CONFLICT", "CONFLICT", "CONFLICT", "RATE_LIMITED"]);
    expect(await probe("198.51.100.50")).toBe("CONFLICT");
  });
});
