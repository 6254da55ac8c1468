import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

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

/** A `--datasets a,b` list of files in `dir`; a name that is not there is a usage error naming its path. */
export function datasetFiles(usage: string, dir: string, list: string): string[] {
  const names = list.split(",");
  const missing = names.find((name) => !existsSync(join(dir, name)));
  if (missing !== undefined) usageError(usage, `${join(dir, missing)}: no such file`);
  return names;
}
