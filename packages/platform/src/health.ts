import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { Platform } from "./open.ts";

export interface HealthOptions {
  /** Served at /metrics when given; `beforeScrape` refreshes gauges first. */
  metrics?: {
    registry: Registry;
    beforeScrape?: () => void | Promise<void>;
    /**
     * Counts span every team, so /metrics is not public: with a token, a scraper sends
     * `Authorization: Bearer <token>`; without one, only clients on this machine are answered.
     */
    token?: string;
  };
}

/**
 * Answers /healthz (the process is up), /readyz (the database and the object store answer) and
 * /metrics (Prometheus); returns the route's name, or null when the request is none of them, so
 * the API and the worker serve the same answers from one place.
 */
export async function handleHealth(req: IncomingMessage, res: ServerResponse, platform: Platform, options: HealthOptions = {}): Promise<string | null> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (path === "/healthz") {
    res.writeHead(200).end("ok");
    return "healthz";
  }
  if (path === "/readyz") {
    try {
      await platform.db.sql.executeSql("select 1", []);
      await platform.store.ping();
      res.writeHead(200).end("ready");
    } catch (err) {
      res.writeHead(503).end(`not ready: ${(err as Error).message}`);
    }
    return "readyz";
  }
  if (path === "/metrics" && options.metrics) {
    const token = options.metrics.token;
    const local = ["127.0.0.1", "::1", "::ffff:127.0.0.1"].includes(req.socket.remoteAddress ?? "");
    if (token ? req.headers.authorization !== `Bearer ${token}` : !local) {
      res.writeHead(401, { "content-type": "text/plain" }).end(token ? "metrics: send Authorization: Bearer <METRICS_TOKEN>\n" : "metrics: set METRICS_TOKEN to scrape from another machine\n");
      return "metrics";
    }
    await options.metrics.beforeScrape?.();
    res.writeHead(200, { "content-type": options.metrics.registry.contentType }).end(await options.metrics.registry.metrics());
    return "metrics";
  }
  return null;
}
