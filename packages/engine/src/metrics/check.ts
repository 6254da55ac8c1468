import { InputError } from "../errors.ts";

/** Throws unless `a` and `b` are two labelings of the same samples (equal length). */
export function checkLabelings(name: string, a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  if (a.length !== b.length) {
    throw new InputError(`${name}: labels and predictions must have the same length (got ${a.length} and ${b.length})`);
  }
}
