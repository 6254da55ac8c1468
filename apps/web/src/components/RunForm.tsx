"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { errorMessage, gql, GqlError, unwrap, type UserError } from "../graphql/client";
import { CREATE_RUN } from "../graphql/operations";
import { ErrorText } from "./Field";

/** The engine's defaults (packages/engine/src/tl/train.ts TRAIN_DEFAULTS): a blank field uses them. */
const PARAMS = [
  { name: "epochs", label: "Epochs", placeholder: "200", step: "1", hint: "~7.5 s each on 2 CPU cores for 4k cells" },
  { name: "k", label: "Clusters (K)", placeholder: "number of label types", step: "1", hint: "required when the dataset has no labels" },
  { name: "batchSize", label: "Batch size", placeholder: "200", step: "1" },
  { name: "learningRate", label: "Learning rate", placeholder: "0.2", step: "any" },
  { name: "temperature", label: "Temperature τ", placeholder: "0.07", step: "any" },
  { name: "phi", label: "False-negative threshold φ", placeholder: "0.95", step: "any" },
  { name: "nTopGenes", label: "Highly variable genes", placeholder: "all (≤ 2000)", step: "1" },
] as const;
const INTEGER = new Set(["epochs", "k", "batchSize", "nTopGenes"]);

export function RunForm({ datasetId, hasLabels }: { datasetId: string; hasLabels: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<{ message: string; field?: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const params: Record<string, number> = {};
    for (const p of PARAMS) {
      const raw = String(form.get(p.name) ?? "").trim();
      if (raw === "") continue;
      const v = Number(raw);
      if (!Number.isFinite(v) || (INTEGER.has(p.name) && !Number.isInteger(v))) {
        return setError({ message: `${p.label}: enter ${INTEGER.has(p.name) ? "a whole number" : "a number"}`, field: `params.${p.name}` });
      }
      params[p.name] = v;
    }
    const seedRaw = String(form.get("seed") ?? "").trim();
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ createRun: { run: { id: string } | null; errors: UserError[] } }>(CREATE_RUN, {
        input: { datasetId, method: String(form.get("method")), params, seed: seedRaw === "" ? 0 : Number(seedRaw) },
      });
      const run = unwrap(d.createRun).run!;
      router.push(`/runs/${run.id}`);
    } catch (err) {
      setError({ message: errorMessage(err), field: err instanceof GqlError ? err.field : null });
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="runform-title">
      <h2 id="runform-title">New run</h2>
      <p className="muted">Blank fields use the engine&apos;s defaults, shown greyed.{hasLabels ? " Labels are used only to score the result." : ""}</p>
      <div className="inline">
        <div className="field">
          <label htmlFor="method">Method</label>
          <select id="method" name="method" defaultValue="scfnccl">
            <option value="scfnccl">scFNCCL (contrastive, false-negative corrected)</option>
          </select>
        </div>
        {PARAMS.map((p) => (
          <div className="field" key={p.name}>
            <label htmlFor={p.name}>{p.label}</label>
            <input
              id={p.name}
              name={p.name}
              type="number"
              step={p.step}
              placeholder={p.placeholder}
              aria-invalid={error?.field === `params.${p.name}` || undefined}
              aria-describedby={"hint" in p ? `${p.name}-hint` : undefined}
            />
            {"hint" in p ? (
              <small id={`${p.name}-hint`} className="muted">
                {p.hint}
              </small>
            ) : null}
          </div>
        ))}
        <div className="field">
          <label htmlFor="seed">Seed</label>
          <input id="seed" name="seed" type="number" step="1" min="0" placeholder="0" />
        </div>
      </div>
      <ErrorText error={error?.message} />
      <p>
        <button type="submit" disabled={busy}>
          {busy ? "Starting…" : "Start run"}
        </button>
      </p>
    </form>
  );
}
