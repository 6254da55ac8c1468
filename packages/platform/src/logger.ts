import { pino, stdSerializers, type DestinationStream, type Logger } from "pino";

/**
 * Paths (pino's redact syntax) whose values never reach a log line, in any process. Callers add
 * their own with `createLogger(name, { redact })`.
 */
export const REDACTED_PATHS: readonly string[] = [
  "password",
  "*.password",
  "passwordHash",
  "*.passwordHash",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "tokenHash",
  "*.tokenHash",
  "headers.cookie",
  "headers.authorization",
  "*.headers.cookie",
  "*.headers.authorization",
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
];

/**
 * Secrets that hide inside text (an error message quoting a failed query's parameters, a URL):
 * replaced wherever they appear in an error or a message. Paths cannot reach them.
 */
export const SECRET_PATTERNS: readonly [RegExp, string][] = [
  [/\$argon2(?:id|i|d)\$[^\s"',)\]}]+/g, "[redacted password hash]"],
  [/\bscf_[A-Za-z0-9_-]{16,}/g, "[redacted API token]"],
  [/(scfnccl_session=)[^;\s"',]+/g, "$1[redacted]"],
  [/(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi, "$1[redacted]"],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]+:)[^@/\s]+@/gi, "$1[redacted]@"],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [re, by] of SECRET_PATTERNS) out = out.replace(re, by);
  return out;
}

/** pino's error serializer without what a failed query carries (its parameters), secrets scrubbed. */
function errSerializer(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === "string" ? scrubSecrets(err) : err;
  const out = stdSerializers.err(err) as unknown as Record<string, unknown>;
  delete out["params"];
  for (const key of ["message", "stack", "query", "detail"]) if (typeof out[key] === "string") out[key] = scrubSecrets(out[key]);
  const cause = (err as { cause?: unknown }).cause;
  if (cause !== undefined) out["cause"] = errSerializer(cause);
  return out;
}

export interface LoggerOptions {
  level?: string;
  /** More paths to censor beside REDACTED_PATHS. */
  redact?: readonly string[];
  /** Where lines go (stdout by default; tests read them back). */
  destination?: DestinationStream;
}

/** JSON logs on stdout; every line of a run carries its runId, of a request its requestId. */
export function createLogger(name: string, options: LoggerOptions | string = {}): Logger {
  const { level = "info", redact = [], destination } = typeof options === "string" ? { level: options } : options;
  const paths = [...REDACTED_PATHS, ...redact];
  return pino(
    {
      name,
      level,
      redact: { paths, censor: "[redacted]" },
      serializers: { err: errSerializer, error: errSerializer },
      hooks: {
        // Message strings too (`log.info("…%s", value)` and plain messages).
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === "string" ? scrubSecrets(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
