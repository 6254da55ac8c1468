"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { ErrorText } from "../../components/Field";
import { fmtDate, fmtNum } from "../../components/format";
import { Heatmap } from "../../components/Heatmap";
import { useTitle } from "../../components/title";
import { useQuery } from "../../graphql/hooks";
import { COMPARE, RUN_AGREEMENT, type CompareData, type Metrics, type RunAgreementData } from "../../graphql/operations";
import { agreementPairs, clusterTitle } from "./pairs";

const ROWS: { key: keyof Metrics; name: string; digits?: number }[] = [
  { key: "acc", name: "ACC" },
  { key: "nmi", name: "NMI" },
  { key: "ari", name: "ARI" },
  { key: "headAcc", name: "Cluster head ACC" },
  { key: "headNmi", name: "Cluster head NMI" },
  { key: "headAri", name: "Cluster head ARI" },
  { key: "k", name: "Clusters", digits: 0 },
  { key: "cells", name: "Cells", digits: 0 },
  { key: "genesUsed", name: "Genes used", digits: 0 },
  { key: "finalLoss", name: "Final loss" },
  { key: "resolution", name: "Resolution (graph methods)" },
  { key: "modularity", name: "Modularity (graph methods)" },
  { key: "seconds", name: "Clustering seconds", digits: 1 },
];

function Agreement({ a, b, nameA, nameB, labelsA, labelsB }: { a: string; b: string; nameA: string; nameB: string; labelsA: Map<number, string>; labelsB: Map<number, string> }) {
  const q = useQuery<RunAgreementData>(RUN_AGREEMENT, { a, b });
  if (q.error) return <ErrorText error={`${nameA} vs ${nameB}: ${q.error.message}`} />;
  const r = q.data?.runAgreement;
  if (!r) return <p aria-live="polite">Computing the agreement…</p>;
  return (
    <div className="panel">
      <h3>
        {nameA} vs {nameB}
      </h3>
      <p data-testid="agreement">
        ARI <strong>{fmtNum(r.ari)}</strong> · NMI <strong>{fmtNum(r.nmi)}</strong> over {r.sharedCells.toLocaleString()} cells clustered by both
      </p>
      <Heatmap
        caption={`Cells in ${nameA}'s cluster (rows) and ${nameB}'s (columns), named by their accepted labels where the team has agreed on one`}
        rowHeader={nameA}
        colHeader={nameB}
        rowNames={r.contingency.map((_, i) => clusterTitle(i, labelsA))}
        colNames={(r.contingency[0] ?? []).map((_, j) => clusterTitle(j, labelsB))}
        counts={r.contingency}
      />
    </div>
  );
}

function Compare() {
  const ids = (useSearchParams().get("ids") ?? "").split(",").filter(Boolean);
  const q = useQuery<CompareData>(COMPARE, { ids }, { skip: ids.length === 0 });
  useTitle(ids.length ? `Compare ${ids.length} runs` : "Compare runs");
  if (ids.length === 0)
    return (
      <>
        <h1>Compare runs</h1>
        <p>
          Tick two or more runs in a <Link href="/teams">team&apos;s</Link> or a dataset&apos;s run list and choose “Compare”.
        </p>
      </>
    );
  if (q.error) return <ErrorText error={q.error.message} />;
  const runs = q.data?.compareRuns;
  if (!runs) return <p aria-live="polite">Loading…</p>;
  const name = (i: number) => `Run ${i + 1}`;
  const { pairs, leftOut } = agreementPairs(runs);
  const labels = runs.map((r) => new Map(r.clusters.flatMap((c) => (c.label ? [[c.index, c.label] as const] : []))));
  return (
    <>
      <h1>Compare runs</h1>
      <table data-testid="compare-table">
        <caption className="sr-only">Metrics side by side</caption>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {runs.map((r, i) => (
              <th scope="col" key={r.id} className="num">
                <Link href={`/runs/${r.id}`}>{name(i)}</Link>
                <div className="muted" style={{ fontWeight: 400 }}>
                  {r.method} · seed {r.seed} · {r.dataset.name}
                  <br />
                  {fmtDate(r.createdAt)}
                </div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Status</th>
            {runs.map((r) => (
              <td key={r.id} className="num">
                {r.status.toLowerCase()}
              </td>
            ))}
          </tr>
          <tr>
            <th scope="row">Parameters</th>
            {runs.map((r) => (
              <td key={r.id} className="num">
                <code>{JSON.stringify(r.params)}</code>
              </td>
            ))}
          </tr>
          {ROWS.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.name}</th>
              {runs.map((r) => (
                <td key={r.id} className="num">
                  {fmtNum(r.metrics?.[row.key] ?? null, row.digits ?? 3)}
                </td>
              ))}
            </tr>
          ))}
          <tr>
            <th scope="row">Seconds per epoch</th>
            {runs.map((r) => (
              <td key={r.id} className="num">
                {fmtNum(r.secondsPerEpoch, 2)}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <h2>Agreement between runs</h2>
      {leftOut.length ? (
        <ul className="notice" data-testid="compare-left-out" aria-label="Runs left out of the agreement">
          {leftOut.map(({ index, reason }) => (
            <li key={runs[index]!.id}>
              {name(index)} is left out of the agreement: {reason}.
            </li>
          ))}
        </ul>
      ) : null}
      {pairs.length ? pairs.map(([i, j]) => <Agreement key={`${i}-${j}`} a={runs[i]!.id} b={runs[j]!.id} nameA={name(i)} nameB={name(j)} labelsA={labels[i]!} labelsB={labels[j]!} />) : <p className="muted">Agreement needs two succeeded runs of the same dataset.</p>}
    </>
  );
}

export default function ComparePage() {
  return (
    <Suspense>
      <Compare />
    </Suspense>
  );
}
