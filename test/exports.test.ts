import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));
const manifests = ["packages", "apps"].flatMap((d) =>
  readdirSync(join(root, d), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(root, d, e.name, "package.json")))
    .map((e) => join(root, d, e.name, "package.json")),
);

describe("workspace package manifests", () => {
  it.each(manifests.map((m) => [m.slice(root.length), m]))("%s: every export points at a file that exists", (_name, manifest) => {
    const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports?: Record<string, string> };
    const missing = Object.values(pkg.exports ?? {}).filter((target) => !target.includes("*") && !existsSync(join(dirname(manifest), target)));
    expect(missing).toEqual([]);
  });
});
