/**
 * Sockets outliving their credentials: after signOut or revokeApiToken, every socket opened with
 * that session or token is closed on every API instance within a second, and stops receiving
 * events; sockets of the user's other sessions stay. Before the fix they stayed connected, kept
 * receiving annotation.changed, and run:subscribe still answered ok.
 */
import { createApi, readEnv, type Api } from "@scfnccl/api";
import { createDb, type DbClient } from "@scfnccl/db";
import { createLogger, startQueue } from "@scfnccl/platform";
import { io as connectSocket, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startHarness, type Harness } from "../support/harness.ts";

let h: Harness;
let second: { api: Api; db: DbClient; boss: Awaited<ReturnType<typeof startQueue>>; url: string };
const opened: Socket[] = [];

async function socketWith(url: string, auth: { cookie?: string; token?: string }): Promise<Socket> {
  const s = connectSocket(url, { transports: ["websocket"], extraHeaders: auth.cookie ? { cookie: auth.cookie } : {}, auth: auth.token ? { token: auth.token } : {}, reconnection: false });
  opened.push(s);
  await new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve());
    s.once("connect_error", reject);
  });
  await s.emitWithAck("teams:refresh");
  return s;
}

/** Milliseconds until the server closes the socket (or -1 after `ms`). */
const closedWithin = (s: Socket, ms: number) =>
  new Promise<number>((resolve) => {
    const t0 = Date.now();
    if (!s.connected) return resolve(0);
    const timer = setTimeout(() => resolve(-1), ms);
    s.once("disconnect", () => {
      clearTimeout(timer);
      resolve(Date.now() - t0);
    });
  });

beforeAll(async () => {
  h = await startHarness({ worker: false });
  const db = await createDb({ url: h.pgUrl });
  const boss = await startQueue(db, { supervise: false });
  const api = await createApi({ env: readEnv({ DATABASE_URL: h.pgUrl, LOG_LEVEL: "silent" }), db, store: h.platform.store, boss, log: createLogger("api-2", "silent") });
  second = { api, db, boss, url: await api.listen(0) };
});

afterAll(async () => {
  for (const s of opened) s.disconnect();
  await second?.api.close();
  await second?.boss.stop({ graceful: false, close: false, wait: true });
  await second?.db.close();
  await h?.stop();
});

describe("sockets after sign-out and token revocation", () => {
  it("closes the session's sockets on both instances within a second of signOut; another session's stays", async () => {
    const alice = new Client(h.url);
    await alice.signUp("alice@sockets.org", "Alice", "Socket lab");
    const elsewhere = new Client(h.url);
    await elsewhere.gql(`mutation { signIn(email: "alice@sockets.org", password: "correct horse battery") { errors { code } } }`);
    const [s1, s2, other] = [await socketWith(h.url, { cookie: alice.cookie }), await socketWith(second.url, { cookie: alice.cookie }), await socketWith(second.url, { cookie: elsewhere.cookie })];
    const closing = [closedWithin(s1, 1000), closedWithin(s2, 1000)];
    await alice.gql(`mutation { signOut }`);
    const [ms1, ms2] = await Promise.all(closing);
    expect(ms1).toBeGreaterThanOrEqual(0);
    expect(ms2).toBeGreaterThanOrEqual(0);
    expect(other.connected).toBe(true);
    // And the ended session cannot open a new one.
    await expect(socketWith(h.url, { cookie: alice.cookie })).rejects.toThrow(/unauthenticated/);
  });

  it("closes the token's sockets on both instances within a second of revokeApiToken", async () => {
    const bob = new Client(h.url);
    await bob.signUp("bob@sockets.org", "Bob", "Token lab");
    const created = await bob.mutate("createApiToken", `mutation { createApiToken(name: "notebook") { apiToken { id } secret errors { code } } }`);
    const token = created["secret"] as string;
    const [t1, t2, cookieSocket] = [await socketWith(h.url, { token }), await socketWith(second.url, { token }), await socketWith(h.url, { cookie: bob.cookie })];
    const closing = [closedWithin(t1, 1000), closedWithin(t2, 1000)];
    await bob.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { deletedId } }`, { id: (created["apiToken"] as { id: string }).id });
    const [ms1, ms2] = await Promise.all(closing);
    expect(ms1).toBeGreaterThanOrEqual(0);
    expect(ms2).toBeGreaterThanOrEqual(0);
    expect(cookieSocket.connected).toBe(true);
    await expect(socketWith(second.url, { token })).rejects.toThrow(/revoked/);
  });
});
