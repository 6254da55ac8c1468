/**
 * The API's HTTP server: GraphQL (Apollo Server) at /graphql, streamed uploads and downloads under
 * /api, socket.io, and /healthz, /readyz, /metrics for operations. Plain node:http underneath, so
 * every route shares one server and one port.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { count, runs, type DbClient } from "@scfnccl/db";
import type { ObjectStore } from "@scfnccl/storage";
import { createWorkerMetrics, handleHealth, RUN_QUEUE } from "@scfnccl/platform";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import { Counter, Gauge } from "prom-client";
import { clientAddressResolver } from "./auth/clientAddress.ts";
import { RateLimits } from "./auth/rateLimit.ts";
import { clearedSessionCookie, secureCookies } from "./auth/cookies.ts";
import { authenticate, createContext, type Deps, type RequestContext } from "./context.ts";
import type { ApiEnv } from "./env.ts";
import { handleArtifactDownload } from "./http/download.ts";
import { handleRunCells, handleRunExport, handleRunExpression, handleRunMarkersCsv, handleRunObs } from "./http/runs.ts";
import { handleGeneSymbols, handleLabelFile } from "./http/datasetFiles.ts";
import { handleUpload } from "./http/upload.ts";
import { decodeSegment, readBody, sendAppError, sendJson } from "./http/util.ts";
import { controlCharacterGuard } from "./inputs.ts";
import { queryLimits } from "./limits.ts";
import { attachRealtime } from "./realtime.ts";
import { loadTypeDefs, resolvers } from "./schema/index.ts";

/** GraphQL request bodies above this are refused before parsing (an oversized query). */
export const MAX_GRAPHQL_BODY = 64 * 1024;

export interface ApiOptions {
  env: ApiEnv;
  db: DbClient;
  store: ObjectStore;
  boss: PgBoss;
  log: Logger;
  /** Metrics of an in-process worker, to serve from the same /metrics. */
  metrics?: ReturnType<typeof createWorkerMetrics>;
  /** Where the SDL files are (defaults to beside the schema module). */
  schemaDir?: URL;
}

export interface Api {
  server: Server;
  deps: Deps;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

export async function createApi(options: ApiOptions): Promise<Api> {
  const { env, db, store, boss, log } = options;
  const limits = new RateLimits(db, {
    signInFreeFailures: env.SIGNIN_FREE_FAILURES,
    signInFailuresPerAddressPerHour: env.SIGNIN_FAILURES_PER_ADDRESS_PER_HOUR,
    signInFailuresPerAccountPerHour: env.SIGNIN_FAILURES_PER_ACCOUNT_PER_HOUR,
    signUpsPerAddressPerHour: env.SIGNUPS_PER_ADDRESS_PER_HOUR,
    invitationsPerUserPerHour: env.INVITATIONS_PER_USER_PER_HOUR,
  });
  const deps: Deps = { env, db, store, boss, log, limits, clientAddress: clientAddressResolver(env.TRUSTED_PROXIES) };

  const apollo = new ApolloServer<RequestContext>({
    typeDefs: loadTypeDefs(options.schemaDir),
    resolvers,
    validationRules: queryLimits({ maxDepth: env.QUERY_MAX_DEPTH, maxCost: env.QUERY_MAX_COST, maxAliases: env.QUERY_MAX_ALIASES, maxDirectives: env.QUERY_MAX_DIRECTIVES }),
    // graphql-js stops parsing past this many tokens, which bounds every validation rule's work
    // (some, like OverlappingFieldsCanBeMerged, are quadratic in the fields of one selection).
    parseOptions: { maxTokens: env.QUERY_MAX_TOKENS },
    plugins: [controlCharacterGuard<RequestContext>()],
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, err) => {
      // Apollo answers every validation error as GRAPHQL_VALIDATION_FAILED; a refused limit keeps its own code.
      const original = (err as { originalError?: { extensions?: Record<string, unknown> } } | null)?.originalError;
      if (original?.extensions?.["code"] === "QUERY_TOO_COMPLEX") return { ...formatted, extensions: { ...formatted.extensions, code: "QUERY_TOO_COMPLEX" } };
      // Errors without a code are bugs: log them, and tell the client no more than that.
      if (!formatted.extensions?.["code"] || formatted.extensions["code"] === "INTERNAL_SERVER_ERROR") {
        log.error({ err }, "graphql error");
        return { message: "internal error", extensions: { code: "INTERNAL_SERVER_ERROR" }, path: formatted.path };
      }
      return formatted;
    },
  });
  await apollo.start();

  const metrics = options.metrics ?? createWorkerMetrics();
  const httpRequests = new Counter({ name: "scfnccl_http_requests_total", help: "HTTP requests", labelNames: ["route", "status"], registers: [metrics.registry] });
  new Gauge({
    name: "scfnccl_runs",
    help: "Runs by status",
    labelNames: ["status"],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const rows = await db.db.select({ status: runs.status, n: count() }).from(runs).groupBy(runs.status);
      for (const r of rows) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: "scfnccl_queue_depth",
    help: "Runs waiting in the queue",
    registers: [metrics.registry],
    async collect() {
      this.set(await boss.getQueueSize(RUN_QUEUE));
    },
  });

  async function graphql(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RequestContext): Promise<void> {
    const raw = req.method === "POST" ? await readBody(req, MAX_GRAPHQL_BODY) : Buffer.alloc(0);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString("utf8")) : undefined;
    } catch {
      return sendJson(res, 400, { errors: [{ message: "request body is not JSON", extensions: { code: "BAD_REQUEST" } }] });
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: async () => ctx,
    });
    for (const [k, v] of result.headers) res.setHeader(k, v);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") return void res.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const health = await handleHealth(req, res, { db, store }, { metrics: { ...metrics, token: env.METRICS_TOKEN } });
    if (health) return health;

    const requestId = (req.headers["x-request-id"] as string | undefined) ?? randomUUID();
    res.setHeader("x-request-id", requestId);
    const reqLog = log.child({ requestId });
    const cookies: string[] = [];
    const auth = await authenticate(deps, req.headers);
    if (auth.refused) {
      // Refused credentials are never served as an anonymous request: a script would read "no
      // data" where it should read "your token was revoked". A dead cookie is cleared as well, so
      // the browser's next request (a sign-in) goes through.
      if (auth.cookie) res.setHeader("set-cookie", clearedSessionCookie(secureCookies(deps.env)));
      const error = { code: "UNAUTHENTICATED", message: auth.refused };
      sendJson(res, 401, path === "/graphql" ? { errors: [{ message: auth.refused, extensions: { code: "UNAUTHENTICATED" } }] } : { errors: [{ ...error, field: null }] });
      return "unauthenticated";
    }
    const ctx = createContext(deps, {
      viewer: auth.viewer,
      log: reqLog,
      clientAddress: deps.clientAddress(req),
      setCookie: (c) => {
        cookies.push(c);
        res.setHeader("set-cookie", cookies);
      },
    });

    if (path === "/graphql") return graphql(req, res, url, ctx).then(() => "graphql");
    if (path === "/api/datasets" && req.method === "POST") return handleUpload(req, res, url, ctx).then(() => "upload");
    const artifact = /^\/api\/artifacts\/([^/]+)$/.exec(path);
    if (artifact && req.method === "GET") return handleArtifactDownload(res, decodeSegment(artifact[1]!, "artifact id"), ctx).then(() => "download");
    const datasetFile = /^\/api\/datasets\/([^/]+)\/(gene-symbols|labels)$/.exec(path);
    if (datasetFile && req.method === "POST") {
      const id = decodeSegment(datasetFile[1]!, "dataset id");
      if (datasetFile[2] === "labels") return handleLabelFile(req, res, id, url, ctx).then(() => "labels");
      return handleGeneSymbols(req, res, id, ctx).then(() => "gene-symbols");
    }
    const runFile = /^\/api\/runs\/([^/]+)\/(cells|export\.h5ad|export\.csv|expression|obs|markers\.csv)$/.exec(path);
    if (runFile && req.method === "GET") {
      const id = decodeSegment(runFile[1]!, "run id");
      if (runFile[2] === "cells") return handleRunCells(res, id, url, ctx).then(() => "cells");
      if (runFile[2] === "expression") return handleRunExpression(res, id, url, ctx).then(() => "expression");
      if (runFile[2] === "obs") return handleRunObs(res, id, url, ctx).then(() => "obs");
      if (runFile[2] === "markers.csv") return handleRunMarkersCsv(res, id, url, ctx).then(() => "markers");
      return handleRunExport(res, id, runFile[2] === "export.h5ad" ? "h5ad" : "csv", ctx).then(() => "export");
    }
    sendJson(res, 404, { errors: [{ code: "NOT_FOUND", message: `no route ${req.method} ${path}` }] });
    return "unknown";
  }

  const server = createServer((req, res) => {
    const started = performance.now();
    // One debug line per request; the logger's configuration redacts its cookies and tokens.
    res.once("finish", () => log.debug({ req: { method: req.method, url: req.url, headers: req.headers }, status: res.statusCode, ms: Math.round(performance.now() - started) }, "request"));
    route(req, res)
      .then((name) => httpRequests.inc({ route: name, status: String(res.statusCode) }))
      .catch((err: unknown) => {
        try {
          sendAppError(res, err);
        } catch {
          log.error({ err, url: req.url }, "request failed");
          if (!res.headersSent) sendJson(res, 500, { errors: [{ code: "INTERNAL", message: "internal error" }] });
          else res.destroy();
        }
      });
  });
  // Idle keep-alive sockets are closed by the client (or proxy) first, never by us: a server that
  // closes one just as the other side reuses it makes that request fail with ECONNRESET. 65 s
  // outlasts the usual proxy idle timeouts (60 s); headers must be allowed longer still.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const realtime = await attachRealtime(server, deps);

  return {
    server,
    deps,
    listen: (port, host = "127.0.0.1") =>
      new Promise((resolve) => {
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.address}:${a.port}`);
        });
      }),
    async close() {
      await realtime.close();
      await apollo.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
