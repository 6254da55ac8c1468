"use client";
import { useState, type FormEvent } from "react";
import { ChangePassword } from "../../components/ChangePassword";
import { ErrorText, Field } from "../../components/Field";
import { fmtDate } from "../../components/format";
import { errorMessage, gql, unwrap, type UserError } from "../../graphql/client";
import { useTitle } from "../../components/title";
import { useQuery } from "../../graphql/hooks";
import { API_TOKENS, CREATE_API_TOKEN, REVOKE_API_TOKEN, type ApiTokensData } from "../../graphql/operations";

/** The viewer's API tokens, for scripts and notebooks that query GraphQL or download results. */
export default function TokensPage() {
  const q = useQuery<ApiTokensData>(API_TOKENS);
  useTitle("API tokens");
  const [error, setError] = useState<string | null>(null);
  // The secret exists only in the create answer: shown once, never fetched again.
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get("tokenName") ?? "");
    setError(null);
    try {
      const r = unwrap((await gql<{ createApiToken: { secret: string | null; errors: UserError[] } }>(CREATE_API_TOKEN, { name })).createApiToken);
      setSecret({ name, value: r.secret ?? "" });
      form.reset();
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function revoke(id: string, name: string) {
    if (!window.confirm(`Revoke token “${name}”? Scripts using it stop working at once.`)) return;
    setError(null);
    try {
      unwrap((await gql<{ revokeApiToken: { errors: UserError[] } }>(REVOKE_API_TOKEN, { id })).revokeApiToken);
      await q.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <h1>API tokens</h1>
      <p className="muted">
        A token acts as you in scripts: send it as <code>Authorization: Bearer &lt;token&gt;</code> to <code>/graphql</code> and the
        download links. Revoke one you no longer use.
      </p>
      {secret ? (
        <section className="panel" aria-live="polite" data-testid="new-token">
          <h2>Token “{secret.name}”</h2>
          <p>Copy it now: it is not shown again.</p>
          <pre data-testid="token-secret">{secret.value}</pre>
          <button type="button" className="secondary" onClick={() => setSecret(null)}>
            Done
          </button>
        </section>
      ) : null}
      <ErrorText error={q.error?.message ?? error} />
      {q.data ? (
        q.data.apiTokens.length ? (
          <table>
            <caption className="sr-only">Your API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Starts with</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="sr-only">Revoke</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.apiTokens.map((t) => (
                <tr key={t.id} data-testid="token-row">
                  <td>{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{fmtDate(t.createdAt)}</td>
                  <td>{t.lastUsedAt ? fmtDate(t.lastUsedAt) : "never"}</td>
                  <td>
                    <button type="button" className="secondary" onClick={() => void revoke(t.id, t.name)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No tokens yet.</p>
        )
      ) : q.loading ? (
        <p aria-live="polite">Loading…</p>
      ) : null}
      <h2>New token</h2>
      <form className="inline" onSubmit={(e) => void create(e)}>
        <Field label="Token name" id="tokenName" required />
        <button type="submit">Create token</button>
      </form>
      <h2>Password</h2>
      <ChangePassword />
    </>
  );
}
