/**
 * The settings a run used, as "name = value" lines: what the user set, then every other setting of
 * the method at its default (from `Query.methods { settings { default } }`), marked as such.
 */
export interface SettingLine {
  name: string;
  value: string;
  isDefault: boolean;
}

/** A run's `params` (JSON in the schema) as an object; anything else reads as no settings. */
export function paramsOf(params: unknown): Record<string, unknown> {
  return params !== null && typeof params === "object" && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
}

export function settingLines(runParams: unknown, settings: readonly { name: string; default: unknown }[] = []): SettingLine[] {
  const params = paramsOf(runParams);
  const defaults = Object.fromEntries(settings.map((s) => [s.name, s.default]));
  const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
  const set = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([name, v]) => ({ name, value: show(v), isDefault: false }));
  const rest = Object.entries(defaults)
    .filter(([name, v]) => !(name in params) && v !== null && v !== undefined)
    .map(([name, v]) => ({ name, value: show(v), isDefault: true }));
  return [...set, ...rest];
}

/** "9 clusters · 2,638 cells · 2,000 genes used", leaving out what the run did not report. */
export function metricsSummary(m: { k: number | null; cells: number | null; genesUsed: number | null } | null): string {
  if (!m) return "";
  return [m.k != null ? `${m.k} clusters` : null, m.cells != null ? `${m.cells.toLocaleString("en")} cells` : null, m.genesUsed != null ? `${m.genesUsed.toLocaleString("en")} genes used` : null].filter(Boolean).join(" · ");
}
