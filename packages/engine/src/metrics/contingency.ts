import { InputError } from "../errors.ts";
import { checkLabelings } from "./check.ts";

/** Cross-tabulation of two labelings of the same samples. */
export interface Contingency {
  /** Row-major [rows, cols]: `counts[i * cols + j]` = #samples with `a = rowClasses[i]` and `b = colClasses[j]`. */
  counts: Int32Array;
  rows: number;
  cols: number;
  /** The distinct values of `a`, ascending; row i is `rowClasses[i]`. */
  rowClasses: number[];
  /** The distinct values of `b`, ascending; column j is `colClasses[j]`. */
  colClasses: number[];
  /** Per-sample row index (the value of `a` encoded as 0..rows-1). */
  rowIndex: Int32Array;
  /** Per-sample column index (the value of `b` encoded as 0..cols-1). */
  colIndex: Int32Array;
}

function encode(values: ArrayLike<number>): { classes: number[]; index: Int32Array } {
  const seen = new Map<number, number>();
  const n = values.length;
  for (let t = 0; t < n; t++) {
    const v = values[t]!;
    if (!Number.isFinite(v)) throw new InputError(`contingency: label values must be finite numbers (got ${v} at ${t})`);
    if (!seen.has(v)) seen.set(v, 0);
  }
  const classes = [...seen.keys()].sort((x, y) => x - y);
  for (let i = 0; i < classes.length; i++) seen.set(classes[i]!, i);
  const index = new Int32Array(n);
  for (let t = 0; t < n; t++) index[t] = seen.get(values[t]!)!;
  return { classes, index };
}

/**
 * Contingency table of two labelings (sklearn's `contingency_matrix`): rows are the sorted distinct
 * values of `a`, columns those of `b`. Values may be any finite numbers (not necessarily 0..k-1).
 */
export function contingency(a: ArrayLike<number>, b: ArrayLike<number>): Contingency {
  checkLabelings("contingency", a, b);
  const ra = encode(a);
  const rb = encode(b);
  const rows = ra.classes.length;
  const cols = rb.classes.length;
  const counts = new Int32Array(rows * cols);
  for (let t = 0; t < a.length; t++) counts[ra.index[t]! * cols + rb.index[t]!]!++;
  return { counts, rows, cols, rowClasses: ra.classes, colClasses: rb.classes, rowIndex: ra.index, colIndex: rb.index };
}
