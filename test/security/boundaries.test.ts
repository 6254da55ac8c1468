/**
 * Attacks on the input boundary, as an outsider and as a member: malformed paths, cookies,
 * cursors and headers on every route (0 answers of 5xx), NUL and other control characters in every
 * text field (a typed 400, nothing stored), a 413 on a keep-alive connection (closed, not left to
 * hang), refused credentials (401 with a one-line reason, never served anonymously), and the logs
 * of all of it (no password hash, token or cookie in any line).
 */
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, startHarness, type Harness } from "../support/harness.ts";

let h: Harness;
let owner: Client;
let teamId: string;
let tokenSecret: string;
const logLines: string[] = [];
const RUN = "00000000-0000-4000-8000-000000000001";

/** One request exactly as written (no URL normalisation, any header), status and body back. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString("base64url");

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      cb();
    },
  });
  h = await startHarness({ worker: false, env: { LOG_LEVEL: "trace" }, logTo: sink });
  owner = new Client(h.url);
  await owner.signUp("owner@boundaries.org", "Owner", "Boundary lab");
  teamId = ((await owner.gql<{ teams: { id: string }[] }>(`{ teams { id } }`)).data!.teams[0]!.id);
  const t = await owner.mutate("createApiToken", `mutation { createApiToken(name: "script") { secret errors { code } } }`);
  tokenSecret = t["secret"] as string;
});

afterAll(async () => {
  await h?.stop();
});

describe("malformed requests on every route", () => {
  it("answers malformed paths, cookies, cursors and headers with 4xx, never 5xx", async () => {
    const routes = [
      ["GET", "/healthz"],
      ["GET", "/readyz"],
      ["GET", "/graphql?query=%7B%20methods%20%7B%20name%20%7D%20%7D"],
      ["POST", "/graphql"],
      ["POST", `/api/datasets?teamId=${teamId}&name=x.csv`],
      ["GET", `/api/artifacts/${RUN}`],
      ["GET", `/api/runs/${RUN}/cells`],
      ["GET", `/api/runs/${RUN}/cells?format=json`],
      ["GET", `/api/runs/${RUN}/export.h5ad`],
      ["GET", `/api/runs/${RUN}/export.csv`],
      ["GET", "/socket.io/?EIO=4&transport=polling"],
      ["GET", "/nowhere"],
    ] as const;
    const paths = [
      "/api/artifacts/%E0%A4%A",
      "/api/runs/%ZZ/cells",
      "/api/runs/%ZZ/export.csv",
      "/api/runs/%E0%A4%A/export.h5ad",
      "/api/artifacts/%00",
      "/api/artifacts/..",
      `/api/runs/${"a".repeat(4000)}/cells`,
      "/api/datasets?teamId=%ZZ&name=%",
      `/api/datasets?teamId=${teamId}&name=.`,
      `/api/datasets?teamId=${teamId}&name=..`,
      `/api/datasets?teamId=${teamId}&name=%00x`,
      "/graphql?query=%ZZ",
      "/graphql?query=%7B",
      "//graphql",
      "/%",
      "/?%",
    ];
    const cookies = ["a=%", "scfnccl_session=%", "scfnccl_session=", `scfnccl_session=${"x".repeat(4000)}`, "=", ";;;", "a=%; scfnccl_session=%E0%A4%A"];
    const headers: Record<string, string>[] = [
      { authorization: "Bearer" },
      { authorization: "Bearer %" },
      { authorization: "Basic YTpi" },
      { authorization: "Bearer scf_not-a-token" },
      { "x-request-id": "x".repeat(2000) },
      { "content-type": "application/json; charset=latin-7" },
      { "x-forwarded-for": "not an address, 1.2.3.4" },
    ];
    const gqlBodies = [
      "{",
      "null",
      "[]",
      JSON.stringify({ query: 5 }),
      JSON.stringify({ query: "{ methods { name } }", variables: "x" }),
      ...[
        cursor(["2020-01-01T00:00:00.000Z", "not-a-uuid"]),
        cursor(["+275760-09-13T00:00:00.000Z", RUN]),
        cursor(["-271821-04-20T00:00:00.000Z", RUN]),
        cursor([null, null]),
        cursor("x"),
        "%%%",
        "",
      ].map((after) => JSON.stringify({ query: `query($t: ID!, $a: String) { team(id: $t) { datasets(after: $a) { edges { node { id } } } runs: datasets(first: 1, after: $a) { pageInfo { endCursor } } } }`, variables: { t: teamId, a: after } })),
    ];
    const answers: { what: string; status: number; body: string }[] = [];
    const send = async (what: string, method: string, path: string, hdrs: Record<string, string>, body?: string) => {
      const r = await raw(method, path, { "content-type": "application/json", ...hdrs }, body);
      answers.push({ what, ...r });
    };
    const memberCookie = owner.cookie;
    for (const [method, path] of routes) {
      const body = method === "POST" ? (path === "/graphql" ? JSON.stringify({ query: "{ viewer { id } }" }) : "a,b\n1,2\n") : undefined;
      for (const c of cookies) await send(`${method} ${path} cookie ${c.slice(0, 30)}`, method, path, { cookie: c }, body);
      for (const c of cookies) await send(`${method} ${path} member + cookie ${c.slice(0, 30)}`, method, path, { cookie: `${memberCookie}; ${c}` }, body);
      for (const hd of headers) await send(`${method} ${path} ${JSON.stringify(hd).slice(0, 60)}`, method, path, hd, body);
    }
    for (const p of paths) for (const method of ["GET", "POST"]) {
      await send(`${method} ${p}`, method, p, {}, method === "POST" ? "a,b\n1,2\n" : undefined);
      await send(`${method} ${p} member`, method, p, { cookie: memberCookie }, method === "POST" ? "a,b\n1,2\n" : undefined);
    }
    for (const b of gqlBodies) await send(`graphql ${b.slice(0, 80)}`, "POST", "/graphql", { cookie: memberCookie }, b);
    const failures = answers.filter((a) => a.status >= 500 || a.status === 0);
    expect(failures.map((f) => `${f.what} → ${f.status} ${f.body.slice(0, 120)}`)).toEqual([]);
    expect(answers.length).toBeGreaterThan(250);
    // The cursors and upload names above are typed 4xx answers that say what is wrong.
    const cursorAnswers = answers.filter((a) => a.what.startsWith("graphql") && a.body.includes("invalid cursor"));
    expect(cursorAnswers.length).toBeGreaterThanOrEqual(6);
    expect(answers.find((a) => a.what === `POST /api/datasets?teamId=${teamId}&name=.. member`)).toMatchObject({ status: 400 });
    expect(answers.find((a) => a.what === "GET /api/runs/%ZZ/cells member")).toMatchObject({ status: 400 });
  });
});

describe("control characters in text fields", () => {
  const nul = "lab\u0000name";
  const cases: [string, string, Record<string, unknown>][] = [
    ["team name", `mutation($v: String!) { createTeam(name: $v) { errors { code } } }`, { v: nul }],
    ["token name", `mutation($v: String!) { createApiToken(name: $v) { errors { code } } }`, { v: nul }],
    ["member e-mail", `mutation($t: ID!, $v: String!) { setTeamMember(teamId: $t, email: $v, role: VIEWER) { errors { code } } }`, { v: "a\u0000@b.org" }],
    ["invited e-mail", `mutation($t: ID!, $v: String!) { inviteTeamMember(teamId: $t, email: $v, role: VIEWER) { errors { code } } }`, { v: "a\u0000@b.org" }],
    ["user name (signUp)", `mutation($v: String!) { signUp(input: { email: "nul@b.org", password: "correct horse battery", name: $v }) { errors { code } } }`, { v: nul }],
    ["label", `mutation($r: ID!, $v: String!) { proposeLabel(input: { runId: $r, clusterIndex: 0, expectedVersion: 0, label: $v }) { errors { code } } }`, { r: RUN, v: "B\u0000cell" }],
    ["comment", `mutation($r: ID!, $v: String!) { commentCluster(input: { runId: $r, clusterIndex: 0, body: $v }) { errors { code } } }`, { r: RUN, v: "hi\u0007" }],
    ["a literal in the document", `mutation { createTeam(name: "lab\\u0000x") { errors { code } } }`, {}],
  ];
  for (const [what, query, variables] of cases) {
    it(`refuses NUL in the ${what} with a typed 400 naming it, storing nothing`, async () => {
      const teamsBefore = await h.platform.db.sql.executeSql("select count(*)::int as n from teams", []);
      const r = await owner.gql(query, { t: teamId, ...variables });
      expect(r.status).toBe(400);
      expect(r.errors?.[0]?.extensions?.code).toBe("INVALID_INPUT");
      expect(r.errors?.[0]?.message).toMatch(/control character/);
      expect((await h.platform.db.sql.executeSql("select count(*)::int as n from teams", [])).rows).toEqual(teamsBefore.rows);
    });
  }
  it("keeps line breaks and tabs, which evidence and comments use", async () => {
    const r = await owner.gql(`mutation($v: String!) { createTeam(name: $v) { team { name } errors { code } } }`, { v: "two\tcolumns" });
    expect(r.errors).toBeUndefined();
  });
});

describe("an all-zero matrix", () => {
  it("is refused at upload (422 naming the problem), not accepted to fail every run later", async () => {
    const zeros = ["cell,CD3E,MS4A1,LYZ", ...Array.from({ length: 20 }, (_, i) => `c${i},0,0,0`)].join("\n") + "\n";
    const up = await owner.upload(teamId, "zeros.csv", Buffer.from(zeros));
    expect(up.status).toBe(422);
    expect((up.json["errors"] as { code: string; message: string }[])[0]).toMatchObject({ code: "INVALID_DATASET", message: expect.stringMatching(/^zeros\.csv: every count is zero/) });
    const ones = zeros.replace("c0,0,0,0", "c0,1,0,0");
    expect((await owner.upload(teamId, "ones.csv", Buffer.from(ones))).status).toBe(201);
  });
});

describe("a 413 on a keep-alive connection", () => {
  it("is answered and the connection closed, so the next request does not hang", async () => {
    const { hostname, port } = new URL(h.url);
    const socket = connect(Number(port), hostname);
    await new Promise((r) => socket.once("connect", r));
    const big = 200 * 1024;
    let received = "";
    socket.on("data", (c: Buffer) => (received += c.toString("latin1")));
    const closed = new Promise<number>((resolve) => {
      const t0 = Date.now();
      socket.once("close", () => resolve(Date.now() - t0));
    });
    socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${big}\r\nConnection: keep-alive\r\n\r\n`);
    socket.write(Buffer.alloc(big, 0x20));
    const ms = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 10_000))]);
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413/);
    expect(received.toLowerCase()).toContain("connection: close");
    // Before the fix the server kept the connection open, and the next request on it hung 66 s.
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});

describe("refused credentials", () => {
  it("answers a revoked, unknown or malformed token and an ended or expired session with 401 and a one-line reason", async () => {
    const viewer = `{ viewer { id } }`;
    const asToken = (token: string) => raw("POST", "/graphql", { "content-type": "application/json", authorization: `Bearer ${token}` }, JSON.stringify({ query: viewer }));
    expect((await asToken(tokenSecret)).status).toBe(200);
    const other = new Client(h.url);
    await other.signUp("other@boundaries.org", "Other");
    const ended = other.cookie;
    await other.gql(`mutation { signOut }`);
    const tokens = await owner.gql<{ apiTokens: { id: string }[] }>(`{ apiTokens { id } }`);
    await owner.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { deletedId } }`, { id: tokens.data!.apiTokens[0]!.id });
    const expiring = new Client(h.url);
    await expiring.signUp("expiring@boundaries.org", "Expiring");
    await h.platform.db.sql.executeSql("update sessions set expires_at = now() - interval '1 minute' where user_id = (select id from users where email = 'expiring@boundaries.org')", []);
    const cases: [string, Promise<{ status: number; body: string }>, RegExp][] = [
      ["revoked API token", asToken(tokenSecret), /revoked/],
      ["unknown token", asToken("scf_nothing"), /not a valid/],
      ["malformed Authorization", raw("POST", "/graphql", { "content-type": "application/json", authorization: "Token abc" }, JSON.stringify({ query: viewer })), /Bearer/],
      ["signed-out session", raw("POST", "/graphql", { "content-type": "application/json", cookie: ended }, JSON.stringify({ query: viewer })), /not valid/],
      ["expired session", raw("POST", "/graphql", { "content-type": "application/json", cookie: expiring.cookie }, JSON.stringify({ query: viewer })), /expired/],
      ["revoked token on a download", raw("GET", `/api/runs/${RUN}/cells`, { authorization: `Bearer ${tokenSecret}` }), /revoked/],
    ];
    for (const [what, p, reason] of cases) {
      const r = await p;
      const body = JSON.parse(r.body) as { errors: { message: string; code?: string; extensions?: { code: string } }[] };
      expect({ what, status: r.status }).toEqual({ what, status: 401 });
      expect(body.errors[0]!.extensions?.code ?? body.errors[0]!.code).toBe("UNAUTHENTICATED");
      expect(body.errors[0]!.message).toMatch(reason);
      expect(body.errors[0]!.message).not.toContain("\n");
    }
    // The socket handshake is refused the same way.
    await expect(other.socket({ cookie: ended })).rejects.toThrow(/unauthenticated/);
  });
});

describe("the logs of all of the above", () => {
  it("hold no password hash, API token, session cookie or password", async () => {
    // An internal error whose message quotes a query's parameters (as a failed insert's does).
    const { createLogger } = await import("@scfnccl/platform");
    const lines: string[] = [];
    const probe = createLogger("probe", { level: "info", destination: new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }) });
    const failed = Object.assign(new Error("Failed query: insert into users values ($1, $2)\nparams: a@b.org,$argon2id$v=19$m=19456,t=2,p=1$abc$def"), { params: ["a@b.org", "$argon2id$v=19$m=19456,t=2,p=1$abc$def"] });
    probe.error({ err: failed, headers: { cookie: "scfnccl_session=abc123", authorization: `Bearer ${tokenSecret}` }, password: "correct horse battery" }, `token ${tokenSecret}`);
    const all = [...logLines, ...lines].join("\n");
    expect(logLines.length).toBeGreaterThan(20);
    expect(all).not.toMatch(/\$argon2/);
    expect(all).not.toContain(tokenSecret);
    expect(all).not.toContain("correct horse battery");
    expect(all).not.toContain(owner.cookie.split("=")[1]!);
    expect(all).not.toMatch(/scfnccl_session=(?!\[redacted\])[^;"\s]+/);
    expect(lines.join("")).toContain("[redacted");
  });
});
