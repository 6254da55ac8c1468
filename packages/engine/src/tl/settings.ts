import { InputError } from "../errors.ts";

/** One setting a method accepts by name (the CLI's `--set name=value`, the worker's run settings), with its default. */
export type MethodSetting = { default: number } | { default: string; choices: readonly string[] };

export type MethodSettings = Readonly<Record<string, MethodSetting>>;

/**
 * The scalar entries of a defaults object as settings: numbers stay numbers, strings become a choice
 * among `choices[name]` (array-valued defaults such as layer sizes are not settable by name).
 */
export function settingsFrom(defaults: object, choices: Record<string, readonly string[]> = {}, omit: readonly string[] = []): Record<string, MethodSetting> {
  const out: Record<string, MethodSetting> = {};
  for (const [name, value] of Object.entries(defaults)) {
    if (omit.includes(name)) continue;
    if (typeof value === "number") out[name] = { default: value };
    else if (typeof value === "string") out[name] = { default: value, choices: choices[name] ?? [value] };
  }
  return out;
}

/**
 * `name=value` pairs as typed by a user: a number where the text is one (`Infinity` included, for φ
 * off), otherwise the text. Checking the names against a method is `checkSettings`' job.
 */
export function parseSettingPairs(pairs: readonly string[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const value = pair.slice(eq + 1).trim();
    if (eq <= 0 || value === "") throw new InputError(`--set takes name=value (got '${pair}')`);
    const number = Number(value);
    out[pair.slice(0, eq).trim()] = Number.isNaN(number) ? value : number;
  }
  return out;
}

/**
 * Rejects, before any work starts, a setting the method does not have, a number that is not one, and a
 * choice outside its list; the message names the method and what it accepts, so a typo never runs
 * silently with the default.
 */
export function checkSettings(method: string, accepted: MethodSettings, settings: Readonly<Record<string, unknown>>): void {
  for (const [name, value] of Object.entries(settings)) {
    const spec = accepted[name];
    if (!spec) {
      const names = Object.keys(accepted);
      throw new InputError(
        names.length === 0 ? `method ${method} takes no settings (got '${name}')` : `method ${method} has no setting '${name}' (its settings: ${names.join(", ")})`,
      );
    }
    if ("choices" in spec) {
      if (typeof value !== "string" || !spec.choices.includes(value)) {
        throw new InputError(`setting ${name} of method ${method} must be one of ${spec.choices.join(", ")} (got '${String(value)}')`);
      }
    } else if (typeof value !== "number" || Number.isNaN(value)) {
      throw new InputError(`setting ${name} of method ${method} must be a number (got '${String(value)}')`);
    }
  }
}
