"use client";
/**
 * The run page's naming tools beside the cluster review: the Cell Annotation Schema export/import
 * and the composition views. Annotation changes (the socket's `annotation.changed`) refresh the
 * composition.
 */
import { useState } from "react";
import { useQuery } from "../graphql/hooks";
import { DATASET, type DatasetData, type Role } from "../graphql/operations";
import { useSocketEvent, type AnnotationEvent } from "../graphql/socket";
import { CasExchange } from "./CasExchange";
import { Composition } from "./Composition";

export function RunNaming({ runId, datasetId, role }: { runId: string; datasetId: string; role: Role }) {
  const [changes, setChanges] = useState(0);
  useSocketEvent<AnnotationEvent>("annotation.changed", (e) => {
    if (e.runId === runId) setChanges((n) => n + 1);
  });
  const dataset = useQuery<DatasetData>(DATASET, { id: datasetId });
  const others = (dataset.data?.dataset?.runs.edges ?? [])
    .map((e) => e.node)
    .filter((r) => r.id !== runId && r.status === "SUCCEEDED")
    .map((r) => ({ id: r.id, name: `${r.method} · seed ${r.seed} · ${new Date(r.createdAt).toLocaleString()}` }));
  return (
    <>
      <Composition runId={runId} version={String(changes)} otherRuns={others} />
      <CasExchange runId={runId} canImport={role !== "VIEWER"} onImported={() => setChanges((n) => n + 1)} />
    </>
  );
}

/** Shown at once when the signed-in user is removed from the run's team (the socket says so before it drops). */
export function MembershipNotice({ teamId, viewerId }: { teamId: string; viewerId: string | null }) {
  const [removed, setRemoved] = useState(false);
  useSocketEvent<{ teamId: string; userId: string; role: string | null }>("membership.changed", (e) => {
    if (e.teamId === teamId && e.userId === viewerId && e.role === null) setRemoved(true);
  });
  if (!removed) return null;
  return (
    <p role="alert" className="alert" data-testid="membership-removed">
      You were removed from this team: this page no longer updates, and any change you make here will be refused. Ask a team owner if this is a mistake.
    </p>
  );
}
