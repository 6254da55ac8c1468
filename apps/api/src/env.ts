/** The only place that reads process.env: everything else receives the parsed `ApiEnv`. */
import { parseEnv, platformEnvSchema } from "@scfnccl/platform";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0"])
  .transform((v) => v === "true" || v === "1")
  .optional();

/** The API's own variables (beside the platform's). */
export const apiOnlyEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default("127.0.0.1"),
  /** Where users reach the platform (e.g. https://cells.example.org); https turns on Secure cookies. */
  PUBLIC_URL: z.string().url().optional(),
  /** Bearer token a Prometheus scraper sends to /metrics (without it, only local clients are answered). */
  METRICS_TOKEN: z.string().min(16, "METRICS_TOKEN must have at least 16 characters").optional(),
  /** Secure cookies (sent over HTTPS only); default: on when PUBLIC_URL is https. */
  COOKIE_SECURE: bool,
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  MAX_UPLOAD_MB: z.coerce.number().positive().default(2048),
  /** Train in this process too (default: on when no DATABASE_URL, i.e. the embedded setup). */
  EMBEDDED_WORKER: bool,
  /** Create the demo user, team and dataset at start (default: on in the embedded setup). */
  DEMO: bool,
  DEMO_EMAIL: z.string().email().default("demo@scfnccl.local"),
  DEMO_PASSWORD: z.string().min(8).default("demo-password"),
  /**
   * Wrong passwords for one account from one client address before each further try waits
   * (30 s, doubling up to 15 min); the right password from another address is not held back.
   */
  SIGNIN_FREE_FAILURES: z.coerce.number().int().min(1).default(5),
  /** Wrong passwords from one client address (any account) per hour before that address waits likewise. */
  SIGNIN_FAILURES_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(50),
  /** Wrong passwords for one account from all addresses per hour before only addresses that signed in to it before may try. */
  SIGNIN_FAILURES_PER_ACCOUNT_PER_HOUR: z.coerce.number().int().min(1).default(100),
  /** Sign-up attempts per client address per hour (each tells whether an e-mail address has an account). */
  SIGNUPS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(20),
  /** Team invitations one user may send per hour. */
  INVITATIONS_PER_USER_PER_HOUR: z.coerce.number().int().min(1).default(50),
  /** Browser origins besides the API's own allowed to open sockets (the web app's), comma-separated. */
  WEB_ORIGINS: z
    .string()
    .default("")
    .transform((v) => v.split(",").map((o) => o.trim()).filter(Boolean)),
  QUERY_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
  QUERY_MAX_COST: z.coerce.number().int().min(10).default(5000),
  /** Aliased fields per operation (each one resolves again). */
  QUERY_MAX_ALIASES: z.coerce.number().int().min(0).default(20),
  QUERY_MAX_DIRECTIVES: z.coerce.number().int().min(0).default(50),
  /** Lexical tokens per document (the web app's largest operation has about 150). */
  QUERY_MAX_TOKENS: z.coerce.number().int().min(100).default(1500),
});

export const apiEnvSchema = platformEnvSchema.and(apiOnlyEnvSchema);

export type ApiEnv = z.infer<typeof apiEnvSchema>;

export function readEnv(source: Record<string, string | undefined> = process.env): ApiEnv {
  return parseEnv(apiEnvSchema, source);
}
