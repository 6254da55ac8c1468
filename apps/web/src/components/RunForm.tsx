"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { errorMessage, gql, GqlError, unwrap, type UserError } from "../graphql/client";
import { useQuery } from "../graphql/hooks";
import { CREATE_RUN, METHODS, type ClusterMethod, type MethodsData } from "../graphql/operations";
import { ErrorText } from "./Field";

type ParamName = "epochs" | "k" | "batchSize" | "learningRate" | "temperature" | "phi" | "nTopGenes" | "resolution";
interface ParamField {
  name: ParamName;
  label: string;
  placeholder: string;
  step: string;
  hint?: string;
  /** Whether the field applies to a method. */
  applies(m: ClusterMethod): boolean;
}

/**
 * The engine's defaults (packages/engine/src/tl/train.ts TRAIN_DEFAULTS, tl.cluster's graph
 * defaults) as placeholders: a blank field uses them. Fields show only for methods they apply to.
 */
const PARAMS: ParamField[] = [
  { name: "epochs", label: "Epochs", placeholder: "200", step: "1", hint: "~7.5 s each on 2 CPU cores for 4k cells", applies: (m) => m.trains },
  { name: "k", label: "Clusters (K)", placeholder: "number of label types", step: "1", hint: "required when the dataset has no labels", applies: (m) => m.needsK || m.usesResolution },
  { name: "resolution", label: "Resolution", placeholder: "0.8 (searched when K is given)", step: "any", applies: (m) => m.usesResolution },
  { name: "batchSize", label: "Batch size", placeholder: "200", step: "1", applies: (m) => m.trains },
  { name: "learningRate", label: "Learning rate", placeholder: "0.2", step: "any", applies: (m) => m.trains },
  { name: "temperature", label: "Temperature τ", placeholder: "0.07", step: "any", applies: (m) => m.trains },
  { name: "phi", label: "False-negative threshold φ", placeholder: "0.95", step: "any", applies: (m) => m.trains },
  { name: "nTopGenes", label: "Highly variable genes", placeholder: "all (≤ 2000)", step: "1", applies: () => true },
];
const INTEGER = new Set<ParamName>(["epochs", "k", "batchSize", "nTopGenes"]);
// Until the list arrives (or when the API predates Query.methods), the default method.
const FALLBACK: ClusterMethod = { name: "scfnccl", description: "scFNCCL (contrastive, false-negative corrected)", needsK: true, usesResolution: false, trains: true };

export function RunForm({ datasetId, hasLabels }: { datasetId: string; hasLabels: boolean }) {
  const router = useRouter();
  const methods = useQuery<MethodsData>(METHODS);
  const list = methods.data?.methods.length ? methods.data.methods : [FALLBACK];
  const [methodName, setMethodName] = useState("scfnccl");
  const method = list.find((m) => m.name === methodName) ?? list[0]!;
  const [error, setError] = useState<{ message: string; field?: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const fields = PARAMS.filter((p) => p.applies(method));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const params: Record<string, number> = {};
    for (const p of fields) {
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
        input: { datasetId, method: method.name, params, seed: seedRaw === "" ? 0 : Number(seedRaw) },
      });
      const run = unwrap(d.createRun).run!;
      router.push(`/runs/${run.id}`);
    } catch (err) {
      const field = err instanceof GqlError ? err.field : null;
      // The API's message says what is wrong; the field's own label says where, and focus goes there.
      const p = PARAMS.find((x) => `params.${x.name}` === field || x.name === field);
      const message = errorMessage(err);
      setError({ message: p && !message.startsWith(p.label) ? `${p.label}: ${message}` : message, field: p ? `params.${p.name}` : field });
      if (p) (document.getElementById(p.name) as HTMLInputElement | null)?.focus();
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="runform-title">
      <h2 id="runform-title">New run</h2>
      <p className="muted">Blank fields use the engine&apos;s defaults, shown greyed.{hasLabels ? " Labels are used only to score the result." : ""}</p>
      <div className="field" style={{ maxWidth: "40rem" }}>
        <label htmlFor="method">Method</label>
        <select id="method" name="method" value={method.name} onChange={(e) => setMethodName(e.target.value)} aria-describedby="method-hint">
          {list.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
        <small id="method-hint" className="muted">
          {method.description}
        </small>
      </div>
      <div className="inline">
        {fields.map((p) => (
          <div className="field" key={p.name}>
            <label htmlFor={p.name}>{p.label}</label>
            <input
              id={p.name}
              name={p.name}
              type="number"
              step={p.step}
              placeholder={p.placeholder}
              aria-invalid={error?.field === `params.${p.name}` || undefined}
              aria-describedby={p.hint ? `${p.name}-hint` : undefined}
            />
            {p.hint ? (
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
