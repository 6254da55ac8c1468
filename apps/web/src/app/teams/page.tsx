"use client";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ErrorText, Field } from "../../components/Field";
import { errorMessage, gql, unwrap, type UserError } from "../../graphql/client";
import { useTitle } from "../../components/title";
import { useQuery } from "../../graphql/hooks";
import { CREATE_TEAM, TEAMS, type TeamsData } from "../../graphql/operations";

export default function TeamsPage() {
  const q = useQuery<TeamsData>(TEAMS);
  useTitle("Your teams");
  const [error, setError] = useState<string | null>(null);

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
          <p className="muted">You are in no team yet: create one, or ask a team owner to add your e-mail.</p>
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
