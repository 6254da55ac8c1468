"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { errorMessage, gql, GqlError, unwrap, type UserError } from "../graphql/client";
import { useQuery } from "../graphql/hooks";
import { CREATE_RUN, METHODS, type ClusterMethod, type MethodSetting, type MethodsData } from "../graphql/operations";
import { ErrorText } from "./Field";

/**
 * The run form, built from the engine registry's settings (`Query.methods { settings }`): each
 * setting's field, default (as a placeholder: a blank field uses it), bounds and description come
 * from there, so nothing here repeats them. The API checks every value against the same registry.
 */
export function RunForm({ datasetId, hasLabels }: { datasetId: string; hasLabels: boolean }) {
  const router = useRouter();
  const methods = useQuery<MethodsData>(METHODS);
  const list = methods.data?.methods ?? [];
  const [methodName, setMethodName] = useState("scfnccl");
  const method: ClusterMethod | undefined = list.find((m) => m.name === methodName) ?? list[0];
  const [error, setError] = useState<{ message: string; field?: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  if (methods.error) return <ErrorText error={`The methods could not be loaded: ${methods.error.message}`} />;
  if (!method) return <p className="muted">Loading the methods…</p>;
  const basic = method.settings.filter((s) => s.basic);
  const advanced = method.settings.filter((s) => !s.basic);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!method) return;
    const form = new FormData(e.currentTarget);
    const params: Record<string, number | string> = {};
    for (const s of method.settings) {
      const raw = String(form.get(s.name) ?? "").trim();
      if (raw === "") continue;
      if (s.type === "choice") {
        params[s.name] = raw;
        continue;
      }
      const v = Number(raw);
      if (!Number.isFinite(v) || (s.type === "integer" && !Number.isInteger(v))) {
        return setError({ message: `${labelOf(s.name)}: enter ${s.type === "integer" ? "a whole number" : "a number"}`, field: `params.${s.name}` });
      }
      params[s.name] = v;
    }
    setBusy(true);
    setError(null);
    try {
      const d = await gql<{ createRun: { run: { id: string } | null; errors: UserError[] } }>(CREATE_RUN, { input: { datasetId, method: method.name, params } });
      const run = unwrap(d.createRun).run!;
      router.push(`/runs/${run.id}`);
    } catch (err) {
      const field = err instanceof GqlError ? err.field : null;
      // The API's message names the setting and what it must be; focus goes to its field.
      const name = field?.replace(/^params\./, "");
      const s = method.settings.find((x) => x.name === name);
      setError({ message: errorMessage(err), field: s ? `params.${s.name}` : field });
      if (s) (document.getElementById(`setting-${s.name}`) as HTMLInputElement | null)?.focus();
      setBusy(false);
    }
  }

  const field = (s: MethodSetting) => (
    <SettingField
      key={`${method.name}-${s.name}`}
      setting={s}
      invalid={error?.field === `params.${s.name}`}
      // Labels only score: without them a blank K is estimated from the cells (the run page shows the evidence).
      hint={s.name === "k" && method.needsK && !hasLabels ? "blank: estimated from the cells, the dataset has no labels" : undefined}
      placeholder={s.name === "k" && !hasLabels ? (method.needsK ? "estimated" : "") : undefined}
    />
  );

  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="runform-title">
      <h2 id="runform-title">New run</h2>
      <p className="muted">Blank fields use the method&apos;s defaults, shown greyed.{hasLabels ? " Labels are used only to score the result." : ""}</p>
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
      <div className="inline">{basic.map(field)}</div>
      {advanced.length ? (
        <details>
          <summary>Advanced settings ({advanced.length})</summary>
          <div className="inline">{advanced.map(field)}</div>
        </details>
      ) : null}
      <ErrorText error={error?.message} />
      <p>
        <button type="submit" disabled={busy}>
          {busy ? "Starting…" : "Start run"}
        </button>
      </p>
    </form>
  );
}

/** A setting's name as a label: `learningRate` → "Learning rate" (the name itself is what the CLI's --set and the API take). */
function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function SettingField({ setting: s, invalid, hint, placeholder: given }: { setting: MethodSetting; invalid: boolean; hint?: string; placeholder?: string }) {
  const id = `setting-${s.name}`;
  const describedBy = `${id}-hint`;
  const placeholder = given ?? (s.default === null ? (s.name === "k" ? "number of label types" : "") : String(s.default));
  return (
    <div className="field">
      <label htmlFor={id} title={s.name}>
        {labelOf(s.name)}
      </label>
      {s.type === "choice" ? (
        <select id={id} name={s.name} defaultValue="" aria-invalid={invalid || undefined} aria-describedby={describedBy}>
          <option value="">default ({String(s.default)})</option>
          {(s.choices ?? []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          name={s.name}
          type="number"
          step={s.type === "integer" ? "1" : "any"}
          min={s.min ?? undefined}
          max={s.max ?? undefined}
          placeholder={placeholder}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
        />
      )}
      <small id={describedBy} className="muted">
        {hint ? `${s.description}; ${hint}` : s.description}
      </small>
    </div>
  );
}
