/**
 * `--set name=value` options of the benchmarks: numbers become numbers, anything else stays a
 * string (e.g. `--set embedding=h`), so one flag reaches every training and method option.
 */
export function parseOverrides(pairs: string[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (eq <= 0 || value === "") throw new Error(`--set ${pair}: expected name=value`);
    out[name] = Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return out;
}
