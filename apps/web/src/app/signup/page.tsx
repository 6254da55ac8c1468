"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ErrorText, Field } from "../../components/Field";
import { useTitle } from "../../components/title";
import { errorMessage, gql, unwrap, type UserError } from "../../graphql/client";
import { SIGN_UP } from "../../graphql/operations";
import { resetSocket } from "../../graphql/socket";
import { setViewer } from "../../graphql/viewer";

export default function SignUpPage() {
  useTitle("Create an account");
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const teamName = String(form.get("teamName") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ signUp: { user: { id: string; name: string } | null; errors: UserError[] } }>(SIGN_UP, {
        // Left out, not null, when empty: the API's input schema takes an absent team name only.
        input: { email: form.get("email"), password: form.get("password"), name: form.get("name"), ...(teamName ? { teamName } : {}) },
      });
      const { user } = unwrap(d.signUp);
      if (user) setViewer(user);
      resetSocket();
      router.push("/teams");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="auth panel" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Name" id="name" autoComplete="name" required />
        <Field label="Email" id="email" type="email" autoComplete="username" required />
        <Field label="Password" id="password" type="password" autoComplete="new-password" minLength={10} required hint="At least 10 characters, and not a common password or pattern: a few unrelated words work well." />
        <Field label="New team (optional)" id="teamName" hint="Creates a team you own. Leave empty to join a team by accepting an owner's invitation." />
        <ErrorText error={error} />
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Creating…" : "Create account"}
          </button>
        </p>
      </form>
      <p className="muted">
        Already registered? <Link href="/signin">Sign in</Link>.
      </p>
    </section>
  );
}
