"use client";
/**
 * One cluster's or cell set's annotation review (one flow for both): a cluster's markers, the
 * suggestions, the proposals with their votes and comments, the forms to propose, revise, vote,
 * comment and accept, and the history. Every change sends the subject's version the user saw; when
 * a teammate changed it meanwhile the API refuses it (CONFLICT) with the current state, which is
 * shown while the user's draft stays in its form.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { GqlError, errorMessage, gql, unwrap, type Doc } from "../graphql/client";
import {
  ACCEPT_PROPOSAL,
  ADOPT_SUGGESTION,
  COMMENT_CLUSTER,
  PROPOSE_LABEL,
  REVISE_PROPOSAL,
  VOTE_PROPOSAL,
  type AnnotationPayload,
  type CellSetRow,
  type ClusterState,
  type Proposal,
  type ReviewState,
  type Role,
} from "../graphql/operations";
import { AcceptControl } from "./AcceptControl";
import { CellTypeFields } from "./CellTypeFields";
import { fmtDate } from "./format";
import { historyLines } from "./history";
import { MarkerCells, MarkerHeaders } from "./MarkerCells";
import { SuggestionsPanel } from "./SuggestionsPanel";

/** What is reviewed: a cluster (with its stored markers) or a cell set (its markers are in its comparison panel). */
export type ReviewSubject = { kind: "cluster"; state: ClusterState } | { kind: "cellSet"; state: CellSetRow };

interface Props {
  runId: string;
  subject: ReviewSubject;
  /** How the page names the subject ("Cluster 3 (B cell)", "cell set “CD8 effector-like”"). */
  title: string;
  viewer: { id: string; name: string };
  role: Role;
  /** The subject's state after a change (or the current one after a conflict). */
  onChanged(subject: ReviewSubject): void;
}

type Outcome = { kind: "conflict"; message: string } | { kind: "error"; message: string } | null;

function useMutation(noun: string, onChanged: (s: ReviewSubject) => void) {
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  async function mutate<R>(query: Doc<R>, payloadOf: (result: R) => AnnotationPayload, variables: Record<string, unknown>): Promise<boolean> {
    setBusy(true);
    setOutcome(null);
    try {
      const payload = payloadOf(await gql(query, variables));
      if (payload.cluster) onChanged({ kind: "cluster", state: payload.cluster });
      if (payload.cellSet) onChanged({ kind: "cellSet", state: payload.cellSet });
      unwrap(payload);
      return true;
    } catch (err) {
      if (err instanceof GqlError && err.code === "CONFLICT") {
        setOutcome({
          kind: "conflict",
          message: `Conflict: a teammate changed this ${noun} while you were editing, so your change was not saved. The current state is shown below; your text is kept — review it and submit again. (${err.message})`,
        });
      } else setOutcome({ kind: "error", message: errorMessage(err) });
      return false;
    } finally {
      setBusy(false);
    }
  }
  const clear = useCallback(() => setOutcome(null), []);
  return { outcome, busy, mutate, clear };
}

function OutcomeAlert({ outcome }: { outcome: Outcome }) {
  const ref = useRef<HTMLParagraphElement | null>(null);
  // The forms sit below the proposals: bring the message into view and give it focus, so keyboard
  // and screen-reader users land on it too.
  useEffect(() => {
    if (outcome && ref.current) {
      ref.current.focus();
      ref.current.scrollIntoView({ block: "center" });
    }
  }, [outcome]);
  if (!outcome) return null;
  return (
    <p ref={ref} tabIndex={-1} role="alert" className="alert" data-testid={outcome.kind === "conflict" ? "conflict-message" : "annotation-error"}>
      {outcome.message}
    </p>
  );
}

const splitGenes = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((g) => g.trim())
    .filter(Boolean);

function ProposalForm({
  idPrefix,
  initial,
  version,
  submitLabel,
  onSubmit,
  onCancel,
  busy,
}: {
  idPrefix: string;
  initial: { label: string; ontologyId: string; evidence: string; markerGenes: string };
  version: number;
  submitLabel: string;
  onSubmit(values: { label: string; ontologyId: string | null; evidence: string | null; markerGenes: string[] }, baseVersion: number): Promise<boolean>;
  onCancel?: () => void;
  busy: boolean;
}) {
  const [values, setValues] = useState(initial);
  // The version the user started editing from: a teammate's change after that is a conflict.
  const [baseVersion, setBaseVersion] = useState<number | null>(null);
  const edit = (k: keyof typeof values, v: string) => {
    setBaseVersion((b) => b ?? version);
    setValues((old) => ({ ...old, [k]: v }));
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await onSubmit(
      { label: values.label.trim(), ontologyId: values.ontologyId.trim() || null, evidence: values.evidence.trim() || null, markerGenes: splitGenes(values.markerGenes) },
      baseVersion ?? version,
    );
    // After a conflict the draft stays and the next submit is based on what is now on screen.
    setBaseVersion(ok ? null : version);
    if (ok && !onCancel) setValues({ label: "", ontologyId: "", evidence: "", markerGenes: "" });
  }
  return (
    <form onSubmit={(e) => void submit(e)} className="panel" style={{ background: "#fafbfc" }}>
      <CellTypeFields
        idPrefix={idPrefix}
        label={values.label}
        ontologyId={values.ontologyId}
        onChange={(v) => {
          if (v.label !== undefined) edit("label", v.label);
          if (v.ontologyId !== undefined) edit("ontologyId", v.ontologyId);
        }}
      />
      <div className="field">
        <label htmlFor={`${idPrefix}-genes`}>Marker genes cited (optional)</label>
        <input id={`${idPrefix}-genes`} value={values.markerGenes} onChange={(e) => edit("markerGenes", e.target.value)} placeholder="CD14, LYZ" />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-evidence`}>Evidence (optional)</label>
        <textarea id={`${idPrefix}-evidence`} value={values.evidence} onChange={(e) => edit("evidence", e.target.value)} maxLength={5000} />
      </div>
      <p className="inline">
        <button type="submit" disabled={busy}>
          {submitLabel}
        </button>
        {onCancel ? (
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </p>
    </form>
  );
}

function VoteForm({ proposal, onVote, busy }: { proposal: Proposal; onVote(value: "AGREE" | "DISAGREE", reason: string | null): Promise<boolean>; busy: boolean }) {
  const [disagreeing, setDisagreeing] = useState(false);
  const [reason, setReason] = useState("");
  const id = `reason-${proposal.id}`;
  const mine = proposal.viewerVote?.value;
  return (
    <div>
      <div className="inline" role="group" aria-label={`Your vote on ${proposal.label}`}>
        <button type="button" className={mine === "AGREE" ? "" : "secondary"} aria-pressed={mine === "AGREE"} disabled={busy} onClick={() => void onVote("AGREE", null)}>
          Agree
        </button>
        <button type="button" className={mine === "DISAGREE" ? "danger" : "secondary"} aria-pressed={mine === "DISAGREE"} disabled={busy} onClick={() => setDisagreeing((v) => !v)}>
          Disagree…
        </button>
      </div>
      {disagreeing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void onVote("DISAGREE", reason.trim()).then((ok) => {
              if (ok) {
                setDisagreeing(false);
                setReason("");
              }
            });
          }}
        >
          <label htmlFor={id}>Why do you disagree?</label>
          <textarea id={id} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={5000} />
          <button type="submit" className="danger" disabled={busy || !reason.trim()}>
            Submit disagreement
          </button>
        </form>
      ) : null}
    </div>
  );
}

/** A cluster's review (the run page's review panel). */
export function ClusterReview({ runId, cluster, clusterName, viewer, role, onChanged }: { runId: string; cluster: ClusterState; clusterName: string; viewer: Props["viewer"]; role: Role; onChanged(c: ClusterState): void }) {
  return <SubjectReview runId={runId} subject={{ kind: "cluster", state: cluster }} title={clusterName} viewer={viewer} role={role} onChanged={(s) => s.kind === "cluster" && onChanged(s.state)} />;
}

export function SubjectReview({ runId, subject, title, viewer, role, onChanged }: Props) {
  const cluster: ReviewState = subject.state;
  const isCluster = subject.kind === "cluster";
  const noun = isCluster ? "cluster" : "cell set";
  // The subject as the annotation mutations name it, and a key for element ids.
  const target = subject.kind === "cluster" ? { clusterIndex: subject.state.index } : { cellSetId: subject.state.id };
  const key = subject.kind === "cluster" ? String(subject.state.index) : `set-${subject.state.id}`;
  const { outcome, busy, mutate, clear } = useMutation(noun, onChanged);
  const [revising, setRevising] = useState<string | null>(null);
  const [comment, setComment] = useState("");
  const [commentOn, setCommentOn] = useState<string>("");
  const canEdit = role !== "VIEWER";
  useEffect(() => {
    // Another cluster: forget the previous one's messages and open forms.
    clear();
    setRevising(null);
  }, [cluster.id, clear]);

  const statusText = cluster.status.toLowerCase();
  const size = subject.kind === "cluster" ? subject.state.size : subject.state.cells.length;
  const majority = subject.kind === "cluster" ? subject.state.majorityLabel : null;
  return (
    <section
      aria-labelledby={`review-title-${key}`}
      data-testid={isCluster ? "cluster-review" : "cell-set-review"}
      data-cluster={subject.kind === "cluster" ? subject.state.index : undefined}
      data-cell-set={subject.kind === "cellSet" ? subject.state.id : undefined}
      data-version={cluster.version}
    >
      <h2 id={`review-title-${key}`}>
        {isCluster ? title : `Review of ${title}`}{" "}
        <span className={`badge status-${statusText}`} data-testid={isCluster ? "cluster-status" : "cell-set-status"}>
          {statusText}
        </span>
      </h2>
      <p className="muted">
        {size.toLocaleString()} cells
        {majority ? ` · most common dataset label: ${majority}` : ""}
        {cluster.label ? ` · accepted label: ${cluster.label}` : ""} · version {cluster.version}
      </p>
      {cluster.acceptOverrideReason ? (
        <p className="muted" data-testid="override-reason">
          Accepted by its author over a disagreement, with the owner&apos;s reason: “{cluster.acceptOverrideReason}”
        </p>
      ) : null}
      <OutcomeAlert outcome={outcome} />

      {subject.kind === "cluster" ? <ClusterMarkers markers={subject.state.markers} name={title} /> : null}

      <SuggestionsPanel
        runId={runId}
        subject={subject.kind === "cluster" ? { kind: "cluster", index: subject.state.index } : { kind: "cellSet", id: subject.state.id }}
        version={cluster.version}
        canAdopt={canEdit}
        adopted={new Set(cluster.proposals.filter((p) => p.source === "SUGGESTION" && p.ontologyId).map((p) => p.ontologyId!))}
        busy={busy}
        onAdopt={(cellTypeId, tissue) => mutate(ADOPT_SUGGESTION, (r) => r.adoptSuggestion, { input: { runId, ...target, cellTypeId, tissue } })}
      />

      <h3>Proposals</h3>
      {cluster.proposals.length === 0 ? <p className="muted">No proposals yet.</p> : null}
      {cluster.proposals.map((p) => {
        const comments = cluster.comments.filter((c) => c.proposal?.id === p.id);
        const canRevise = role === "OWNER" || (canEdit && p.author.id === viewer.id);
        return (
          <article key={p.id} className={`proposal${p.accepted ? " accepted" : ""}`} aria-label={`Proposal ${p.label}`} data-testid="proposal">
            <h4 style={{ margin: 0 }}>
              <span data-testid="proposal-label">{p.label}</span>
              {p.ontologyId ? <span className="muted"> ({p.ontologyId})</span> : null}
              {p.accepted ? (
                <span className="badge status-accepted" style={{ marginLeft: "0.5rem" }}>
                  accepted
                </span>
              ) : null}
              {p.source !== "MANUAL" ? (
                <span className="badge" style={{ marginLeft: "0.5rem" }} data-testid="proposal-source">
                  {p.source === "SUGGESTION" ? "automated suggestion" : p.source === "COPY" ? "copied" : "imported"}
                </span>
              ) : null}
            </h4>
            <p className="muted" style={{ margin: "0.2rem 0" }}>
              by {p.author.name}
              {p.importedAuthor ? ` (imported; written by ${p.importedAuthor})` : ""} · revision {p.revision} · {fmtDate(p.updatedAt)} ·{" "}
              <span data-testid="vote-counts">
                {p.agreeCount} agree, {p.disagreeCount} disagree
              </span>
            </p>
            {p.markerGenes.length ? <p style={{ margin: "0.2rem 0" }}>Markers cited: {p.markerGenes.join(", ")}</p> : null}
            {p.evidence ? <p style={{ margin: "0.2rem 0" }}>{p.evidence}</p> : null}
            {p.votes.length ? (
              <ul className="history" aria-label="Votes">
                {p.votes.map((v) => (
                  <li key={v.user.id}>
                    {v.user.name}: {v.value.toLowerCase()}
                    {v.reason ? ` — ${v.reason}` : ""}
                  </li>
                ))}
              </ul>
            ) : null}
            {comments.length ? (
              <ul className="history" aria-label="Comments on this proposal">
                {comments.map((c) => (
                  <li key={c.id}>
                    <strong>{c.author.name}</strong>: {c.body} <span className="muted">({fmtDate(c.createdAt)})</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {p.author.id !== viewer.id ? (
              <VoteForm proposal={p} busy={busy} onVote={(value, reason) => mutate(VOTE_PROPOSAL, (r) => r.voteProposal, { input: { proposalId: p.id, value, reason } })} />
            ) : (
              <p className="muted">Your proposal: your teammates vote on it.</p>
            )}
            <p className="inline">
              {canRevise && revising !== p.id ? (
                <button type="button" className="secondary" onClick={() => setRevising(p.id)}>
                  Revise
                </button>
              ) : null}
              {canEdit ? (
                <AcceptControl proposal={p} busy={busy} onAccept={(overrideReason) => mutate(ACCEPT_PROPOSAL, (r) => r.acceptProposal, { proposalId: p.id, expectedVersion: cluster.version, overrideReason })} />
              ) : null}
            </p>
            {revising === p.id ? (
              <ProposalForm
                idPrefix={`revise-${p.id}`}
                initial={{ label: p.label, ontologyId: p.ontologyId ?? "", evidence: p.evidence ?? "", markerGenes: p.markerGenes.join(", ") }}
                version={cluster.version}
                submitLabel="Save revision"
                busy={busy}
                onCancel={() => setRevising(null)}
                onSubmit={async (v, baseVersion) => {
                  const ok = await mutate(REVISE_PROPOSAL, (r) => r.reviseProposal, { input: { proposalId: p.id, expectedVersion: baseVersion, ...v } });
                  if (ok) setRevising(null);
                  return ok;
                }}
              />
            ) : null}
          </article>
        );
      })}

      {canEdit ? (
        <>
          <h3>Propose a cell type</h3>
          <ProposalForm
            idPrefix={`propose-${key}`}
            initial={{ label: "", ontologyId: "", evidence: "", markerGenes: "" }}
            version={cluster.version}
            submitLabel="Propose"
            busy={busy}
            onSubmit={(v, baseVersion) => mutate(PROPOSE_LABEL, (r) => r.proposeLabel, { input: { runId, ...target, expectedVersion: baseVersion, ...v } })}
          />
        </>
      ) : null}

      <h3>Discussion</h3>
      {cluster.comments.filter((c) => !c.proposal).length ? (
        <ul className="history" aria-label={`Comments on the ${noun}`}>
          {cluster.comments
            .filter((c) => !c.proposal)
            .map((c) => (
              <li key={c.id}>
                <strong>{c.author.name}</strong>: {c.body} <span className="muted">({fmtDate(c.createdAt)})</span>
              </li>
            ))}
        </ul>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void mutate(COMMENT_CLUSTER, (r) => r.commentCluster, { input: { runId, ...target, body: comment.trim(), proposalId: commentOn || null } }).then((ok) => ok && setComment(""));
        }}
      >
        <label htmlFor={`comment-${key}`}>Comment</label>
        <textarea id={`comment-${key}`} value={comment} onChange={(e) => setComment(e.target.value)} required maxLength={5000} />
        {cluster.proposals.length ? (
          <div className="field">
            <label htmlFor={`comment-on-${key}`}>About</label>
            <select id={`comment-on-${key}`} value={commentOn} onChange={(e) => setCommentOn(e.target.value)}>
              <option value="">the {noun}</option>
              {cluster.proposals.map((p) => (
                <option key={p.id} value={p.id}>
                  the proposal “{p.label}”
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <p>
          <button type="submit" disabled={busy || !comment.trim()}>
            Post comment
          </button>
        </p>
      </form>

      <h3>History</h3>
      {cluster.history.length ? (
        <ol className="history" data-testid="history" aria-label={`History of ${title}`}>
          {historyLines(cluster).map(({ h, text }) => (
            <li key={h.id}>
              {text} <span className="muted">({fmtDate(h.at)})</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">Nothing has happened to this {noun} yet.</p>
      )}
    </section>
  );
}

function ClusterMarkers({ markers, name }: { markers: ClusterState["markers"]; name: string }) {
  return (
    <>
      <h3>Top marker genes</h3>
      {markers.length ? (
        <table>
          <caption className="sr-only">Marker genes of {name}</caption>
          <thead>
            <tr>
              <th scope="col">Gene</th>
              <MarkerHeaders />
            </tr>
          </thead>
          <tbody>
            {markers.map((m) => (
              <tr key={m.gene}>
                <td>{m.gene}</td>
                <MarkerCells marker={m} />
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">No marker genes stored for this cluster.</p>
      )}
    </>
  );
}
