import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../src/errors.ts";
import { readDataset } from "../src/io/readDataset.ts";
import type { Dataset } from "../src/io/types.ts";

/**
 * `parseArgs` for a benchmark script: `--help` prints the usage and exits 0; an unknown option or a
 * missing value prints one line naming it, then the usage, and exits 2, instead of Node's stack trace.
 */
export function benchArgs<T extends ParseArgsConfig>(usage: string, config: T): ReturnType<typeof parseArgs<T>> {
  const args = config.args ?? process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (err) {
    return usageError(usage, (err as Error).message);
  }
}

/** What a benchmark says when its arguments are wrong: one line, then the usage, exit 2. */
export function usageError(usage: string, message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

/**
 * A `--datasets a,b` list of entries in `dir`: a file, or `COUNTS@LABELS[#COLUMN]` when the labels
 * are in a file of their own (a CSV/TSV with one row per cell, as pbmc3k's and the CellBench counts'
 * are). A path that is not there is a usage error naming it.
 */
export function datasetFiles(usage: string, dir: string, list: string): string[] {
  const names = list.split(",");
  const files = names.flatMap((name) => {
    const { file, labelsFile } = datasetEntry(name);
    return labelsFile === undefined ? [file] : [file, labelsFile];
  });
  const missing = files.find((file) => !existsSync(join(dir, file)));
  if (missing !== undefined) usageError(usage, `${join(dir, missing)}: no such file`);
  return names;
}

function datasetEntry(entry: string): { file: string; labelsFile?: string; labelKey?: string } {
  const [file, labels] = entry.split("@");
  const [labelsFile, labelKey] = labels?.split("#") ?? [];
  return { file: file!, labelsFile, labelKey };
}

/** Reads a `datasetFiles` entry; the benchmarks score against labels, so one without them is an InputError naming it. */
export async function readLabelledDataset(dir: string, entry: string): Promise<Dataset> {
  const { file, labelsFile, labelKey } = datasetEntry(entry);
  const data = await readDataset(join(dir, file), labelsFile ? { labelsFile: join(dir, labelsFile), labelKey } : {});
  if (!data.labels) throw new InputError(`no cell labels to score against: name a labels file as ${file}@LABELS.csv`, file);
  return data;
}

/** The entry as one path segment (a cache folder's name). */
export function datasetSlug(entry: string): string {
  return entry.replace(/\.h5$/, "").replace(/[^\w.-]+/g, "_");
}
