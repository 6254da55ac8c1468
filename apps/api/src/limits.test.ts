import { buildSchema, parse, validate, specifiedRules } from "graphql";
import { describe, expect, it } from "vitest";
import { queryLimits } from "./limits.ts";
import { loadTypeDefs } from "./schema/index.ts";

const schema = buildSchema(loadTypeDefs().join("\n"));
const limits = { maxDepth: 5, maxCost: 1000, maxAliases: 20, maxDirectives: 50 };
const check = (q: string, o: Partial<typeof limits> = {}) => validate(schema, parse(q), queryLimits({ ...limits, ...o })).map((e) => e.message);

/** `fragment F0 on Query { ...F1 ...F1 }` … `fragment Fn on Query { methods { name } }`: 2^n spreads when expanded. */
function fragmentBomb(levels: number): string {
  const frags = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query { ...F0 } ${frags.join(" ")} fragment F${levels} on Query { methods { name } }`;
}

const runIds = Array.from({ length: 20 }, (_, i) => `"00000000-0000-4000-8000-${String(i).padStart(12, "0")}"`).join(", ");
const compareAliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: compareRuns(ids: [${runIds}]) { clusters { markers(top: 50) { gene pval } } }`).join(" ")} }`;

describe("queryLimits", () => {
  it("counts depth through fragments and inline fragments", () => {
    const q = `query { teams { ...T } } fragment T on Team { datasets { edges { node { ... on Dataset { team { id } } } } } }`;
    expect(check(q, { maxDepth: 6 })).toEqual([]);
    expect(check(q, { maxDepth: 5 })).toEqual(["query is too deep: depth 6 exceeds 5"]);
  });

  it("multiplies a list's children by the page it asks for", () => {
    expect(check(`{ teams { datasets(first: 10) { edges { node { id name } } } } }`)).toEqual([]);
    const many = `{ teams { datasets(first: 100) { edges { node { id name cells genes format checksum sizeBytes createdAt labelColumns } } } } }`;
    expect(check(many)[0]).toMatch(/^query is too expensive: cost \d+ exceeds 1000$/);
  });

  it("prices a variable page size at the maximum page", () => {
    const q = `query($n: Int) { teams { datasets(first: $n) { edges { node { id name cells genes format checksum } } } } }`;
    expect(check(q, { maxDepth: 10, maxCost: 500 })[0]).toMatch(/too expensive/);
  });

  it("refuses the 24-level fragment bomb in linear time (each fragment is measured once)", () => {
    const doc = parse(fragmentBomb(24));
    const t0 = performance.now();
    const errors = validate(schema, doc, [...specifiedRules, ...queryLimits({ ...limits, maxDepth: 10, maxCost: 5000 })]);
    const ms = performance.now() - t0;
    expect(errors.map((e) => e.extensions["code"])).toEqual(["QUERY_TOO_COMPLEX"]);
    expect(errors[0]!.message).toMatch(/too expensive/);
    // Re-expanding every spread took 42 s here; once per fragment it is about a millisecond.
    expect(ms).toBeLessThan(100);
    // A bomb of 200 levels (2^200 expansions) is still answered at once.
    expect(check(fragmentBomb(200), { maxDepth: 10 })[0]).toMatch(/too expensive/);
  });

  it("charges each alias: 150 aliased compareRuns(20 ids) { clusters { markers(top: 50) } } are refused", () => {
    const errors = validate(schema, parse(compareAliases(150)), queryLimits({ ...limits, maxDepth: 10, maxCost: 5000 }));
    expect(errors.map((e) => e.message)).toContain("query has too many aliases: 150 exceed 20");
    expect(errors.every((e) => e.extensions["code"] === "QUERY_TOO_COMPLEX")).toBe(true);
    // Under the alias cap, cost alone refuses three: 20 runs × 50 markers each, per alias.
    expect(check(compareAliases(1), { maxDepth: 10, maxCost: 5000 })).toEqual([]);
    expect(check(compareAliases(3), { maxDepth: 10, maxCost: 5000 })[0]).toMatch(/^query is too expensive: cost \d+ exceeds 5000$/);
  });

  it("weights expensive resolvers: 20 runAgreement aliases cost more than the budget", () => {
    const q = `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: runAgreement(a: "x", b: "y") { ari }`).join(" ")} }`;
    expect(check(q, { maxDepth: 10, maxCost: 5000 })[0]).toMatch(/too expensive/);
    expect(check(`{ runAgreement(a: "x", b: "y") { ari nmi } }`, { maxDepth: 10, maxCost: 5000 })).toEqual([]);
  });

  it("caps directives", () => {
    const q = `{ ${Array.from({ length: 60 }, () => `methods @include(if: true) { name }`).join(" ")} }`;
    expect(check(q, { maxCost: 1e6 })).toContain("query has too many directives: 60 exceed 50");
  });
});
