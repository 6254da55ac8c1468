/**
 * Sign-in lockout as a denial of service: before the fix, ten wrong passwords locked the right
 * password out for 15 minutes for everyone behind the same address (and the web proxy made every
 * browser one address), and each API instance counted on its own. Now failures are counted per
 * account and client address in PostgreSQL, the client address comes from X-Forwarded-For only
 * when the peer is a trusted proxy, and the right password from another address still works.
 */
import { createApi, readEnv, type Api } from "@scfnccl/api";
import { createDb, type DbClient } from "@scfnccl/db";
import { createLogger, startQueue } from "@scfnccl/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startHarness, type Harness } from "../support/harness.ts";

const PASSWORD = "correct horse battery";
let h: Harness;
/** A second API instance on the same database that trusts no proxy. */
let second: { api: Api; db: DbClient; boss: Awaited<ReturnType<typeof startQueue>>; url: string };

beforeAll(async () => {
  const env = { SIGNIN_FREE_FAILURES: "3" };
  h = await startHarness({ worker: false, env });
  const db = await createDb({ url: h.pgUrl });
  const boss = await startQueue(db, { supervise: false });
  const api = await createApi({ env: readEnv({ DATABASE_URL: h.pgUrl, LOG_LEVEL: "silent", TRUSTED_PROXIES: "none", ...env }), db, store: h.platform.store, boss, log: createLogger("api-2", "silent") });
  second = { api, db, boss, url: await api.listen(0) };
  for (const [email, name] of [["ann@lockout.org", "Ann"], ["ben@lockout.org", "Ben"], ["cat@lockout.org", "Cat"], ["dan@lockout.org", "Dan"]]) await new Client(h.url).signUp(email!, name!);
});

afterAll(async () => {
  await second?.api.close();
  await second?.boss.stop({ graceful: false, close: false, wait: true });
  await second?.db.close();
  await h?.stop();
});

/** The signIn answer's error code, or "ok" with a session cookie set. */
async function signIn(url: string, email: string, password: string, forwardedFor?: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
    body: JSON.stringify({ query: `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { user { id } errors { code } } }`, variables: { e: email, p: password } }),
  });
  const body = (await res.json()) as { data: { signIn: { user: { id: string } | null; errors: { code: string }[] } } };
  const p = body.data.signIn;
  if (p.user) return res.headers.getSetCookie().some((c) => c.startsWith("scfnccl_session=") && !c.startsWith("scfnccl_session=;")) ? "ok" : "no cookie";
  return p.errors.map((e) => e.code).join(",");
}

describe("sign-in throttling (PostgreSQL)", () => {
  it("holds back one address guessing an account, while the right password from another address still works", async () => {
    const attacker = "203.0.113.5";
    for (let i = 0; i < 3; i++) expect(await signIn(h.url, "ann@lockout.org", "wrong password", attacker)).toBe("UNAUTHENTICATED");
    expect(await signIn(h.url, "ann@lockout.org", PASSWORD, attacker)).toBe("RATE_LIMITED");
    // The owner, elsewhere (the web proxy, a trusted loopback peer, forwards the browser's address).
    expect(await signIn(h.url, "ann@lockout.org", PASSWORD, "198.51.100.7")).toBe("ok");
    // ...and the attacker is still held back after the owner's success.
    expect(await signIn(h.url, "ann@lockout.org", PASSWORD, attacker)).toBe("RATE_LIMITED");
  });

  it("two API instances on one PostgreSQL share the counts", async () => {
    expect(await signIn(h.url, "ben@lockout.org", "wrong password")).toBe("UNAUTHENTICATED");
    expect(await signIn(second.url, "ben@lockout.org", "wrong password")).toBe("UNAUTHENTICATED");
    expect(await signIn(h.url, "ben@lockout.org", "wrong password")).toBe("UNAUTHENTICATED");
    expect(await signIn(second.url, "ben@lockout.org", PASSWORD)).toBe("RATE_LIMITED");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    // The second instance trusts no proxy: a new made-up address per guess does not reset the count.
    for (let i = 0; i < 3; i++) expect(await signIn(second.url, "cat@lockout.org", "wrong password", `192.0.2.${i + 1}`)).toBe("UNAUTHENTICATED");
    expect(await signIn(second.url, "cat@lockout.org", PASSWORD, "192.0.2.200")).toBe("RATE_LIMITED");
  });

  it("changing the password checks the current one like a sign-in, refuses a weak new one, and ends the other sessions", async () => {
    const here = new Client(h.url);
    const elsewhere = new Client(h.url);
    for (const c of [here, elsewhere]) await c.gql(`mutation { signIn(email: "dan@lockout.org", password: "${PASSWORD}") { errors { code } } }`);
    const change = (current: string, next: string) =>
      here.mutate("changePassword", `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { user { email } errors { code field } } }`, { c: current, n: next });
    expect((await change("wrong password", "a much better passphrase"))["errors"]).toEqual([{ code: "UNAUTHENTICATED", field: "currentPassword" }]);
    expect((await change(PASSWORD, "1234567890"))["errors"]).toEqual([{ code: "INVALID_INPUT", field: "newPassword" }]);
    expect(await change(PASSWORD, "a much better passphrase")).toEqual({ user: { email: "dan@lockout.org" }, errors: [] });
    expect((await here.gql<{ viewer: { email: string } }>(`{ viewer { email } }`)).data!.viewer.email).toBe("dan@lockout.org");
    expect((await elsewhere.gql(`{ viewer { email } }`)).status).toBe(401);
    expect(await signIn(h.url, "dan@lockout.org", PASSWORD, "198.51.100.9")).toBe("UNAUTHENTICATED");
    expect(await signIn(h.url, "dan@lockout.org", "a much better passphrase", "198.51.100.9")).toBe("ok");
  });
});
