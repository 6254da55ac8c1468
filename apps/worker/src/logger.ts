import { pino, type Logger } from "pino";

/** JSON logs on stdout; every line of a run carries its runId, of a request its requestId. */
export function createLogger(name: string, level = "info"): Logger {
  return pino({ name, level });
}
