"use client";
import { useState, type FormEvent } from "react";
import { errorMessage, gql, unwrap, type UserError } from "../graphql/client";
import { CHANGE_PASSWORD } from "../graphql/operations";
import { ErrorText, Field } from "./Field";

/** The viewer's password: the current one, then a new one the API finds hard to guess. */
export function ChangePassword() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    setError(null);
    setDone(false);
    try {
      unwrap((await gql<{ changePassword: { errors: UserError[] } }>(CHANGE_PASSWORD, { current: form.get("currentPassword"), next: form.get("newPassword") })).changePassword);
      formEl.reset();
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Change password">
      <Field label="Current password" id="currentPassword" type="password" autoComplete="current-password" required />
      <Field label="New password" id="newPassword" type="password" autoComplete="new-password" minLength={10} required hint="At least 10 characters, and not a common password or pattern." />
      <ErrorText error={error} />
      {done ? <p role="status">Password changed; your other sessions were signed out.</p> : null}
      <p>
        <button type="submit">Change password</button>
      </p>
    </form>
  );
}
