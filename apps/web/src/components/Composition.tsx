"use client";
/** Cells per accepted label in a run, and how its labels correspond to another run's. */
import { useState } from "react";
import { useQuery } from "../graphql/hooks";
import { QueryError } from "./QueryError";
import { LABEL_CORRESPONDENCE, RUN_COMPOSITION, type LabelCorrespondenceData, type RunCompositionData } from "../graphql/operations";

export function Composition({ runId, version, otherRuns }: { runId: string; version: string; otherRuns: { id: string; name: string }[] }) {
  // `version` sums the clusters' versions: an acceptance anywhere changes the counts.
  const q = useQuery<RunCompositionData>(RUN_COMPOSITION, { id: runId }, { refetchOn: version });
  const [other, setOther] = useState("");
  const c = useQuery<LabelCorrespondenceData>(LABEL_CORRESPONDENCE, { a: runId, b: other }, { skip: !other });
  const rows = q.data?.run?.composition ?? [];
  const corr = other ? c.data?.labelCorrespondence : null;
  return (
    <section className="panel" aria-labelledby="composition-title" data-testid="composition">
      <h2 id="composition-title">Composition</h2>
      <QueryError q={q} />
      {rows.length ? (
        <table style={{ maxWidth: "40rem" }}>
          <caption className="sr-only">Cells per accepted label</caption>
          <thead>
            <tr>
              <th scope="col">Accepted label</th>
              <th scope="col" className="num">
                Cells
              </th>
              <th scope="col">Share</th>
              <th scope="col">Clusters</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.label}:${r.ontologyId}`}>
                <th scope="row">
                  {r.label ?? <span className="muted">no accepted label</span>} {r.ontologyId ? <span className="muted">{r.ontologyId}</span> : null}
                </th>
                <td className="num">{r.cells.toLocaleString()}</td>
                <td>
                  <span aria-hidden="true" style={{ display: "inline-block", height: "0.7em", width: `${Math.max(1, r.fraction * 10)}rem`, background: r.label ? "#4c78a8" : "#bbb" }} /> {(r.fraction * 100).toFixed(1)}%
                </td>
                <td>{r.clusters.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="muted">{q.loading ? "Counting…" : "No clusters."}</p>
      )}
      {otherRuns.length ? (
        <div className="field">
          <label htmlFor="corr-run">Compare accepted labels with</label>
          <select id="corr-run" value={other} onChange={(e) => setOther(e.target.value)}>
            <option value="">another run of this dataset…</option>
            {otherRuns.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <QueryError q={c} />
      {corr ? (
        <table>
          <caption>
            Cells shared by the two runs ({corr.sharedCells.toLocaleString()}), by accepted label: rows this run, columns the other
          </caption>
          <thead>
            <tr>
              <th scope="col" />
              {corr.labelsB.map((l, j) => (
                <th key={j} scope="col">
                  {l ?? "none"}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {corr.labelsA.map((l, i) => (
              <tr key={i}>
                <th scope="row">{l ?? "none"}</th>
                {corr.counts[i]!.map((n, j) => (
                  <td key={j} className="num" style={{ fontWeight: n === Math.max(...corr.counts[i]!) && n > 0 ? "bold" : undefined }}>
                    {n || ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
