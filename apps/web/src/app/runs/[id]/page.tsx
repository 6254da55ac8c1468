"use client";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { ErrorText } from "../../../components/Field";
import { isNotFound, NotFound } from "../../../components/NotFound";
import { useTitle } from "../../../components/title";
import { fmtDate, fmtNum } from "../../../components/format";
import { LossChart, type LossPoint } from "../../../components/LossChart";
import { describePhase } from "../../../components/phase";
import { metricsSummary, paramsOf, settingLines } from "../../../components/settings";
import { KSelectionChart } from "../../../components/KSelectionChart";
import { RunResults } from "../../../components/RunResults";
import { MembershipNotice, RunNaming } from "../../../components/RunNaming";
import { errorMessage, gql, unwrap, type Doc, type UserError } from "../../../graphql/client";
import { useQuery } from "../../../graphql/hooks";
import { CANCEL_RUN, METHODS, RETRY_RUN, RUN, VIEWER, type MethodsData, type RunData, type ViewerData } from "../../../graphql/operations";
import { useRunRoom, useSocketEvent, type RunProgressEvent, type RunStatusEvent } from "../../../graphql/socket";

/** What the socket delivers: the stored progress, not the schema's (no phase from older workers). */
type LiveProgress = RunProgressEvent["progress"] & { resumedFrom: number };

export default function RunPage() {
  const { id } = useParams<{ id: string }>();
  const q = useQuery<RunData>(RUN, { id });
  const viewerQ = useQuery<ViewerData>(VIEWER);
  const methodsQ = useQuery<MethodsData>(METHODS);
  const { connected } = useRunRoom(id);
  const [live, setLive] = useState<LiveProgress | null>(null);
  const [points, setPoints] = useState<LossPoint[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const run = q.data?.run;
  useTitle(run ? `Run ${run.method} · seed ${run.seed} on ${run.dataset.name}` : null);

  const addPoint = useCallback((p: LossPoint) => {
    setPoints((old) => (old.some((o) => o.epoch === p.epoch) ? old.map((o) => (o.epoch === p.epoch ? p : o)) : [...old, p].sort((a, b) => a.epoch - b.epoch)));
  }, []);

  useSocketEvent<RunProgressEvent>("run.progress", (e) => {
    if (e.runId !== id) return;
    setLive({ resumedFrom: 0, ...e.progress });
    addPoint({ epoch: e.progress.epoch, loss: e.progress.loss, instanceLoss: e.progress.instanceLoss, clusterLoss: e.progress.clusterLoss });
  });
  useSocketEvent<RunStatusEvent>("run.status", (e) => {
    if (e.runId === id) void q.refetch();
  });

  // The stored progress seeds the chart when the page opens mid-run; once the run has finished,
  // its whole loss history replaces what the socket delivered.
  const lossHistory = run?.lossHistory;
  useEffect(() => {
    if (run?.progress) addPoint(run.progress);
  }, [run?.progress, addPoint]);
  useEffect(() => {
    if (lossHistory?.length) setPoints(lossHistory.map((p) => ({ epoch: p.epoch, loss: p.loss, instanceLoss: p.instanceLoss, clusterLoss: p.clusterLoss })));
  }, [lossHistory]);

  if (q.error) return isNotFound(q.error) ? <NotFound what="Run" /> : <ErrorText error={q.error.message} />;
  if (!run) return q.loading ? <p aria-live="polite">Loading…</p> : <NotFound what="Run" />;

  const progress = run.status === "RUNNING" && live && (!run.progress || live.epoch >= run.progress.epoch) ? live : run.progress;
  const setEpochs = paramsOf(run.params)["epochs"];
  const epochs = progress?.epochs ?? (typeof setEpochs === "number" ? setEpochs : 200);
  const canWrite = run.team.viewerRole !== "VIEWER";
  const settings = settingLines(run.params, methodsQ.data?.methods.find((m) => m.name === run.method)?.settings);
  const phaseNow = describePhase({ status: run.status, ...(progress ?? {}) });
  // Graph and k-means methods have no epochs: only their status is reported.
  const trains = methodsQ.data?.methods.find((m) => m.name === run.method)?.trains ?? true;

  async function act<R>(query: Doc<R>, resultOf: (r: R) => { errors: UserError[] }, field: "cancelRun" | "retryRun") {
    if (field === "cancelRun" && !window.confirm(`Cancel this ${run!.method} run? It stops at once; Retry can start it again afterwards.`)) return;
    setActionError(null);
    try {
      unwrap(resultOf(await gql(query, { id })));
      if (field === "retryRun") setLive(null);
      await q.refetch();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  }

  return (
    <>
      <p className="muted">
        <Link href={`/teams/${run.team.id}`}>{run.team.name}</Link> › <Link href={`/datasets/${run.dataset.id}`}>{run.dataset.name}</Link> ›
      </p>
      <MembershipNotice teamId={run.team.id} viewerId={viewerQ.data?.viewer?.id ?? null} />
      <h1>
        Run {run.method} · seed {run.seed}{" "}
        <span className={`badge status-${run.status}`} data-testid="run-status" aria-live="polite">
          {run.status.toLowerCase()}
        </span>
      </h1>
      <section className="panel" aria-labelledby="progress-title">
        <h2 id="progress-title">Progress</h2>
        <div className="row">
          <div className="grow" style={{ minWidth: "18rem" }}>
            <label htmlFor="run-progress" data-testid="run-phase">
              {phaseNow.text}
            </label>
            {phaseNow.value === null ? <progress id="run-progress" data-testid="run-progress" /> : <progress id="run-progress" data-testid="run-progress" max={1000} value={Math.round(phaseNow.value * 1000)} />}
            <p className="muted" aria-live="polite">
              {connected ? (trains ? "Live: updates arrive as each epoch ends." : "Live: the status updates when the clustering ends.") : "Connecting for live updates…"}
            </p>
          </div>
          <dl className="facts">
            {run.backend ? (
              <>
                <dt>Backend</dt>
                <dd>{run.backend}</dd>
              </>
            ) : null}
            <dt>Seconds per epoch</dt>
            <dd>{fmtNum(progress?.secondsPerEpoch ?? run.secondsPerEpoch, 2)}</dd>
            <dt>Attempt</dt>
            <dd>
              {run.attempt}
              {progress?.resumedFrom ? ` (resumed from epoch ${progress.resumedFrom})` : ""}
            </dd>
            <dt>Started</dt>
            <dd>{fmtDate(run.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{fmtDate(run.finishedAt)}</dd>
            <dt>Settings</dt>
            <dd data-testid="run-settings">
              {settings.length ? (
                <ul className="plain">
                  {settings.map((x) => (
                    <li key={x.name}>
                      <code>
                        {x.name} = {x.value}
                      </code>
                      {x.isDefault ? <span className="muted"> (default)</span> : null}
                    </li>
                  ))}
                </ul>
              ) : (
                "the method's defaults"
              )}
            </dd>
            <dt>By</dt>
            <dd>{run.createdBy.name}</dd>
          </dl>
        </div>
        {run.error ? (
          <p role="alert" className="alert">
            {run.error}
          </p>
        ) : null}
        {canWrite ? (
          <p className="inline">
            {run.status === "QUEUED" || run.status === "RUNNING" ? (
              <button type="button" className="danger" onClick={() => void act(CANCEL_RUN, (r) => r.cancelRun, "cancelRun")}>
                Cancel run
              </button>
            ) : null}
            {run.status === "FAILED" || run.status === "CANCELLED" ? (
              <button type="button" onClick={() => void act(RETRY_RUN, (r) => r.retryRun, "retryRun")}>
                Retry (resumes from the last checkpoint)
              </button>
            ) : null}
          </p>
        ) : null}
        <ErrorText error={actionError} />
        {trains ? (
          <>
            <h3>Loss</h3>
            <LossChart points={points} epochs={epochs} />
          </>
        ) : null}
      </section>

      {run.status === "SUCCEEDED" ? (
        <section className="panel" aria-labelledby="metrics-title">
          <h2 id="metrics-title">Metrics</h2>
          {run.metrics ? (
            <table style={{ maxWidth: "40rem" }} data-testid="metrics">
              <caption className="sr-only">Scores of this run</caption>
              <thead>
                <tr>
                  <th scope="col">Clustering</th>
                  <th scope="col" className="num">ACC</th>
                  <th scope="col" className="num">NMI</th>
                  <th scope="col" className="num">ARI</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">{run.method === "scfnccl" ? "k-means on the embedding (the answer)" : run.method}</th>
                  <td className="num">{fmtNum(run.metrics.acc)}</td>
                  <td className="num">{fmtNum(run.metrics.nmi)}</td>
                  <td className="num">{fmtNum(run.metrics.ari)}</td>
                </tr>
                {run.metrics.headAcc !== null || run.metrics.headNmi !== null ? (
                <tr>
                  <th scope="row">Cluster head</th>
                  <td className="num">{fmtNum(run.metrics.headAcc)}</td>
                  <td className="num">{fmtNum(run.metrics.headNmi)}</td>
                  <td className="num">{fmtNum(run.metrics.headAri)}</td>
                </tr>
                ) : null}
              </tbody>
            </table>
          ) : null}
          <p className="muted">
            {metricsSummary(run.metrics)}
            {run.metrics?.finalLoss != null ? ` · final loss ${fmtNum(run.metrics.finalLoss)}` : ""}
            {run.metrics?.resolution != null ? ` · resolution ${fmtNum(run.metrics.resolution)}` : ""}
            {run.metrics?.modularity != null ? ` · modularity ${fmtNum(run.metrics.modularity)}` : ""}
            {run.metrics?.seconds != null ? ` · ${fmtNum(run.metrics.seconds, 1)} s` : ""}
            {run.dataset.labelColumns.length ? "" : " · scores need a label column, which this dataset lacks"}
          </p>
          {run.kSelection ? (
            <>
              <h3>Number of clusters</h3>
              <KSelectionChart selection={run.kSelection} />
            </>
          ) : null}
        </section>
      ) : null}

      {run.status === "SUCCEEDED" && viewerQ.data?.viewer ? <RunResults runId={run.id} role={run.team.viewerRole} viewer={viewerQ.data.viewer} datasetId={run.dataset.id} /> : null}
      {run.status === "SUCCEEDED" && viewerQ.data?.viewer ? <RunNaming runId={run.id} datasetId={run.dataset.id} role={run.team.viewerRole} /> : null}
    </>
  );
}
