"use client";
/**
 * Accepting a proposal, with the self-accept rule shown before the click: the author of a proposal
 * someone disagrees with cannot accept it (the page says why), except an owner who records an
 * override reason, which the API keeps on the cluster and in the audit log.
 */
import { useState } from "react";
import type { Proposal } from "../graphql/operations";

interface Props {
  proposal: Proposal;
  busy: boolean;
  onAccept(overrideReason: string | null): Promise<boolean>;
}

export function AcceptControl({ proposal, busy, onAccept }: Props) {
  const [reason, setReason] = useState("");
  const guard = proposal.acceptGuard;
  if (proposal.accepted) return null;
  if (!guard.allowed) {
    // Viewers never see an accept button; an author blocked by a disagreement is told why.
    return guard.message && proposal.disagreeCount > 0 ? (
      <p className="alert" role="note" data-testid="accept-guard">
        {guard.message}
      </p>
    ) : null;
  }
  if (!guard.needsOverrideReason)
    return (
      <button type="button" disabled={busy} onClick={() => void onAccept(null)}>
        Accept “{proposal.label}”
      </button>
    );
  const id = `override-${proposal.id}`;
  return (
    <form
      className="panel"
      data-testid="accept-override"
      onSubmit={(e) => {
        e.preventDefault();
        void onAccept(reason.trim()).then((ok) => ok && setReason(""));
      }}
    >
      <p className="alert" role="note" data-testid="accept-guard">
        {guard.message}
      </p>
      <label htmlFor={id}>Override reason (recorded in the history)</label>
      <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={2000} />
      <button type="submit" className="danger" disabled={busy || !reason.trim()}>
        Accept “{proposal.label}” with owner override
      </button>
    </form>
  );
}
