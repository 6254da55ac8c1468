"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useEffect, useState, type FormEvent } from "react";
import { ErrorText, Field } from "../../components/Field";
import { useTitle } from "../../components/title";
import { errorMessage, gql, unwrap, type UserError } from "../../graphql/client";
import { SIGN_IN } from "../../graphql/operations";
import { resetSocket } from "../../graphql/socket";
import { setViewer } from "../../graphql/viewer";

function SignInForm() {
  const router = useRouter();
  const next = useSearchParams().get("next");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useTitle("Sign in");
  // The page signing in leads to is loaded while the user types, so it shows at once after.
  useEffect(() => router.prefetch(next && next.startsWith("/") ? next : "/teams"), [router, next]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ signIn: { user: { id: string; name: string } | null; errors: UserError[] } }>(SIGN_IN, { email: form.get("email"), password: form.get("password") });
      const { user } = unwrap(d.signIn);
      if (user) setViewer(user);
      resetSocket();
      router.push(next && next.startsWith("/") ? next : "/teams");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="auth panel" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit={(e) => void submit(e)}>
        <Field label="Email" id="email" type="email" autoComplete="username" required />
        <Field label="Password" id="password" type="password" autoComplete="current-password" required />
        <ErrorText error={error} />
        <p>
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </p>
      </form>
      <p className="muted">
        No account? <Link href="/signup">Create one</Link>. On the embedded default, <code>demo@scfnccl.local</code> / <code>demo-password</code> works.
      </p>
    </section>
  );
}

export default function SignInPage() {
  return (
    <Suspense>
      <SignInForm />
    </Suspense>
  );
}
