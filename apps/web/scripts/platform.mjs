// `pnpm platform`: the API (with its in-process worker on the embedded default) as a child process,
// and the web app on WEB_PORT (3000) proxying to it. Both stop together.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startWebServer } from "../server.mjs";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const apiPort = process.env.PORT ?? "4000";
const apiHost = process.env.HOST ?? "127.0.0.1";
const apiUrl = `http://${apiHost}:${apiPort}`;

const api = spawn(process.execPath, ["--enable-source-maps", "apps/api/dist/main.js"], {
  cwd: repoRoot,
  env: { ...process.env, PORT: apiPort, HOST: apiHost },
  stdio: ["ignore", "inherit", "inherit"],
});
let stopping = false;
api.on("exit", (code) => {
  if (!stopping) {
    console.error(`the API exited (code ${code}); stopping the web app`);
    process.exit(code ?? 1);
  }
});

async function waitForApi() {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if ((await fetch(`${apiUrl}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the API did not become ready on ${apiUrl}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

await waitForApi();
const web = await startWebServer({ apiUrl });
console.log(`scFNCCL web app: ${web.url}  (API ${apiUrl}/graphql)`);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void web.close().finally(() => {
      api.once("exit", () => process.exit(0));
      api.kill("SIGTERM");
    });
  });
}
