/**
 * The whole platform as `pnpm platform` runs it (API with its in-process worker on PGlite and
 * files, and the web app proxying to it), started as a child process on free ports with its own
 * data folder, for browser tests.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Bundles the API and builds the web app, as `pnpm platform` does before starting them. */
export async function buildPlatform(): Promise<void> {
  await run(process.execPath, ["apps/api/scripts/build.mjs"], { cwd: REPO_ROOT });
  await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: join(REPO_ROOT, "apps/web"),
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    maxBuffer: 16 * 1024 * 1024,
  });
}

export interface WebPlatform {
  url: string;
  apiUrl: string;
  /** What the processes printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export async function startWebPlatform(env: Record<string, string> = {}): Promise<WebPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), "scfnccl-web-"));
  const [apiPort, webPort] = [await freePort(), await freePort()];
  let output = "";
  const child: ChildProcess = spawn(process.execPath, ["apps/web/scripts/platform.mjs"], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(apiPort), WEB_PORT: String(webPort), DATA_DIR: dataDir, DEMO: "false", LOG_LEVEL: "warn", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://127.0.0.1:${webPort}`;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // The demo's dataset is read and stored at start: minutes on a shared, loaded 2-core machine.
  const deadline = Date.now() + 300_000;
  for (;;) {
    const code = await Promise.race([exited, new Promise<"alive">((r) => setTimeout(() => r("alive"), 250))]);
    if (code !== "alive") throw new Error(`the platform exited (code ${code}):\n${output}`);
    try {
      if ((await fetch(`${url}/signin`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the web app did not start on ${url}:\n${output}`);
  }
  return {
    url,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
