"use client";
/** Copies another run's accepted labels onto this run's clusters by cell overlap, as proposals. */
import { useState, type FormEvent } from "react";
import { errorMessage, gql, unwrap, type UserError } from "../graphql/client";
import { useQuery } from "../graphql/hooks";
import { COPY_LABELS, DATASET, type DatasetData } from "../graphql/operations";
import { ErrorText } from "./Field";
import { fmtDate } from "./format";

interface Mapping {
  toCluster: number;
  fromCluster: number | null;
  overlap: number;
  label: string | null;
  copied: boolean;
  reason: string | null;
}

export function CopyLabels({ runId, datasetId, onCopied }: { runId: string; datasetId: string; onCopied(): void }) {
  const q = useQuery<DatasetData>(DATASET, { id: datasetId });
  const [error, setError] = useState<string | null>(null);
  const [mappings, setMappings] = useState<Mapping[] | null>(null);
  const others = (q.data?.dataset?.runs.edges ?? []).map((e) => e.node).filter((r) => r.id !== runId && r.status === "SUCCEEDED");
  if (!others.length) return null;

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setError(null);
    try {
      const d = await gql<{ copyLabels: { mappings: Mapping[]; errors: UserError[] } }>(COPY_LABELS, {
        input: { fromRunId: String(form.get("fromRun")), toRunId: runId, accept: form.get("acceptCopied") === "on" },
      });
      setMappings(unwrap(d.copyLabels).mappings);
      onCopied();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section className="panel" aria-labelledby="copy-title">
      <h2 id="copy-title">Copy labels from another run</h2>
      <p className="muted">Each cluster here takes the accepted label of the cluster of the other run that holds most of its cells (at least half), as a proposal.</p>
      <form className="inline" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="fromRun">From run</label>
          <select id="fromRun" name="fromRun">
            {others.map((r) => (
              <option key={r.id} value={r.id}>
                {r.method} · seed {r.seed} · {fmtDate(r.createdAt)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <input type="checkbox" id="acceptCopied" name="acceptCopied" style={{ width: "auto" }} /> <label htmlFor="acceptCopied" style={{ display: "inline" }}>Also accept them</label>
        </div>
        <button type="submit">Copy labels</button>
      </form>
      <ErrorText error={error} />
      {mappings ? (
        <table>
          <caption style={{ textAlign: "left" }}>What was copied</caption>
          <thead>
            <tr>
              <th scope="col">Cluster here</th>
              <th scope="col">From cluster</th>
              <th scope="col" className="num">Overlap</th>
              <th scope="col">Label</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {mappings.map((m) => (
              <tr key={m.toCluster}>
                <td>{m.toCluster}</td>
                <td>{m.fromCluster ?? "—"}</td>
                <td className="num">{(m.overlap * 100).toFixed(0)}%</td>
                <td>{m.label ?? "—"}</td>
                <td>{m.copied ? "proposed" : (m.reason ?? "not copied")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
