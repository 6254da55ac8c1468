import type { Logger } from "pino";

/**
 * On the first SIGTERM or SIGINT, runs `steps` in order (each awaited, a failing one logged and the
 * rest still run), then exits 0; a second signal while stopping is ignored. Returns a function
 * that removes the handlers (tests).
 */
export function onShutdown(log: Logger, steps: readonly (() => unknown)[], options: { exit?: (code: number) => void } = {}): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "stopping");
    void (async () => {
      for (const step of steps) {
        try {
          await step();
        } catch (err) {
          log.error({ err }, "shutdown step failed");
        }
      }
      exit(0);
    })();
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
  return () => {
    process.off("SIGTERM", handler);
    process.off("SIGINT", handler);
  };
}
