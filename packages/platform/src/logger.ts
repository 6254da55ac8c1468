import { pino, type Logger } from "pino";

/**
 * Paths (pino's redact syntax) whose values never reach a log line, in any process. Callers add
 * their own with `createLogger(name, { redact })`.
 */
export const REDACTED_PATHS: readonly string[] = [];

export interface LoggerOptions {
  level?: string;
  /** More paths to censor beside REDACTED_PATHS. */
  redact?: readonly string[];
}

/** JSON logs on stdout; every line of a run carries its runId, of a request its requestId. */
export function createLogger(name: string, options: LoggerOptions | string = {}): Logger {
  const { level = "info", redact = [] } = typeof options === "string" ? { level: options } : options;
  const paths = [...REDACTED_PATHS, ...redact];
  return pino({ name, level, ...(paths.length ? { redact: { paths, censor: "[redacted]" } } : {}) });
}
