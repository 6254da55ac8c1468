import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generate } from "@graphql-codegen/cli";
import { buildSchema, parse, validate } from "graphql";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import config from "../../codegen.ts";
import * as operations from "./operations.ts";

describe("generated operation types", () => {
  it("match the SDL and operations.ts (run `pnpm --filter @scfnccl/web codegen` after changing either)", async () => {
    const cwd = fileURLToPath(new URL("../../", import.meta.url));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
      const [output] = await generate({ ...config, cwd, silent: true }, false);
      expect(await readFile(new URL("./operations.generated.ts", import.meta.url), "utf8")).toBe(output!.content);
    } finally {
      process.chdir(previous);
    }
  });

  it("are the only result shapes operations.ts has: it writes no interface or object type of its own", async () => {
    const file = fileURLToPath(new URL("./operations.ts", import.meta.url));
    const source = ts.createSourceFile(file, await readFile(file, "utf8"), ts.ScriptTarget.Latest, true);
    const written: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isInterfaceDeclaration(node) || ts.isTypeLiteralNode(node)) {
        written.push(`line ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${node.getText().slice(0, 60)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(written, "alias the generated type (G.<Name>Query, G.<Name>Mutation, G.<Name>Fragment) instead").toEqual([]);
  });

  it("type every operation operations.ts exports, so `gql` and `useQuery` answer what it selects", async () => {
    const file = fileURLToPath(new URL("./operations.ts", import.meta.url));
    const source = ts.createSourceFile(file, await readFile(file, "utf8"), ts.ScriptTarget.Latest, true);
    const untyped: string[] = [];
    for (const statement of source.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      for (const d of statement.declarationList.declarations) {
        const init = d.initializer;
        const op = init && /^`\s*(query|mutation)\s+(\w+)/.exec(init.getText());
        if (!op) continue;
        const own = `Doc<G.${op[2]}${op[1] === "query" ? "Query" : "Mutation"}>`;
        if (d.type?.getText() !== own) untyped.push(`${d.name.getText()}: ${own}`);
      }
    }
    expect(untyped, "declare each as `const NAME: Doc<G.<Name>Query> = ...` (or Mutation), of its own name").toEqual([]);
  });

  // Codegen checks each tagged string on its own; the client sends the spliced text, whose
  // fragments must each be defined once and used.
  it("are for operations that, as the client sends them, the SDL accepts", async () => {
    const dir = new URL("../../../api/src/schema/", import.meta.url);
    const domains = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory());
    const schema = buildSchema((await Promise.all(domains.map((d) => readFile(new URL(`${d.name}/schema.graphql`, dir), "utf8")))).join("\n"));
    const sent = Object.entries(operations).filter(([, v]) => typeof v === "string" && /^\s*(query|mutation)\b/.test(v)) as [string, string][];
    expect(sent.length).toBeGreaterThan(40);
    for (const [name, text] of sent) expect({ name, errors: validate(schema, parse(text)).map((e) => e.message) }).toEqual({ name, errors: [] });
  });
});
