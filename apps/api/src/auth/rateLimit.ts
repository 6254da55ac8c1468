/**
 * Attempt limits, counted in PostgreSQL (the `rate_limits` table) so that every API instance sees
 * the same counts. rate-limiter-flexible keeps the counters (one atomic upsert per attempt); this
 * file decides what is counted and how long a key waits.
 */
import { createHash } from "node:crypto";
import type { DbClient } from "@scfnccl/db";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors.ts";

export interface RateLimitSettings {
  /** Wrong passwords for one account from one client address before each further try waits (30 s, doubling up to 15 min). */
  signInFreeFailures: number;
  /** Wrong passwords from one client address, whatever the account, per hour before the address waits likewise. */
  signInFailuresPerAddressPerHour: number;
  /**
   * Wrong passwords for one account, from all addresses, per hour before only addresses that
   * signed in to it before may keep trying (a guesser spread over many addresses).
   */
  signInFailuresPerAccountPerHour: number;
  /** Sign-up attempts per client address per hour (each one tells whether an address has an account). */
  signUpsPerAddressPerHour: number;
  /** Team invitations one user may send per hour. */
  invitationsPerUserPerHour: number;
}

/** The first wait after the free failures; each further failure doubles it, up to MAX_BACKOFF_S. */
export const FIRST_BACKOFF_S = 30;
export const MAX_BACKOFF_S = 15 * 60;

const HOUR = 3600;
const DAY = 24 * HOUR;
/** How long a successful sign-in keeps its address known to the account. */
export const KNOWN_ADDRESS_DAYS = 90;

/** The store's `query(config)` over the db package's raw SQL executor, which serves both pg and PGlite. */
function storeClient(db: DbClient) {
  return {
    async query(q: { text: string; values?: unknown[] }) {
      const { rows } = await db.sql.executeSql(q.text, q.values ?? []);
      return { rows, rowCount: rows.length };
    },
  };
}

// Keys are hashed: the table then holds no e-mail or client address, and no key outgrows varchar(255).
const hashed = (key: string) => createHash("sha256").update(key).digest("base64url");

const waitMessage = (ms: number) => `try again in ${Math.max(1, Math.ceil(ms / 1000))} s`;

export class RateLimits {
  private readonly failuresByAccountAndAddress: RateLimiterPostgres;
  private readonly failuresByAddress: RateLimiterPostgres;
  private readonly failuresByAccount: RateLimiterPostgres;
  /** Account-and-address pairs that signed in successfully (for KNOWN_ADDRESS_DAYS). */
  private readonly knownAddresses: RateLimiterPostgres;
  /** A key held here waits until its row expires (the backoff). */
  private readonly waits: RateLimiterPostgres;
  private readonly signUps: RateLimiterPostgres;
  private readonly invitations: RateLimiterPostgres;

  constructor(
    db: DbClient,
    private readonly settings: RateLimitSettings,
  ) {
    const limiter = (keyPrefix: string, points: number, duration: number, clearExpiredByTimeout = false) =>
      // tableCreated: the table comes from the migrations; one limiter sweeps expired rows for all of them.
      new RateLimiterPostgres({ storeClient: storeClient(db), storeType: "client", tableName: "rate_limits", tableCreated: true, clearExpiredByTimeout, keyPrefix, points, duration });
    this.failuresByAccountAndAddress = limiter("signin-account-address", settings.signInFreeFailures, DAY, true);
    this.failuresByAddress = limiter("signin-address", settings.signInFailuresPerAddressPerHour, HOUR);
    this.failuresByAccount = limiter("signin-account", settings.signInFailuresPerAccountPerHour, HOUR);
    this.knownAddresses = limiter("signin-known", 1, KNOWN_ADDRESS_DAYS * DAY);
    this.waits = limiter("wait", 1, 1);
    this.signUps = limiter("signup-address", settings.signUpsPerAddressPerHour, HOUR);
    this.invitations = limiter("invite-user", settings.invitationsPerUserPerHour, HOUR);
  }

  /**
   * Call before checking a password. Throws RATE_LIMITED while this account is waiting at this
   * address, or this address is waiting; otherwise counts the attempt as a failure until
   * `signInSucceeded` says otherwise, so parallel guesses are counted before they are checked.
   * Another address is not held back by these waits: the right password from elsewhere still works.
   * Only when the account itself fails more than its hourly allowance (guesses spread over many
   * addresses) are addresses that never signed in to it held back, until the hour is over; the
   * owner's usual addresses are not.
   */
  async signInAttempt(email: string, address: string): Promise<void> {
    const pair = hashed(`${email}\n${address}`);
    const addr = hashed(address);
    const account = hashed(email);
    const [pairWait, addrWait, accountFailures] = await Promise.all([this.waits.get(`p:${pair}`), this.waits.get(`a:${addr}`), this.failuresByAccount.get(account)]);
    const ms = Math.max(remainingWait(pairWait), remainingWait(addrWait));
    if (ms > 0) throw new AppError("RATE_LIMITED", `too many failed sign-ins; ${waitMessage(ms)}`);
    if (accountFailures && accountFailures.consumedPoints >= this.settings.signInFailuresPerAccountPerHour && !(await this.knownAddresses.get(pair))) {
      throw new AppError("RATE_LIMITED", `too many failed sign-ins to this account from new addresses; sign in from an address you used before, or ${waitMessage(accountFailures.msBeforeNext)}`);
    }
    await Promise.all([
      this.countFailure(this.failuresByAccountAndAddress, pair, `p:${pair}`, this.settings.signInFreeFailures),
      this.countFailure(this.failuresByAddress, addr, `a:${addr}`, this.settings.signInFailuresPerAddressPerHour),
      consumed(this.failuresByAccount, account),
    ]);
  }

  async signInSucceeded(email: string, address: string): Promise<void> {
    const pair = hashed(`${email}\n${address}`);
    // The address's count takes back only the attempt `signInAttempt` counted, so successes with
    // one's own account cannot bank failures to spend on others'.
    await Promise.all([
      this.failuresByAccountAndAddress.delete(pair),
      this.waits.delete(`p:${pair}`),
      this.failuresByAddress.reward(hashed(address), 1),
      this.failuresByAccount.reward(hashed(email), 1),
      this.knownAddresses.block(pair, KNOWN_ADDRESS_DAYS * DAY),
    ]);
  }

  /** Counts a sign-up attempt from `address`; RATE_LIMITED past the hourly allowance. */
  signUp(address: string): Promise<void> {
    return this.take(this.signUps, hashed(address), "too many sign-ups from this address");
  }

  /** Counts an invitation sent by `userId`; RATE_LIMITED past the hourly allowance. */
  invitation(userId: string): Promise<void> {
    return this.take(this.invitations, userId, "too many invitations sent");
  }

  private async countFailure(counter: RateLimiterPostgres, key: string, waitKey: string, free: number): Promise<void> {
    const n = await consumed(counter, key);
    if (n >= free) await this.waits.block(waitKey, Math.min(FIRST_BACKOFF_S * 2 ** (n - free), MAX_BACKOFF_S));
  }

  private async take(limiter: RateLimiterPostgres, key: string, what: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (res) {
      if (res instanceof RateLimiterRes) throw new AppError("RATE_LIMITED", `${what}; ${waitMessage(res.msBeforeNext)}`);
      throw res;
    }
  }
}

/** Points consumed after this attempt; over the limit the store rejects with the same figures. */
async function consumed(limiter: RateLimiterPostgres, key: string): Promise<number> {
  try {
    return (await limiter.consume(key)).consumedPoints;
  } catch (res) {
    if (res instanceof RateLimiterRes) return res.consumedPoints;
    throw res;
  }
}

const remainingWait = (res: RateLimiterRes | null) => (res && res.consumedPoints > 1 ? res.msBeforeNext : 0);
