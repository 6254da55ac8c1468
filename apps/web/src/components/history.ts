import type { HistoryEntry, ReviewState } from "../graphql/operations";

/**
 * One line of the audit trail in words. Entries carry snapshots (`after.proposal`, `after.vote`,
 * `after.comment`, or the accepted `label`); a vote names its proposal only by id, so the
 * proposal's current label is looked up.
 */
export function describeHistory(h: HistoryEntry, proposalLabel: (id: string | null) => string | undefined): string {
  const who = h.actor?.name ?? "Someone";
  const rec = (v: unknown): Record<string, unknown> => (v && typeof v === "object" ? (v as Record<string, unknown>) : {});
  const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v));
  const after = rec(h.after), before = rec(h.before);
  const pAfter = rec(after["proposal"]), pBefore = rec(before["proposal"]);
  const label = str(pAfter["label"] ?? after["label"] ?? pBefore["label"] ?? proposalLabel(h.proposalId) ?? "");
  switch (h.action) {
    case "proposal.create":
      return `${who} proposed “${label}”`;
    case "proposal.revise":
      return pBefore["label"] !== undefined && pBefore["label"] !== pAfter["label"] ? `${who} revised “${str(pBefore["label"])}” to “${str(pAfter["label"])}”` : `${who} revised “${label}”`;
    case "proposal.vote": {
      const vote = rec(after["vote"]);
      const value = vote["value"] === 1 || vote["value"] === "AGREE" ? "agree" : vote["value"] === -1 || vote["value"] === "DISAGREE" ? "disagree" : "";
      const reason = str(vote["reason"]);
      return `${who} voted ${value || "on"} on “${label}”${reason ? `: ${reason}` : ""}`;
    }
    case "proposal.accept":
      return `${who} accepted “${label}”`;
    case "comment.create":
      return `${who} commented: ${str(rec(after["comment"])["body"])}`;
    case "cellSet.create":
      return `${who} saved the cell set`;
    case "labels.copy":
      return `${who} copied the label “${label}” from another run`;
    default:
      return `${who}: ${h.action}`;
  }
}

/** The history in words, each vote naming the proposal's label as it was when the vote was cast. */
export function historyLines(cluster: Pick<ReviewState, "history" | "proposals">): { h: HistoryEntry; text: string }[] {
  const labels = new Map<string, string>();
  return cluster.history.map((h) => {
    const text = describeHistory(h, (id) => (id ? (labels.get(id) ?? cluster.proposals.find((p) => p.id === id)?.label) : undefined));
    const after = h.after && typeof h.after === "object" ? (h.after as { proposal?: { label?: unknown } }) : {};
    if (h.proposalId && typeof after.proposal?.label === "string") labels.set(h.proposalId, after.proposal.label);
    return { h, text };
  });
}

