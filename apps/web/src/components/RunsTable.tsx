"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { RunRow } from "../graphql/operations";
import { fmtDate, fmtNum } from "./format";
import { paramsOf } from "./settings";

/** Runs with their status and scores; two or more ticked open the comparison. */
export function RunsTable({ runs, caption }: { runs: RunRow[]; caption: string }) {
  const router = useRouter();
  const [picked, setPicked] = useState<string[]>([]);
  if (runs.length === 0) return <p className="muted">No runs yet.</p>;
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <th scope="col">Run</th>
            <th scope="col">Dataset</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">K</th>
            <th scope="col" className="num">ACC</th>
            <th scope="col" className="num">NMI</th>
            <th scope="col" className="num">ARI</th>
            <th scope="col">By</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>
                <input type="checkbox" aria-label={`Compare run ${r.method} seed ${r.seed} of ${fmtDate(r.createdAt)}`} checked={picked.includes(r.id)} onChange={() => toggle(r.id)} />
              </td>
              <td>
                <Link href={`/runs/${r.id}`}>
                  {r.method} · seed {r.seed}
                  {typeof paramsOf(r.params)["epochs"] === "number" ? ` · ${String(paramsOf(r.params)["epochs"])} epochs` : ""}
                </Link>
              </td>
              <td>
                <Link href={`/datasets/${r.dataset.id}`}>{r.dataset.name}</Link>
              </td>
              <td>
                <span className={`badge status-${r.status}`}>{r.status.toLowerCase()}</span>
                {r.status === "RUNNING" && r.progress ? ` ${r.progress.epoch}/${r.progress.epochs}` : ""}
              </td>
              <td className="num">{r.metrics?.k ?? "—"}</td>
              <td className="num">{fmtNum(r.metrics?.acc)}</td>
              <td className="num">{fmtNum(r.metrics?.nmi)}</td>
              <td className="num">{fmtNum(r.metrics?.ari)}</td>
              <td>{r.createdBy.name}</td>
              <td>{fmtDate(r.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <button type="button" className="secondary" disabled={picked.length < 2} onClick={() => router.push(`/compare?ids=${picked.join(",")}`)}>
          Compare {picked.length >= 2 ? `${picked.length} runs` : "(tick two or more)"}
        </button>
      </p>
    </>
  );
}
