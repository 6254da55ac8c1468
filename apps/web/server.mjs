// The web server: Next.js for pages, and a proxy to the API for /graphql, /api/* and /socket.io
// (WebSocket upgrades included). The browser sees one origin, so the API's httpOnly session cookie
// stays first-party, no CORS is needed, and API_URL is read when the server starts, not at build.
import { createServer } from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createProxyServer } from "http-proxy-3";
import next from "next";

const dir = dirname(fileURLToPath(import.meta.url));

/**
 * @param {{ port?: number, host?: string, apiUrl?: string, dev?: boolean, log?: (msg: string) => void }} options
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startWebServer(options = {}) {
  const port = options.port ?? Number(process.env.WEB_PORT ?? 3000);
  const host = options.host ?? process.env.WEB_HOST ?? "127.0.0.1";
  const apiUrl = (options.apiUrl ?? process.env.API_URL ?? "http://127.0.0.1:4000").replace(/\/+$/, "");
  try {
    new URL(apiUrl);
  } catch {
    throw new Error(`API_URL: not a URL: ${apiUrl}`);
  }
  const log = options.log ?? ((m) => console.log(m));
  const app = next({ dev: options.dev ?? false, dir, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  // The Host header is kept (no changeOrigin): the API's socket.io origin check compares the
  // browser's Origin with it, and both name this server. xfwd appends the browser's address to
  // X-Forwarded-For, which the API believes from peers in its TRUSTED_PROXIES (loopback by
  // default), so its rate limits count each browser rather than this server.
  const proxy = createProxyServer({ target: apiUrl, ws: true, xfwd: true, proxyTimeout: 0, timeout: 0 });
  proxy.on("error", (err, _req, res) => {
    log(`proxy error: ${err.message}`);
    if (res && "writeHead" in res && !res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ code: "BAD_GATEWAY", message: "the API is not reachable" }] }));
    } else if (res && "destroy" in res) res.destroy();
  });
  const toApi = (url = "/") => url === "/graphql" || url.startsWith("/graphql?") || url.startsWith("/api/") || url.startsWith("/socket.io/");

  const server = createServer((req, res) => {
    if (toApi(req.url)) return proxy.web(req, res);
    handle(req, res).catch((err) => {
      log(`page error: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) res.writeHead(500).end("internal error");
    });
  });
  const nextUpgrade = options.dev ? app.getUpgradeHandler() : null;
  server.on("upgrade", (req, socket, head) => {
    if (toApi(req.url)) return proxy.ws(req, socket, head);
    if (nextUpgrade) return void nextUpgrade(req, socket, head);
    socket.destroy();
  });
  await new Promise((resolve) => server.listen(port, host, () => resolve(undefined)));
  const address = server.address();
  const url = `http://${host}:${typeof address === "object" && address ? address.port : port}`;
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      proxy.close();
      await app.close?.();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dev = process.argv.includes("--dev");
  const web = await startWebServer({ dev });
  console.log(`web app on ${web.url} (API ${process.env.API_URL ?? "http://127.0.0.1:4000"})`);
}
