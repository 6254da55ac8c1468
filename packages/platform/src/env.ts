/**
 * Settings every platform process shares (database, storage, worker tuning), read from the
 * environment once and validated. The API's env.ts extends this schema.
 */
import { isIP } from "node:net";
import { BACKENDS } from "@scfnccl/engine";
import { z } from "zod";

const PROXY_RANGES = ["loopback", "linklocal", "uniquelocal"];
const isProxyEntry = (v: string) => {
  if (PROXY_RANGES.includes(v)) return true;
  const [ip, bits, extra] = v.split("/");
  if (extra !== undefined || !ip || !isIP(ip)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(ip) === 4 ? 32 : 128));
};

const intFrom = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);
const secondsFrom = (def: number) => z.coerce.number().positive().default(def);

export const platformEnvSchema = z
  .object({
    /** PostgreSQL; unset means the embedded PGlite database in DATA_DIR/db. */
    DATABASE_URL: z.string().url().optional(),
    /** Embedded database and filesystem storage live here (default ./.scfnccl-data). */
    DATA_DIR: z.string().min(1).default(".scfnccl-data"),
    /** S3/MinIO endpoint such as http://minio:9000; unset means filesystem storage in DATA_DIR/objects. */
    S3_ENDPOINT: z.string().url().optional(),
    S3_ACCESS_KEY: z.string().min(1).optional(),
    S3_SECRET_KEY: z.string().min(1).optional(),
    S3_BUCKET: z.string().min(3).default("scfnccl"),
    S3_REGION: z.string().default("us-east-1"),
    /** Runs trained at once by one worker process. */
    WORKER_CONCURRENCY: intFrom(1),
    /** How often a training worker proves it is alive (and sees cancellations). */
    HEARTBEAT_SECONDS: secondsFrom(5),
    /** A running run whose heartbeat is older than this goes back to the queue. */
    STALE_AFTER_SECONDS: secondsFrom(60),
    /** Checkpoint every N epochs (and after the last), so a new worker resumes from there. */
    CHECKPOINT_EVERY: intFrom(1),
    /** Attempts after a failure before a run is dead-lettered. */
    RUN_RETRY_LIMIT: intFrom(2, 0),
    /** TensorFlow.js backend to use (tensorflow, webgpu, wasm, cpu); the best available when unset. */
    BACKEND: z.enum(BACKENDS).optional(),
    /**
     * Peers whose X-Forwarded-For is believed (comma-separated addresses, CIDR ranges, or
     * loopback / linklocal / uniquelocal; `none` for no proxy). The client address that rate limits
     * count is the nearest address in the chain that is not one of these. Default loopback: the
     * web app's server proxies from the same machine.
     */
    TRUSTED_PROXIES: z
      .string()
      .default("loopback")
      .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
      .refine((list) => list.length === 1 && list[0] === "none" || list.every(isProxyEntry), {
        message: "TRUSTED_PROXIES must list IP addresses, CIDR ranges, loopback, linklocal or uniquelocal (or be none)",
      })
      .transform((list) => (list[0] === "none" ? [] : list)),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.S3_ENDPOINT && (!env.S3_ACCESS_KEY || !env.S3_SECRET_KEY)) {
      ctx.addIssue({ code: "custom", path: ["S3_ACCESS_KEY"], message: "S3_ACCESS_KEY and S3_SECRET_KEY are required with S3_ENDPOINT" });
    }
  });

export type PlatformEnv = z.infer<typeof platformEnvSchema>;

/** Parses `source` (process.env by default) or throws one error listing every bad variable. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): z.infer<S> {
  // Empty strings count as unset: compose files and shells often export `VAR=`.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
