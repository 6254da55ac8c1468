/**
 * The integration harness: a fresh database on the real PostgreSQL server, a real S3-protocol
 * server (s3rver) on 127.0.0.1, and the API (plus, optionally, an in-process worker) wired to them
 * exactly as `apps/api/src/main.ts` wires production.
 */
import { createApi, readEnv, type Api } from "@scfnccl/api";
import { createTempDatabase, type TempDatabase } from "@scfnccl/db/testing";
import { startTestS3Server, type TestS3Server } from "@scfnccl/storage/testing";
import { createLogger, openPlatform, startQueue, type LoggerOptions, type Platform } from "@scfnccl/platform";
import { startWorker, type Worker } from "@scfnccl/worker";
import { io as connectSocket, type Socket } from "socket.io-client";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Harness {
  url: string;
  api: Api;
  platform: Platform;
  boss: Awaited<ReturnType<typeof startQueue>>;
  pgUrl: string;
  s3: TestS3Server;
  worker: Worker | null;
  stop(): Promise<void>;
}

export async function startHarness(options: { worker?: boolean; env?: Record<string, string>; logTo?: LoggerOptions["destination"] } = {}): Promise<Harness> {
  const temp: TempDatabase = await createTempDatabase("scfnccl_it");
  const s3 = await startTestS3Server();
  const env = readEnv({
    DATABASE_URL: temp.url,
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY: s3.accessKey,
    S3_SECRET_KEY: s3.secretKey,
    S3_BUCKET: "scfnccl-test",
    LOG_LEVEL: process.env["TEST_LOG_LEVEL"] ?? "silent",
    ...options.env,
  });
  const p = await wirePlatform(env, createLogger("test", { level: env.LOG_LEVEL, destination: options.logTo }), { worker: options.worker ?? false, heartbeatSeconds: 1 });
  return {
    url: p.url,
    api: p.api,
    platform: p.platform,
    boss: p.boss,
    pgUrl: temp.url,
    s3,
    worker: p.worker(),
    async stop() {
      await p.close();
      await s3.stop();
      await temp.drop();
    },
  };
}

/**
 * The platform wired as `apps/api/src/main.ts` wires it: queue, API listening on a free port and,
 * when asked, an in-process worker that can be stopped and started again. `close` stops them all.
 */
async function wirePlatform(env: ReturnType<typeof readEnv>, log: ReturnType<typeof createLogger>, options: { worker: boolean; heartbeatSeconds: number }) {
  const platform = await openPlatform(env);
  const boss = await startQueue(platform.db, { retryLimit: 0 });
  const start = () => startWorker({ ...platform, boss, log, heartbeatSeconds: options.heartbeatSeconds, pollingIntervalSeconds: 0.5 });
  let worker: Worker | null = options.worker ? await start() : null;
  const api = await createApi({ env, ...platform, boss, log });
  const url = await api.listen(0);
  return {
    platform,
    boss,
    api,
    url,
    worker: () => worker,
    async stopWorker() {
      await worker?.stop();
      worker = null;
    },
    async startWorker() {
      worker ??= await start();
    },
    async close() {
      await worker?.stop();
      await api.close();
      await boss.stop({ graceful: false, close: false, wait: true });
      await platform.db.close();
    },
  };
}

/** The platform on its embedded default (PGlite and files in a temporary folder, an in-process worker), as `pnpm platform` runs it with no configuration. */
export interface EmbeddedHarness {
  dir: string;
  url: string;
  api: Api;
  platform: Platform;
  boss: Awaited<ReturnType<typeof startQueue>>;
  /** Stops the in-process worker (runs then wait in the queue) or starts a new one. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEmbeddedHarness(prefix: string): Promise<EmbeddedHarness> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const p = await wirePlatform(readEnv({ DATA_DIR: join(dir, "data"), LOG_LEVEL: "silent" }), createLogger("test", "silent"), { worker: true, heartbeatSeconds: 0.5 });
  return {
    dir,
    url: p.url,
    api: p.api,
    platform: p.platform,
    boss: p.boss,
    stopWorker: p.stopWorker,
    startWorker: p.startWorker,
    async stop() {
      await p.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface GqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  status: number;
}

/** One user's client: a cookie jar, GraphQL over fetch, uploads, downloads and a socket. */
export class Client {
  cookie = "";

  constructor(readonly url: string) {}

  private remember(res: Response): void {
    const set = res.headers.getSetCookie();
    for (const c of set) {
      const [pair] = c.split(";");
      if (pair) this.cookie = pair.endsWith("=") ? "" : pair;
    }
  }

  async gql<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<GqlResult<T>> {
    const res = await fetch(`${this.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    this.remember(res);
    return { ...((await res.json()) as GqlResult<T>), status: res.status };
  }

  /** Runs a mutation and returns its payload, failing on any top-level GraphQL error. */
  async mutate(field: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown> & { errors: { code: string; message: string; field: string | null }[] }> {
    const r = await this.gql<Record<string, Record<string, unknown> & { errors: { code: string; message: string; field: string | null }[] }>>(query, variables);
    if (r.errors?.length) throw new Error(`${field}: ${JSON.stringify(r.errors)}`);
    return r.data![field]!;
  }

  async signUp(email: string, name: string, teamName?: string): Promise<string> {
    const p = await this.mutate(
      "signUp",
      `mutation($input: SignUpInput!) { signUp(input: $input) { user { id } errors { code message field } } }`,
      { input: { email, password: "correct horse battery", name, teamName } },
    );
    if (p.errors.length) throw new Error(JSON.stringify(p.errors));
    return (p["user"] as { id: string }).id;
  }

  /** Invites `email` to the team (as an owner); returns the invitation's id. */
  async invite(teamId: string, email: string, role: "OWNER" | "EDITOR" | "VIEWER"): Promise<string> {
    const p = await this.mutate(
      "inviteTeamMember",
      `mutation($t: ID!, $e: String!, $r: Role!) { inviteTeamMember(teamId: $t, email: $e, role: $r) { invitation { id } errors { code message field } } }`,
      { t: teamId, e: email, r: role },
    );
    if (p.errors.length) throw new Error(JSON.stringify(p.errors));
    return (p["invitation"] as { id: string }).id;
  }

  /** Accepts this user's pending invitation to the team; returns the role it gave. */
  async acceptInvitationTo(teamId: string): Promise<string> {
    const mine = await this.gql<{ invitations: { id: string; teamId: string }[] }>(`{ invitations { id teamId } }`);
    const invitation = mine.data?.invitations.find((i) => i.teamId === teamId);
    if (!invitation) throw new Error(`no pending invitation to team ${teamId}: ${JSON.stringify(mine)}`);
    const p = await this.mutate("acceptInvitation", `mutation($id: ID!) { acceptInvitation(id: $id) { membership { role } errors { code message field } } }`, { id: invitation.id });
    if (p.errors.length) throw new Error(JSON.stringify(p.errors));
    return (p["membership"] as { role: string }).role;
  }

  async upload(teamId: string, name: string, body: Uint8Array): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${this.url}/api/datasets?teamId=${encodeURIComponent(teamId)}&name=${encodeURIComponent(name)}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...(this.cookie ? { cookie: this.cookie } : {}) },
      body: new Blob([Buffer.from(body)]),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async download(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers: this.cookie ? { cookie: this.cookie } : {} });
  }

  async socket(headers: Record<string, string> = {}): Promise<Socket> {
    const s = connectSocket(this.url, { transports: ["websocket"], extraHeaders: { cookie: this.cookie, ...headers }, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("connect_error", reject);
    });
    // Team rooms are joined asynchronously on connection; this ack says they are.
    await s.emitWithAck("teams:refresh");
    return s;
  }
}

/** Adds `member` to the team the only way there is: `owner` invites their address and they accept. */
export async function addMember(owner: Client, member: Client, teamId: string, email: string, role: "OWNER" | "EDITOR" | "VIEWER"): Promise<string> {
  await owner.invite(teamId, email, role);
  return member.acceptInvitationTo(teamId);
}

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 120_000, what = "condition"): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Shape of a .npy file from its header (`{'descr': '<f4', 'fortran_order': False, 'shape': (4271, 128), }`). */
export function npyShape(bytes: Uint8Array): number[] {
  const headerLen = bytes[8]! | (bytes[9]! << 8);
  const header = Buffer.from(bytes.subarray(10, 10 + headerLen)).toString("latin1");
  const m = /'shape': \(([^)]*)\)/.exec(header);
  return m![1]!.split(",").filter((s) => s.trim()).map(Number);
}
