import { describe, expect, it } from "vitest";
import type { ClusterState, HistoryEntry } from "../graphql/operations";
import { historyLines } from "./history";

const alice = { id: "u1", name: "Alice" };
const bob = { id: "u2", name: "Bob" };
let n = 0;
const entry = (actor: { id: string; name: string }, action: string, proposalId: string | null, before: unknown, after: unknown): HistoryEntry => ({
  id: String(++n),
  at: "2026-01-01T00:00:00Z",
  actor,
  action,
  proposalId,
  before,
  after,
});

describe("historyLines", () => {
  it("tells a dispute in words, each vote naming the label it was cast on", () => {
    const snap = (label: string) => ({ label, ontologyId: null, evidence: null, markerGenes: [], revision: 1 });
    const history = [
      entry(alice, "proposal.create", "p1", { proposal: null }, { proposal: snap("H1975") }),
      entry(bob, "proposal.vote", "p1", { vote: null }, { vote: { value: -1, reason: "EGFR-high" } }),
      entry(bob, "comment.create", "p1", { comment: null }, { comment: { id: "c1", body: "Check HCC827" } }),
      entry(alice, "proposal.revise", "p1", { proposal: snap("H1975") }, { proposal: snap("HCC827") }),
      entry(bob, "proposal.vote", "p1", { vote: null }, { vote: { value: 1, reason: null } }),
      entry(bob, "proposal.accept", "p1", { acceptedProposalId: null }, { acceptedProposalId: "p1", label: "HCC827" }),
    ];
    const cluster = { proposals: [{ id: "p1", label: "HCC827" }], history } as unknown as ClusterState;
    expect(historyLines(cluster).map((l) => l.text)).toEqual([
      "Alice proposed “H1975”",
      "Bob voted disagree on “H1975”: EGFR-high",
      "Bob commented: Check HCC827",
      "Alice revised “H1975” to “HCC827”",
      "Bob voted agree on “HCC827”",
      "Bob accepted “HCC827”",
    ]);
  });

  it("names an action it does not know rather than hiding it", () => {
    const cluster = { proposals: [], history: [entry(alice, "cluster.merge", null, null, null)] } as unknown as ClusterState;
    expect(historyLines(cluster)[0]!.text).toBe("Alice: cluster.merge");
  });
});
