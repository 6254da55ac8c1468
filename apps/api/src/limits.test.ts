import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { queryLimits } from "./limits.ts";
import { loadTypeDefs } from "./schema/index.ts";

const schema = buildSchema(loadTypeDefs().join("\n"));
const check = (q: string, maxDepth = 5, maxCost = 1000) => validate(schema, parse(q), [queryLimits({ maxDepth, maxCost })]).map((e) => e.message);

describe("queryLimits", () => {
  it("counts depth through fragments and inline fragments", () => {
    const q = `query { teams { ...T } } fragment T on Team { datasets { edges { node { ... on Dataset { team { id } } } } } }`;
    expect(check(q, 6)).toEqual([]);
    expect(check(q, 5)).toEqual(["query is too deep: depth 6 exceeds 5"]);
  });

  it("multiplies a list's children by the page it asks for", () => {
    expect(check(`{ teams { datasets(first: 10) { edges { node { id name } } } } }`)).toEqual([]);
    // 1 (teams) + 100 × (1 datasets … ) exceeds 1000 once each node costs ≥ 10.
    const many = `{ teams { datasets(first: 100) { edges { node { id name cells genes format checksum sizeBytes createdAt labelColumns } } } } }`;
    expect(check(many)[0]).toMatch(/^query is too expensive: cost \d+ exceeds 1000$/);
  });

  it("prices a variable page size at the maximum page", () => {
    const q = `query($n: Int) { teams { datasets(first: $n) { edges { node { id name cells genes format checksum } } } } }`;
    expect(check(q, 10, 500)[0]).toMatch(/too expensive/);
  });
});
