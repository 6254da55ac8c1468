"use client";
/**
 * What the marker databases suggest for a cluster or a cell set: the top 3 Cell Ontology terms with
 * their evidence (the subject's genes behind each, with fold changes and detection rates, the score
 * and the databases' own names), and one click to make a suggestion a proposal marked as automated.
 */
import { useState } from "react";
import { useQuery } from "../graphql/hooks";
import { CELL_SET_SUGGESTIONS, CLUSTER_SUGGESTIONS, type CellSetSuggestionsData, type ClusterSuggestionsData } from "../graphql/operations";
import { QueryError } from "./QueryError";

interface Props {
  runId: string;
  subject: { kind: "cluster"; index: number } | { kind: "cellSet"; id: string };
  /** Changes when the subject changes, so the panel refreshes after an adoption. */
  version: number;
  canAdopt: boolean;
  /** Cell Ontology ids already proposed from a suggestion here: adopting one again is refused, so no button. */
  adopted: ReadonlySet<string>;
  busy: boolean;
  onAdopt(cellTypeId: string, tissue: string | null): Promise<boolean>;
}

export function SuggestionsPanel({ runId, subject, version, canAdopt, adopted, busy, onAdopt }: Props) {
  const [tissue, setTissue] = useState("");
  const [applied, setApplied] = useState<string | null>(null);
  const isCluster = subject.kind === "cluster";
  const clusters = useQuery<ClusterSuggestionsData>(CLUSTER_SUGGESTIONS, { id: runId, tissue: applied }, { skip: !isCluster, refetchOn: version });
  const set = useQuery<CellSetSuggestionsData>(CELL_SET_SUGGESTIONS, { id: subject.kind === "cellSet" ? subject.id : "", tissue: applied }, { skip: isCluster, refetchOn: version });
  const q = isCluster ? clusters : set;
  const answer = subject.kind === "cluster" ? clusters.data?.run?.clusters.find((c) => c.index === subject.index)?.suggestions : set.data?.cellSet?.suggestions;
  const key = subject.kind === "cluster" ? String(subject.index) : `set-${subject.id}`;
  return (
    <section aria-labelledby={`suggest-${key}`} data-testid="suggestions">
      <h3 id={`suggest-${key}`}>Suggested from marker databases</h3>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(tissue.trim() || null);
        }}
      >
        <label htmlFor={`tissue-${key}`}>Tissue (optional)</label>
        <input id={`tissue-${key}`} value={tissue} onChange={(e) => setTissue(e.target.value)} placeholder="e.g. blood" maxLength={100} style={{ width: "10rem" }} />
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      <QueryError q={q} loading="Scoring the marker sets…" />
      {answer && answer.suggestions.length === 0 ? <p className="muted">{answer.note}</p> : null}
      {answer?.suggestions.length ? (
        <ol style={{ paddingLeft: "1.2rem" }}>
          {answer.suggestions.map((s) => (
            <li key={s.cellType.id} data-testid="suggestion" style={{ marginBottom: "0.6rem" }}>
              <strong data-testid="suggestion-label">{s.cellType.label}</strong> <span className="muted">{s.cellType.id}</span> · score {s.score.toFixed(2)}
              {s.cellType.definition ? (
                <div className="muted" style={{ fontSize: "0.85em" }}>
                  {s.cellType.definition}
                </div>
              ) : null}
              <div style={{ fontSize: "0.9em" }}>
                Up here:{" "}
                {s.matched.slice(0, 6).map((g, i) => (
                  <span key={g.gene}>
                    {i ? ", " : ""}
                    <strong>{g.gene}</strong> (log2FC {g.logFoldChange > 1e300 ? "∞" : g.logFoldChange.toFixed(1)}, {(g.pctIn * 100).toFixed(0)}% vs {(g.pctOut * 100).toFixed(0)}%)
                  </span>
                ))}
                {s.matched.length > 6 ? ` and ${s.matched.length - 6} more` : ""} — {s.matched.length} of {s.markersMeasured} markers measured
                {s.against.length ? <span className="alert"> · against: {s.against.map((g) => g.gene).join(", ")}</span> : null}
              </div>
              <div className="muted" style={{ fontSize: "0.8em" }}>
                From {[...new Set(s.sources.map((x) => `${x.database}: ${x.name}`))].slice(0, 3).join("; ")}
                {s.sources.length > 3 ? ` and ${s.sources.length - 3} more entries` : ""}
              </div>
              {adopted.has(s.cellType.id) ? (
                <div className="muted" data-testid="suggestion-adopted">
                  Proposed below
                </div>
              ) : canAdopt ? (
                <button type="button" className="secondary" disabled={busy} onClick={() => void onAdopt(s.cellType.id, applied)}>
                  Propose “{s.cellType.label}”
                </button>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      <p className="muted" style={{ fontSize: "0.8em" }}>
        PanglaoDB, CellMarker 2.0 and pegasus marker sets ({answer?.organism?.toLowerCase() ?? "organism not set"}), scored on this {isCluster ? "cluster" : "cell set"}&apos;s marker statistics; a proposal made here is marked as automated and reviewed like any other.
      </p>
    </section>
  );
}
