import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleHealth } from "./health.ts";
import type { Platform } from "./open.ts";

const servers: Server[] = [];
async function serve(token?: string): Promise<string> {
  const registry = new Registry();
  const server = createServer((req, res) => {
    void handleHealth(req, res, {} as Platform, { metrics: { registry, token } }).then((r) => r ?? res.writeHead(404).end());
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let withToken: string;
let withoutToken: string;
beforeAll(async () => {
  withToken = await serve("a-metrics-token-of-32-characters!");
  withoutToken = await serve();
});
afterAll(() => servers.forEach((s) => s.close()));

describe("/metrics", () => {
  it("answers a scraper only with METRICS_TOKEN as a bearer (the counts span every team)", async () => {
    expect((await fetch(`${withToken}/metrics`)).status).toBe(401);
    expect((await fetch(`${withToken}/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${withToken}/metrics`, { headers: { authorization: "Bearer a-metrics-token-of-32-characters!" } })).status).toBe(200);
  });

  it("without a token, answers clients on this machine only", async () => {
    expect((await fetch(`${withoutToken}/metrics`)).status).toBe(200);
    expect((await fetch(`${withoutToken}/healthz`)).status).toBe(200);
  });
});
