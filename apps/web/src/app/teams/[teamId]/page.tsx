"use client";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ErrorText, Field } from "../../../components/Field";
import { isNotFound, NotFound } from "../../../components/NotFound";
import { useTitle } from "../../../components/title";
import { fmtBytes, fmtDate } from "../../../components/format";
import { RunsTable } from "../../../components/RunsTable";
import { UploadForm } from "../../../components/UploadForm";
import { errorMessage, gql, unwrap, type UserError } from "../../../graphql/client";
import { useQuery } from "../../../graphql/hooks";
import { INVITE_MEMBER, REMOVE_MEMBER, REVOKE_INVITATION, SET_MEMBER, TEAM, type Role, type TeamData } from "../../../graphql/operations";
import { useSocketEvent } from "../../../graphql/socket";

const ROLES: Role[] = ["OWNER", "EDITOR", "VIEWER"];

export default function TeamPage() {
  const { teamId } = useParams<{ teamId: string }>();
  const q = useQuery<TeamData>(TEAM, { id: teamId });
  const [memberError, setMemberError] = useState<string | null>(null);
  // Runs change state while the page is open; members may be added by another owner.
  useSocketEvent("run.status", () => void q.refetch());
  useSocketEvent("membership.changed", () => void q.refetch());
  useSocketEvent("invitation.changed", () => void q.refetch());
  const [invited, setInvited] = useState<string | null>(null);

  const team = q.data?.team;
  useTitle(team ? `${team.name} (team)` : null);
  if (q.error) return isNotFound(q.error) ? <NotFound what="Team" /> : <ErrorText error={q.error.message} />;
  if (!team) return q.loading ? <p aria-live="polite">Loading…</p> : <NotFound what="Team" />;
  const isOwner = team.viewerRole === "OWNER";
  const canWrite = team.viewerRole !== "VIEWER";

  async function setMember(email: string, role: Role) {
    setMemberError(null);
    try {
      unwrap((await gql<{ setTeamMember: { errors: UserError[] } }>(SET_MEMBER, { teamId, email, role })).setTeamMember);
      await q.refetch();
    } catch (err) {
      setMemberError(errorMessage(err));
    }
  }
  async function removeMember(userId: string, name: string) {
    if (!window.confirm(`Remove ${name} from ${team!.name}? They lose access to its datasets and runs at once.`)) return;
    setMemberError(null);
    try {
      unwrap((await gql<{ removeTeamMember: { errors: UserError[] } }>(REMOVE_MEMBER, { teamId, userId })).removeTeamMember);
      await q.refetch();
    } catch (err) {
      setMemberError(errorMessage(err));
    }
  }
  async function invite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    const email = String(form.get("inviteEmail"));
    setMemberError(null);
    setInvited(null);
    try {
      unwrap((await gql<{ inviteTeamMember: { errors: UserError[] } }>(INVITE_MEMBER, { teamId, email, role: String(form.get("inviteRole")) })).inviteTeamMember);
      formEl.reset();
      setInvited(email);
      await q.refetch();
    } catch (err) {
      setMemberError(errorMessage(err));
    }
  }
  async function revoke(id: string, email: string) {
    if (!window.confirm(`Withdraw the invitation to ${email}?`)) return;
    setMemberError(null);
    try {
      unwrap((await gql<{ revokeInvitation: { errors: UserError[] } }>(REVOKE_INVITATION, { id })).revokeInvitation);
      await q.refetch();
    } catch (err) {
      setMemberError(errorMessage(err));
    }
  }

  return (
    <>
      <p className="muted">
        <Link href="/teams">Teams</Link> ›
      </p>
      <h1>{team.name}</h1>
      <p className="muted">Your role: {team.viewerRole.toLowerCase()}. Viewers read, vote and comment; editors also upload, train and annotate; owners also manage members.</p>

      <section className="panel" aria-labelledby="datasets-title">
        <h2 id="datasets-title">Datasets</h2>
        {team.datasets.edges.length ? (
          <table>
            <caption className="sr-only">Datasets of {team.name}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Format</th>
                <th scope="col" className="num">Cells</th>
                <th scope="col" className="num">Genes</th>
                <th scope="col">Label columns</th>
                <th scope="col" className="num">Size</th>
                <th scope="col">Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {team.datasets.edges.map(({ node: d }) => (
                <tr key={d.id}>
                  <td>
                    <Link href={`/datasets/${d.id}`}>{d.name}</Link>
                  </td>
                  <td>{d.format}</td>
                  <td className="num">{d.cells.toLocaleString()}</td>
                  <td className="num">{d.genes.toLocaleString()}</td>
                  <td>{d.labelColumns.join(", ") || "—"}</td>
                  <td className="num">{fmtBytes(d.sizeBytes)}</td>
                  <td>
                    {fmtDate(d.createdAt)} by {d.uploader.name}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No datasets yet.</p>
        )}
        {canWrite ? <UploadForm teamId={team.id} existing={team.datasets.edges.map((e) => e.node)} onUploaded={() => void q.refetch()} /> : null}
      </section>

      <section className="panel" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <RunsTable runs={team.runs.edges.map((e) => e.node)} caption={`Runs of ${team.name}`} />
        {canWrite ? <p className="muted">Start a run from a dataset&apos;s page.</p> : null}
      </section>

      <section className="panel" aria-labelledby="members-title">
        <h2 id="members-title">Members</h2>
        <table>
          <caption className="sr-only">Members of {team.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {isOwner ? <th scope="col">Remove</th> : null}
            </tr>
          </thead>
          <tbody>
            {team.members.map((m) => (
              <tr key={m.user.id}>
                <td>{m.user.name}</td>
                <td>{m.user.email}</td>
                <td>
                  {isOwner ? (
                    <select aria-label={`Role of ${m.user.name}`} value={m.role} onChange={(e) => void setMember(m.user.email, e.target.value as Role)}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r.toLowerCase()}
                        </option>
                      ))}
                    </select>
                  ) : (
                    m.role.toLowerCase()
                  )}
                </td>
                {isOwner ? (
                  <td>
                    <button type="button" className="secondary" onClick={() => void removeMember(m.user.id, m.user.name)} aria-label={`Remove ${m.user.name}`}>
                      Remove
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
        {isOwner ? (
          <>
            <h3 id="invitations-title">Invitations</h3>
            <p className="muted">People join when they accept an invitation to their e-mail address (on their Teams page, once signed in with it). Until then you see only the address you typed.</p>
            {team.invitations.length ? (
              <table aria-labelledby="invitations-title">
                <thead>
                  <tr>
                    <th scope="col">Email</th>
                    <th scope="col">Role</th>
                    <th scope="col">Sent</th>
                    <th scope="col">Lapses</th>
                    <th scope="col">Withdraw</th>
                  </tr>
                </thead>
                <tbody>
                  {team.invitations.map((i) => (
                    <tr key={i.id}>
                      <td>{i.email}</td>
                      <td>{i.role.toLowerCase()}</td>
                      <td>
                        {fmtDate(i.createdAt)}
                        {i.invitedByName ? ` by ${i.invitedByName}` : ""}
                      </td>
                      <td>{fmtDate(i.expiresAt)}</td>
                      <td>
                        <button type="button" className="secondary" onClick={() => void revoke(i.id, i.email)} aria-label={`Withdraw the invitation to ${i.email}`}>
                          Withdraw
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <p className="muted">No pending invitations.</p>
            )}
            <form className="inline" onSubmit={(e) => void invite(e)} aria-label="Invite a member">
              <Field label="Email to invite" id="inviteEmail" type="email" required />
              <div className="field">
                <label htmlFor="inviteRole">Role</label>
                <select id="inviteRole" name="inviteRole" defaultValue="EDITOR">
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r.toLowerCase()}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit">Invite</button>
            </form>
            {invited ? <p role="status">Invitation sent to {invited}.</p> : null}
          </>
        ) : null}
        <ErrorText error={memberError} />
      </section>
    </>
  );
}
