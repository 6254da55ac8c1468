/**
 * `pnpm bench:load`: a bounded load test of the embedded default on loopback. Starts the bundled
 * API (`apps/api/dist/main.js`: PGlite, filesystem storage, embedded worker, demo data) in a fresh
 * data folder, signs in as the demo user, and runs two phases:
 *
 *   idle      S sockets connect, then R GraphQL reads from N concurrent clients;
 *   training  the same while one scFNCCL run trains on the demo dataset.
 *
 * Each phase prints read latency (p50/p90/p99/max), errors, sockets connected and their connect
 * time, event fan-out (from the first to the last socket receiving the same event; and from the
 * `createRun` request to the last socket hearing its `queued` event) and the API process's peak
 * RSS (the trainer processes' beside it). Target: p99 training ≤ 2× p99 idle, 0 errors.
 *
 *   pnpm bench:load [--reads 2000] [--clients 20] [--sockets 200] [--epochs 300]
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { io as connectSocket, type Socket } from "socket.io-client";

const { values: args } = parseArgs({
  options: {
    reads: { type: "string", default: "2000" },
    clients: { type: "string", default: "20" },
    sockets: { type: "string", default: "200" },
    epochs: { type: "string", default: "300" },
  },
});
const positive = (name: keyof typeof args) => {
  const n = Number(args[name]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer (got '${args[name]}')`);
  return n;
};
const READS = positive("reads");
const CLIENTS = positive("clients");
const SOCKETS = positive("sockets");
const EPOCHS = positive("epochs");

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const DEMO = { email: "demo@scfnccl.local", password: "demo-password" };
const READ_QUERY = `{ viewer { id name } teams { id name viewerRole datasets(first: 10) { edges { node { id name cells genes } } } runs(first: 10) { edges { node { id status method progress { phase epoch epochs } } } } } }`;

const dataDir = await mkdtemp(join(tmpdir(), "bench-load-"));
const env: Record<string, string> = { ...(process.env as Record<string, string>), DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info" };
for (const k of ["DATABASE_URL", "S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY", "EMBEDDED_WORKER", "DEMO"]) delete env[k];
const apiProcess = spawn(process.execPath, ["--enable-source-maps", join(repoRoot, "apps/api/dist/main.js")], { env, stdio: ["ignore", "pipe", "pipe"] });
let apiLog = "";
apiProcess.stderr.on("data", (d: Buffer) => (apiLog += d.toString()));
const url = await new Promise<string>((resolve, reject) => {
  let buffered = "";
  apiProcess.stdout.on("data", (d: Buffer) => {
    buffered += d.toString();
    apiLog += d.toString();
    const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"API listening"/.exec(buffered);
    if (m) resolve(m[1]!);
  });
  apiProcess.once("exit", (code) => reject(new Error(`the API exited (code ${code}) before listening:\n${apiLog.slice(-4000)}`)));
});

const cleanup = async () => {
  apiProcess.kill("SIGTERM");
  await new Promise((r) => apiProcess.once("exit", r));
  await rm(dataDir, { recursive: true, force: true });
};

// --- memory: the API process, and its trainer processes beside it (Linux /proc) ---
const rssOf = async (pid: number): Promise<number> => {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
};
const childrenOf = async (pid: number): Promise<number[]> =>
  (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "")).split(/\s+/).filter(Boolean).map(Number);
const peak = { api: 0, trainers: 0 };
const sampler = setInterval(() => {
  void (async () => {
    peak.api = Math.max(peak.api, await rssOf(apiProcess.pid!));
    let trainers = 0;
    for (const c of await childrenOf(apiProcess.pid!)) trainers += await rssOf(c);
    peak.trainers = Math.max(peak.trainers, trainers);
  })();
}, 100);

// --- GraphQL ---
let cookie = "";
async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; data?: T; errors?: { message: string }[] }> {
  const res = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ query, variables }) });
  for (const c of res.headers.getSetCookie()) cookie = c.split(";")[0]!;
  return { status: res.status, ...((await res.json()) as { data?: T; errors?: { message: string }[] }) };
}
async function mutate<T>(field: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await gql<Record<string, T & { errors?: { message: string }[] }>>(query, variables);
  const payload = r.data?.[field];
  if (r.errors?.length || !payload || payload.errors?.length) throw new Error(`${field}: ${JSON.stringify(r.errors ?? payload?.errors)}`);
  return payload;
}

// --- sockets and fan-out ---
interface Heard {
  first: number;
  last: number;
  count: number;
}
let heard = new Map<string, Heard>();
const eventKey = (e: { runId?: string; status?: string; progress?: { phase: string; epoch: number } }) =>
  `${e.runId}:${e.status ?? `${e.progress?.phase}:${e.progress?.epoch}`}`;
function onEvent(e: { runId?: string; status?: string; progress?: { phase: string; epoch: number } }) {
  const now = performance.now();
  const k = eventKey(e);
  const h = heard.get(k);
  if (h) {
    h.last = now;
    h.count += 1;
  } else heard.set(k, { first: now, last: now, count: 1 });
}
async function openSockets(n: number): Promise<{ sockets: Socket[]; connectMs: number[]; failed: number }> {
  const connectMs: number[] = [];
  let failed = 0;
  const sockets = await Promise.all(
    Array.from({ length: n }, async () => {
      const t = performance.now();
      const s = connectSocket(url, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false, forceNew: true, timeout: 60_000 });
      try {
        await new Promise<void>((resolve, reject) => {
          s.once("connect", () => resolve());
          s.once("connect_error", reject);
        });
        await s.timeout(60_000).emitWithAck("teams:refresh");
        connectMs.push(performance.now() - t);
        s.on("run.status", onEvent);
        s.on("run.progress", onEvent);
        return s;
      } catch {
        failed += 1;
        s.close();
        return null;
      }
    }),
  );
  return { sockets: sockets.filter((s): s is Socket => s !== null), connectMs, failed };
}
/** Waits until every socket heard the event `key`; the milliseconds since `since`. */
async function allHeard(key: string, n: number, since: number, timeoutMs = 60_000): Promise<number | null> {
  for (;;) {
    const h = heard.get(key);
    if (h && h.count >= n) return h.last - since;
    if (performance.now() - since > timeoutMs) return null;
    await new Promise((r) => setTimeout(r, 5));
  }
}

// --- reads ---
async function readLoad(total: number, clients: number): Promise<{ ms: number[]; errors: number; seconds: number }> {
  const ms: number[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < total) {
        next += 1;
        const t = performance.now();
        try {
          const r = await gql<unknown>(READ_QUERY);
          if (r.status !== 200 || r.errors?.length) errors += 1;
        } catch {
          errors += 1;
        }
        ms.push(performance.now() - t);
      }
    }),
  );
  return { ms, errors, seconds: (performance.now() - start) / 1000 };
}

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "n/a");
const mb = (b: number) => (b ? `${(b / 2 ** 20).toFixed(0)} MB` : "n/a");

interface PhaseResult {
  name: string;
  reads: { ms: number[]; errors: number; seconds: number };
  sockets: { connected: number; failed: number; connectMs: number[] };
  createToAllMs: number | null;
  spreadsMs: number[];
  rss: { api: number; trainers: number };
  note?: string;
}

async function runPhase(name: string, datasetId: string, training: boolean): Promise<PhaseResult> {
  heard = new Map();
  peak.api = 0;
  peak.trainers = 0;
  const opened = await openSockets(SOCKETS);
  let runId: string | null = null;
  let createToAllMs: number | null = null;
  const t = performance.now();
  if (training) {
    const created = await mutate<{ run: { id: string } }>("createRun", `mutation($d: ID!, $p: JSON) { createRun(input: { datasetId: $d, params: $p }) { run { id } errors { message } } }`, {
      d: datasetId,
      p: { epochs: EPOCHS },
    });
    runId = created.run.id;
  } else {
    // While idle, a quick k-means run gives the sockets events to fan out; it is done before the reads.
    const created = await mutate<{ run: { id: string } }>("createRun", `mutation($d: ID!) { createRun(input: { datasetId: $d, method: "kmeans", params: { k: 5 } }) { run { id } errors { message } } }`, {
      d: datasetId,
    });
    runId = created.run.id;
  }
  createToAllMs = await allHeard(`${runId}:queued`, opened.sockets.length, t);
  const runState = async () =>
    (await gql<{ run: { status: string; progress: { phase: string; epoch: number } | null } }>(`query($id: ID!) { run(id: $id) { status progress { phase epoch } } }`, { id: runId })).data!.run;
  if (training) {
    // Reads start once the run is in its training steps.
    for (;;) {
      const r = await runState();
      if (r.status === "FAILED" || r.status === "SUCCEEDED") throw new Error(`the training run ended (${r.status}) before the reads`);
      if (r.progress?.phase === "TRAINING" && r.progress.epoch >= 1) break;
      await new Promise((res) => setTimeout(res, 200));
    }
  } else {
    for (;;) {
      const r = await runState();
      if (r.status === "SUCCEEDED") break;
      if (r.status === "FAILED" || r.status === "CANCELLED") throw new Error(`the k-means run ended ${r.status}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  const reads = await readLoad(READS, CLIENTS);
  let note: string | undefined;
  if (training) {
    const r = await runState();
    if (!(r.status === "RUNNING" && r.progress?.phase === "TRAINING")) note = `the run was ${r.status}/${r.progress?.phase} when the reads ended: raise --epochs`;
    await mutate("cancelRun", `mutation($id: ID!) { cancelRun(id: $id) { run { id } errors { message } } }`, { id: runId });
    for (;;) {
      if ((await runState()).status === "CANCELLED") break;
      await new Promise((res) => setTimeout(res, 200));
    }
  }
  for (const s of opened.sockets) s.close();
  const spreadsMs = [...heard.values()].filter((h) => h.count >= opened.sockets.length).map((h) => h.last - h.first);
  return { name, reads, sockets: { connected: opened.sockets.length, failed: opened.failed, connectMs: opened.connectMs }, createToAllMs, spreadsMs, rss: { ...peak }, note };
}

function print(r: PhaseResult) {
  const { ms } = r.reads;
  console.log(`\n${r.name}`);
  console.log(`  reads      ${ms.length} from ${CLIENTS} clients in ${r.reads.seconds.toFixed(1)} s: p50 ${f0(quantile(ms, 0.5))} ms, p90 ${f0(quantile(ms, 0.9))} ms, p99 ${f0(quantile(ms, 0.99))} ms, max ${f0(Math.max(...ms))} ms; errors ${r.reads.errors}`);
  console.log(`  sockets    ${r.sockets.connected}/${SOCKETS} connected (${r.sockets.failed} failed): connect p50 ${f0(quantile(r.sockets.connectMs, 0.5))} ms, p99 ${f0(quantile(r.sockets.connectMs, 0.99))} ms`);
  console.log(
    `  fan-out    createRun → all sockets ${r.createToAllMs === null ? "not all heard it" : `${f0(r.createToAllMs)} ms`}; first → last socket over ${r.spreadsMs.length} events: p50 ${f0(quantile(r.spreadsMs, 0.5))} ms, max ${f0(Math.max(...r.spreadsMs))} ms`,
  );
  console.log(`  peak RSS   API ${mb(r.rss.api)}; trainer processes ${mb(r.rss.trainers)}`);
  if (r.note) console.log(`  note       ${r.note}`);
}

try {
  await mutate("signIn", `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { user { id } errors { message } } }`, { e: DEMO.email, p: DEMO.password });
  const teams = await gql<{ teams: { datasets: { edges: { node: { id: string; name: string } }[] } }[] }>(READ_QUERY);
  if (teams.errors?.length) throw new Error(`the read query failed: ${JSON.stringify(teams.errors)}`);
  const datasetId = teams.data!.teams[0]?.datasets.edges[0]?.node.id;
  if (!datasetId) throw new Error("the demo dataset is missing (apps/api/demo/pbmc3k)");
  console.log(`bench:load — ${READS} reads, ${CLIENTS} clients, ${SOCKETS} sockets; API ${url} (embedded default, pid ${apiProcess.pid})`);
  const idle = await runPhase("idle", datasetId, false);
  print(idle);
  const training = await runPhase(`one run training (scfnccl, demo dataset)`, datasetId, true);
  print(training);
  const ratio = quantile(training.reads.ms, 0.99) / quantile(idle.reads.ms, 0.99);
  const errors = idle.reads.errors + training.reads.errors;
  console.log(`\np99 training / p99 idle = ${ratio.toFixed(2)} (target ≤ 2); errors ${errors} (target 0) → ${ratio <= 2 && errors === 0 ? "met" : "NOT met"}`);
} finally {
  clearInterval(sampler);
  await cleanup();
}
