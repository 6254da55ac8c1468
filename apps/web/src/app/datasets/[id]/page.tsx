"use client";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { ErrorText } from "../../../components/Field";
import { GeneNames } from "../../../components/GeneNames";
import { isNotFound, NotFound } from "../../../components/NotFound";
import { useTitle } from "../../../components/title";
import { fmtBytes, fmtDate } from "../../../components/format";
import { OrganismField } from "../../../components/OrganismField";
import { QcHistogram } from "../../../components/QcHistogram";
import { RunForm } from "../../../components/RunForm";
import { RunsTable } from "../../../components/RunsTable";
import { errorMessage, gql, unwrap, type UserError } from "../../../graphql/client";
import { useQuery } from "../../../graphql/hooks";
import { DATASET, DELETE_DATASET, VIEWER, type DatasetData, type ViewerData } from "../../../graphql/operations";
import { useSocketEvent } from "../../../graphql/socket";

export default function DatasetPage() {
  const { id } = useParams<{ id: string }>();
  const router = useRouter();
  const q = useQuery<DatasetData>(DATASET, { id });
  const viewerQ = useQuery<ViewerData>(VIEWER);
  const [error, setError] = useState<string | null>(null);
  useSocketEvent("run.status", () => void q.refetch());

  const d = q.data?.dataset;
  useTitle(d ? `${d.name} (dataset)` : null);
  if (q.error) return isNotFound(q.error) ? <NotFound what="Dataset" /> : <ErrorText error={q.error.message} />;
  if (!d) return q.loading ? <p aria-live="polite">Loading…</p> : <NotFound what="Dataset" />;

  async function remove() {
    if (!d || !window.confirm(`Delete ${d.name}, its runs and their files?`)) return;
    try {
      unwrap((await gql<{ deleteDataset: { errors: UserError[] } }>(DELETE_DATASET, { id: d.id })).deleteDataset);
      router.push(`/teams/${d.team.id}`);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <>
      <p className="muted">
        <Link href="/teams">Teams</Link> › <Link href={`/teams/${d.team.id}`}>{d.team.name}</Link> ›
      </p>
      <h1>{d.name}</h1>
      <section className="panel" aria-labelledby="facts-title">
        <h2 id="facts-title" className="sr-only">
          Facts
        </h2>
        <dl className="facts">
          <dt>Cells</dt>
          <dd data-testid="dataset-cells">{d.cells.toLocaleString()}</dd>
          <dt>Genes</dt>
          <dd>{d.genes.toLocaleString()}</dd>
          <dt>Format</dt>
          <dd>{d.format}</dd>
          <dt>Organism</dt>
          <dd>
            <OrganismField datasetId={d.id} organism={d.organism} canEdit={d.team.viewerRole !== "VIEWER"} />
          </dd>
          <dt>Label columns</dt>
          <dd>{d.labelColumns.join(", ") || "none"}</dd>
          <dt>Size</dt>
          <dd>{fmtBytes(d.sizeBytes)}</dd>
          <dt>SHA-256</dt>
          <dd>
            <code>{d.checksum}</code>
          </dd>
          <dt>Uploaded</dt>
          <dd>
            {fmtDate(d.createdAt)} by {d.uploader.name}
          </dd>
        </dl>
        {d.team.viewerRole === "OWNER" || (d.team.viewerRole === "EDITOR" && viewerQ.data?.viewer?.id === d.uploader.id) ? (
          <p>
            <button type="button" className="danger" onClick={() => void remove()}>
              Delete dataset
            </button>
          </p>
        ) : null}
        <ErrorText error={error} />
      </section>
      <GeneNames datasetId={d.id} columns={d.geneColumns} current={d.geneNameColumn} canEdit={d.team.viewerRole !== "VIEWER"} onChanged={() => void q.refetch()} />
      <section aria-labelledby="qc-title">
        <h2 id="qc-title">Quality control</h2>
        {d.qc ? (
          <div className="row">
            <QcHistogram title="Counts per cell" unit="counts" dist={d.qc.countsPerCell} />
            <QcHistogram title="Genes per cell" unit="genes" dist={d.qc.genesPerCell} />
          </div>
        ) : (
          <p className="muted">No QC figures: this dataset was uploaded before they were computed.</p>
        )}
      </section>
      {d.team.viewerRole !== "VIEWER" ? (
        <section className="panel">
          <RunForm datasetId={d.id} hasLabels={d.labelColumns.length > 0} />
        </section>
      ) : null}
      <section className="panel" aria-labelledby="druns-title">
        <h2 id="druns-title">Runs on this dataset</h2>
        <RunsTable runs={d.runs.edges.map((e) => e.node)} caption={`Runs on ${d.name}`} />
      </section>
    </>
  );
}
