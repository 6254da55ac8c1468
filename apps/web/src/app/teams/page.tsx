"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ErrorText, Field } from "../../components/Field";
import { errorMessage, gql, unwrap, type UserError } from "../../graphql/client";
import { useTitle } from "../../components/title";
import { fmtDate } from "../../components/format";
import { useQuery } from "../../graphql/hooks";
import { ACCEPT_INVITATION, CREATE_TEAM, DECLINE_INVITATION, MY_INVITATIONS, TEAMS, type MyInvitationsData, type TeamsData } from "../../graphql/operations";
import { useSocketEvent } from "../../graphql/socket";

export default function TeamsPage() {
  const q = useQuery<TeamsData>(TEAMS);
  useTitle("Your teams");
  const [error, setError] = useState<string | null>(null);
  const invitations = useQuery<MyInvitationsData>(MY_INVITATIONS);
  const [invitationError, setInvitationError] = useState<string | null>(null);
  useSocketEvent("invitation.changed", () => void invitations.refetch());

  async function answer(id: string, accept: boolean) {
    setInvitationError(null);
    try {
      if (accept) unwrap((await gql<{ acceptInvitation: { errors: UserError[] } }>(ACCEPT_INVITATION, { id })).acceptInvitation);
      else unwrap((await gql<{ declineInvitation: { errors: UserError[] } }>(DECLINE_INVITATION, { id })).declineInvitation);
      await Promise.all([invitations.refetch(), q.refetch()]);
    } catch (err) {
      setInvitationError(errorMessage(err));
    }
  }

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("teamName") ?? "");
    setError(null);
    try {
      unwrap((await gql<{ createTeam: { errors: UserError[] } }>(CREATE_TEAM, { name })).createTeam);
      form.reset();
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <h1>Teams</h1>
      {invitations.data?.invitations.length ? (
        <section className="panel" aria-labelledby="my-invitations-title">
          <h2 id="my-invitations-title">Invitations</h2>
          <ul>
            {invitations.data.invitations.map((i) => (
              <li key={i.id}>
                {i.invitedByName ?? "An owner"} invites you to <strong>{i.teamName}</strong> as {i.role.toLowerCase()} (until {fmtDate(i.expiresAt)}).{" "}
                <button type="button" onClick={() => void answer(i.id, true)} aria-label={`Accept the invitation to ${i.teamName}`}>
                  Accept
                </button>{" "}
                <button type="button" className="secondary" onClick={() => void answer(i.id, false)} aria-label={`Decline the invitation to ${i.teamName}`}>
                  Decline
                </button>
              </li>
            ))}
          </ul>
          <ErrorText error={invitationError} />
        </section>
      ) : null}
      <ErrorText error={q.error?.message} />
      {q.data ? (
        q.data.teams.length ? (
          <table>
            <caption className="sr-only">Your teams</caption>
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Your role</th>
                <th scope="col" className="num">Members</th>
              </tr>
            </thead>
            <tbody>
              {q.data.teams.map((t) => (
                <tr key={t.id}>
                  <td>
                    <Link href={`/teams/${t.id}`}>{t.name}</Link>
                  </td>
                  <td>{t.viewerRole.toLowerCase()}</td>
                  <td className="num">{t.members.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">You are in no team yet: create one, or ask a team owner to invite your e-mail address.</p>
        )
      ) : q.loading ? (
        <p aria-live="polite">Loading…</p>
      ) : null}
      <h2>New team</h2>
      <form className="inline" onSubmit={(e) => void create(e)}>
        <Field label="Team name" id="teamName" required />
        <button type="submit">Create team</button>
      </form>
      <ErrorText error={error} />
    </>
  );
}
