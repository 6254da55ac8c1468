import { createDb, type DbClient } from "@scfnccl/db";
import { createTempDatabase, type TempDatabase } from "@scfnccl/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../errors.ts";
import { FIRST_BACKOFF_S, RateLimits } from "./rateLimit.ts";

let temp: TempDatabase;
const clients: Record<string, DbClient> = {};
const settings = { signInFreeFailures: 3, signInFailuresPerAddressPerHour: 5, signInFailuresPerAccountPerHour: 8, signUpsPerAddressPerHour: 2, invitationsPerUserPerHour: 2 };

beforeAll(async () => {
  temp = await createTempDatabase();
  clients["postgres"] = await createDb({ url: temp.url, poolSize: 2 });
  clients["postgres-2"] = await createDb({ url: temp.url, poolSize: 2 });
  clients["pglite"] = await createDb();
  await clients["postgres"].migrate();
  await clients["pglite"].migrate();
});

afterAll(async () => {
  for (const c of Object.values(clients)) await c.close();
  await temp?.drop();
});

const outcome = (p: Promise<void>) => p.then(() => "ok", (err: unknown) => (err instanceof AppError ? `${err.code}: ${err.message}` : Promise.reject(err)));

describe.each(["postgres", "pglite"])("RateLimits on %s", (kind) => {
  it("lets the free failures through, then makes that account at that address wait, doubling; another address is not held back", async () => {
    const limits = new RateLimits(clients[kind]!, settings);
    const email = `a-${kind}@lab.org`;
    const tries = [];
    for (let i = 0; i < 4; i++) tries.push(await outcome(limits.signInAttempt(email, "198.51.100.1")));
    expect(tries.slice(0, 3)).toEqual(["ok", "ok", "ok"]);
    expect(tries[3]).toMatch(new RegExp(`^RATE_LIMITED: too many failed sign-ins; try again in (${FIRST_BACKOFF_S}|${FIRST_BACKOFF_S - 1}) s$`));
    expect(await outcome(limits.signInAttempt(email, "203.0.113.9"))).toBe("ok");
    await limits.signInSucceeded(email, "203.0.113.9");
  });

  it("a success clears that account's failures at that address", async () => {
    const limits = new RateLimits(clients[kind]!, settings);
    const email = `b-${kind}@lab.org`;
    for (let round = 0; round < 3; round++) {
      expect(await outcome(limits.signInAttempt(email, "198.51.100.2"))).toBe("ok");
      expect(await outcome(limits.signInAttempt(email, "198.51.100.2"))).toBe("ok");
      await limits.signInSucceeded(email, "198.51.100.2");
    }
  });

  it("successes at an address do not bank failures for other accounts", async () => {
    const limits = new RateLimits(clients[kind]!, settings);
    for (let i = 0; i < 10; i++) {
      await limits.signInAttempt(`own-${kind}@lab.org`, "198.51.100.8");
      await limits.signInSucceeded(`own-${kind}@lab.org`, "198.51.100.8");
    }
    const tries = [];
    for (let i = 0; i < 6; i++) tries.push(await outcome(limits.signInAttempt(`other${i}-${kind}@lab.org`, "198.51.100.8")));
    expect(tries[5]).toMatch(/^RATE_LIMITED/);
  });

  it("an account guessed from many addresses holds back new addresses, not the ones that signed in to it before", async () => {
    const limits = new RateLimits(clients[kind]!, settings);
    const email = `spread-${kind}@lab.org`;
    await limits.signInAttempt(email, "203.0.113.200");
    await limits.signInSucceeded(email, "203.0.113.200");
    // Two failures from each of four addresses: none is held back on its own, the account reaches eight.
    for (let i = 0; i < 8; i++) expect(await outcome(limits.signInAttempt(email, `192.0.2.${10 + (i % 4)}`))).toBe("ok");
    expect(await outcome(limits.signInAttempt(email, "192.0.2.99"))).toMatch(/^RATE_LIMITED: too many failed sign-ins to this account from new addresses; sign in from an address you used before, or try again in \d+ s$/);
    expect(await outcome(limits.signInAttempt(email, "203.0.113.200"))).toBe("ok");
  });

  it("an address failing across many accounts waits too", async () => {
    const limits = new RateLimits(clients[kind]!, settings);
    const tries = [];
    for (let i = 0; i < 6; i++) tries.push(await outcome(limits.signInAttempt(`user${i}-${kind}@lab.org`, "198.51.100.3")));
    expect(tries.slice(0, 5)).toEqual(["ok", "ok", "ok", "ok", "ok"]);
    expect(tries[5]).toMatch(/^RATE_LIMITED/);
  });

  it("counts sign-ups per address and invitations per user", async () => {
    const limits = new RateLimits(clients[kind]!, settings);
    const ups = [await outcome(limits.signUp("198.51.100.4")), await outcome(limits.signUp("198.51.100.4")), await outcome(limits.signUp("198.51.100.4"))];
    expect(ups).toEqual(["ok", "ok", expect.stringMatching(/^RATE_LIMITED: too many sign-ups from this address; try again in \d+ s$/)]);
    expect(await outcome(limits.signUp("198.51.100.5"))).toBe("ok");
    const invites = [await outcome(limits.invitation("u1")), await outcome(limits.invitation("u1")), await outcome(limits.invitation("u1"))];
    expect(invites[2]).toMatch(/^RATE_LIMITED: too many invitations sent/);
  });
});

describe("RateLimits across API instances", () => {
  it("two instances on one PostgreSQL share the counts", async () => {
    const one = new RateLimits(clients["postgres"]!, settings);
    const two = new RateLimits(clients["postgres-2"]!, settings);
    expect(await outcome(one.signInAttempt("shared@lab.org", "198.51.100.6"))).toBe("ok");
    expect(await outcome(two.signInAttempt("shared@lab.org", "198.51.100.6"))).toBe("ok");
    expect(await outcome(one.signInAttempt("shared@lab.org", "198.51.100.6"))).toBe("ok");
    expect(await outcome(two.signInAttempt("shared@lab.org", "198.51.100.6"))).toMatch(/^RATE_LIMITED/);
  });
});
