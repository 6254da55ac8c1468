import { spawn } from "node:child_process";

/**
 * Runs one benchmark run in its own Node process (`node <script> ...args`) and resolves with the
 * JSON object the child prints as its last stdout line. One process per run lets `--jobs N` use N
 * cores with a single-threaded backend and gives every run a fresh backend and heap. stderr is
 * passed through, so the child's progress and errors show in the parent's log.
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
      else reject(new Error(`${what} failed (${signal ? `signal ${signal}` : `exit ${code}`})`));
    });
  });
}
