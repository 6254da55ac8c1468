import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import { describe, expect, it } from "vitest";
import config from "../../codegen.ts";

describe("generated resolver types", () => {
  it("match the SDL (run `pnpm --filter @scfnccl/api codegen` after changing a schema.graphql)", async () => {
    const cwd = fileURLToPath(new URL("../../", import.meta.url));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      const [output] = await generate({ ...config, cwd, silent: true }, false);
      const expected = output!.content.replace(/^export \{ (\w+) \};$/gm, "export type { $1 };");
      expect(await readFile(new URL("./types.generated.ts", import.meta.url), "utf8")).toBe(expected);
    } finally {
      process.chdir(previous);
    }
  });
});
