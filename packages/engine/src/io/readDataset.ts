/**
 * The one entry point for reading a dataset whatever its format: the format is detected from the
 * file's content, then the matching reader runs. Only the scDeepCluster X/Y HDF5 layout exists so far;
 * h5ad, loom, 10x (.h5 and folders) and CSV readers slot in at the marked places.
 */
import { InputError } from "../errors.ts";
import { detectFormat } from "./detectFormat.ts";
import { describeKeys, entityKind, isH5Dataset, loadH5wasm, withH5File } from "./hdf5.ts";
import { readScDeepClusterH5, SCDEEPCLUSTER_MATRIX_KEY } from "./scDeepCluster.ts";
import type { Dataset, ReadOptions } from "./types.ts";

/** Which reader an HDF5 file needs, judged from its root entries. */
export type Hdf5Layout = { kind: "scdeepcluster" } | { kind: "unknown"; rootKeys: string[]; xKind: string };

/** Looks at the root of an HDF5 file (opened and closed again) to choose its reader. */
export async function detectHdf5Layout(path: string): Promise<Hdf5Layout> {
  await loadH5wasm();
  return withH5File(path, (file): Hdf5Layout => {
    // h5ad (X group or dataset plus obs/var), loom (matrix + row_attrs) and 10x (matrix group) go here, before X/Y.
    const x = file.get(SCDEEPCLUSTER_MATRIX_KEY);
    if (isH5Dataset(x)) return { kind: "scdeepcluster" };
    return { kind: "unknown", rootKeys: file.keys(), xKind: entityKind(x) };
  });
}

/**
 * Reads a dataset from `path`, choosing the reader from the file's content. Any problem with the
 * input is an InputError whose one-line message names the file.
 */
export async function readDataset(path: string, options: ReadOptions = {}): Promise<Dataset> {
  const format = await detectFormat(path);
  switch (format.kind) {
    case "hdf5": {
      const layout = await detectHdf5Layout(path);
      switch (layout.kind) {
        case "scdeepcluster":
          return readScDeepClusterH5(path, options);
        case "unknown":
          throw new InputError(
            layout.xKind === "nothing"
              ? `no dataset 'X' (found: ${describeKeys(layout.rootKeys)})`
              : `'X' is ${layout.xKind}, not a dataset (found: ${describeKeys(layout.rootKeys)})`,
            path,
          );
      }
      break;
    }
    case "unknown":
      // CSV/TSV (plain or gzip) and Matrix Market detection go here.
      break;
  }
  throw new InputError("not an HDF5 file (unrecognised format)", path);
}
