/**
 * Checks every reader applies to what it built, so the same problem gives the same message whatever
 * the format: an empty matrix, names that do not match the matrix or repeat.
 */
import { InputError } from "../errors.ts";
import type { Dataset } from "./types.ts";

/** Throws for an empty matrix, wrong name counts or duplicate names; returns the dataset. */
export function checkDataset(data: Dataset, names: { cells: string; genes: string }): Dataset {
  const { counts, source } = data;
  if (counts.nRows === 0 || counts.nCols === 0) throw new InputError(`the matrix is empty (${counts.nRows} cells × ${counts.nCols} genes)`, source);
  if (data.cells.length !== counts.nRows) throw new InputError(`${names.cells} has ${data.cells.length} names for ${counts.nRows} cells`, source);
  if (data.genes.length !== counts.nCols) throw new InputError(`${names.genes} has ${data.genes.length} names for ${counts.nCols} genes`, source);
  if (data.labels && data.labels.length !== counts.nRows) {
    throw new InputError(`${data.labelKey ?? "labels"} has ${data.labels.length} labels for ${counts.nRows} cells`, source);
  }
  checkUnique(data.cells, `${names.cells} (cell names)`, source);
  checkUnique(data.genes, `${names.genes} (gene names)`, source);
  return data;
}

/** Throws an InputError naming the first repeated name and how many names repeat. */
export function checkUnique(names: readonly string[], what: string, file: string): void {
  const seen = new Map<string, number>();
  let duplicates = 0;
  let first: [string, number, number] | undefined;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const at = seen.get(name);
    if (at === undefined) seen.set(name, i);
    else {
      duplicates++;
      first ??= [name, at, i];
    }
  }
  if (first) {
    throw new InputError(
      `${what} has ${duplicates} duplicate${duplicates === 1 ? "" : "s"} (first: '${first[0]}' at positions ${first[1]} and ${first[2]})`,
      file,
    );
  }
}
