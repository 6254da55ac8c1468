import { spawn } from "node:child_process";

/**
 * Runs one benchmark run in its own Node process (`node <script> ...args`) and resolves with the
 * JSON object the child prints as its last stdout line. One process per run lets `--jobs N` use N
 * cores with a single-threaded backend and gives every run a fresh backend and heap. stderr is
 * passed through, so the child's progress and errors show in the parent's log. A failed run ends the
 * benchmark with one line naming it, exit 1 (its reason is the child's last stderr line; what the
 * benchmark saved after each earlier run stays).
 */
export function runInChild<T>(script: string, args: string[], what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code === 0 && line.startsWith("{")) resolve(JSON.parse(line) as T);
      else {
        process.stderr.write(`${what} failed (${signal ? `signal ${signal}` : `exit ${code}`})\n`);
        process.exit(1);
      }
    });
  });
}

/**
 * The child's side of `runInChild`: prints the run's JSON as the last stdout line, or, when the run
 * throws, its message in one line on stderr and exits 1 (the parent names the run that failed).
 */
export async function childRun(run: () => Promise<unknown>): Promise<void> {
  try {
    process.stdout.write(`${JSON.stringify(await run())}\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
