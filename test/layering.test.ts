/**
 * The dependency rules `pnpm lint` runs (tooling/dependency-cruiser.cjs) catch what they are for:
 * violations planted in a small copy of the repository's layout make depcruise fail and name
 * each rule, while the allowed imports beside them pass.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = resolve(import.meta.dirname, "..");
let dir: string;

const files: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "ESNext", moduleResolution: "Bundler", allowImportingTsExtensions: true } }),
  // apps/a imports apps/b: forbidden. apps/api/src/main.ts imports the worker: the one exception.
  "apps/a/src/index.ts": 'import { b } from "../../b/src/index.ts";\nexport const a = b;\n',
  "apps/b/src/index.ts": "export const b = 1;\n",
  "apps/api/src/main.ts": 'import { w } from "../../worker/src/index.ts";\nexport const m = w;\n',
  "apps/api/src/other.ts": 'import { w } from "../../worker/src/index.ts";\nexport const o = w;\n',
  "apps/worker/src/index.ts": "export const w = 1;\n",
  // The engine imports the database package: forbidden; and two engine files import each other.
  "packages/engine/src/index.ts": 'import { db } from "../../db/src/index.ts";\nexport const e = db;\n',
  "packages/engine/src/x.ts": 'import { y } from "./y.ts";\nexport const x = () => y;\n',
  "packages/engine/src/y.ts": 'import { x } from "./x.ts";\nexport const y = () => x;\n',
  "packages/db/src/index.ts": "export const db = 1;\n",
  // The engine's layers: tl/ importing from methods/ and nn/ (up and sideways) is forbidden; methods/
  // importing tl/ and nn/, and a tl/ test importing nn/, are allowed.
  "packages/engine/src/methods/m.ts": 'import { t } from "../tl/t.ts";\nimport { n } from "../nn/n.ts";\nexport const m = () => [t, n];\n',
  "packages/engine/src/tl/t.ts": 'import { m } from "../methods/m.ts";\nexport const t = () => m;\n',
  "packages/engine/src/tl/u.ts": 'import { n } from "../nn/n.ts";\nexport const u = n;\n',
  "packages/engine/src/tl/u.test.ts": 'import { n } from "../nn/n.ts";\nexport const ut = n;\n',
  "packages/engine/src/nn/n.ts": "export const n = 1;\n",
  "packages/platform/src/cells.ts": "export const cells = 1;\n",
  "packages/platform/src/index.ts": "export const platform = 1;\n",
  // The web imports the browser-safe codec (allowed) and the engine and the platform's server side (forbidden).
  "apps/web/src/page.ts":
    'import { cells } from "../../../packages/platform/src/cells.ts";\nimport { e } from "../../../packages/engine/src/index.ts";\nimport { platform } from "../../../packages/platform/src/index.ts";\nexport const p = [cells, e, platform];\n',
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "layering-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("dependency rules", () => {
  it("fail on planted violations, naming each rule and file, and pass the allowed imports", async () => {
    const bin = join(root, "node_modules/.bin/depcruise");
    const failed = await run(bin, ["--config", join(root, "tooling/dependency-cruiser.cjs"), "--output-type", "err", "apps", "packages"], { cwd: dir }).then(
      () => null,
      (err: { code: number; stdout: string }) => err,
    );
    expect(failed, "depcruise passed a tree with violations").not.toBeNull();
    expect(failed!.code).toBeGreaterThan(0);
    // Lines read "error <rule>: <from> → <to>" (a cycle lists its files on the lines after).
    const found = [...failed!.stdout.matchAll(/error (\S+): (\S+) →\s+(\S+)/g)].map((m) => `${m[1]} ${m[2]} -> ${m[3]}`).sort();
    expect(found).toEqual(
      [
        "apps-not-apps apps/a/src/index.ts -> apps/b/src/index.ts",
        "apps-not-apps apps/api/src/other.ts -> apps/worker/src/index.ts",
        "engine-pure packages/engine/src/index.ts -> packages/db/src/index.ts",
        "engine-layers packages/engine/src/tl/t.ts -> packages/engine/src/methods/m.ts",
        "engine-layers packages/engine/src/tl/u.ts -> packages/engine/src/nn/n.ts",
        "no-circular packages/engine/src/methods/m.ts -> packages/engine/src/tl/t.ts",
        "no-circular packages/engine/src/x.ts -> packages/engine/src/y.ts",
        "web-no-server-packages apps/web/src/page.ts -> packages/engine/src/index.ts",
        "web-no-server-packages apps/web/src/page.ts -> packages/platform/src/index.ts",
      ].sort(),
    );
  });
});
