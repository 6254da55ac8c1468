import { describe, expect, it } from "vitest";
import type { CellTypeMarkers } from "../markers/database.ts";
import { suggestCellTypes, type MarkerStat } from "./suggest.ts";

const type = (id: string, positive: string[], negative: string[] = []): CellTypeMarkers => ({
  cellTypeId: id,
  positive: new Map(positive.map((g) => [g, 1])),
  negative: new Map(negative.map((g) => [g, 1])),
  sets: [{ source: "panglaodb", name: id, tissue: null }],
});
const up = (gene: string, pctIn = 0.9, pctOut = 0.1): MarkerStat => ({ gene, logFoldChange: 2, pctIn, pctOut, pvalAdj: 1e-10 });

const candidates = [
  type("CL:0000001", ["A1", "A2", "A3", "SHARED"]),
  type("CL:0000002", ["B1", "B2", "SHARED"]),
  type("CL:0000003", ["C1", "SHARED"], ["A1"]),
  type("CL:0000004", ["SHARED", "D1", "D2"]),
];

describe("suggestCellTypes", () => {
  it("ranks the type whose specific markers are up first, with the evidence", () => {
    const [first, ...rest] = suggestCellTypes([up("A1"), up("A2"), up("SHARED")], candidates);
    expect(first!.cellTypeId).toBe("CL:0000001");
    // A1 is also another type's negative marker, so it is less specific than A2; SHARED is listed
    // by every candidate: no specificity, no contribution, not listed as evidence.
    expect(first!.matched.map((m) => m.gene)).toEqual(["A2", "A1"]);
    expect(first!.markersMeasured).toBe(4);
    expect(rest.map((s) => s.cellTypeId)).not.toContain("CL:0000002");
  });

  it("subtracts a negative marker that is up in the cluster", () => {
    const withNeg = suggestCellTypes([up("C1"), up("A1")], candidates, { top: 5 });
    const c = withNeg.find((s) => s.cellTypeId === "CL:0000003");
    const alone = suggestCellTypes([up("C1")], candidates, { top: 5 }).find((s) => s.cellTypeId === "CL:0000003");
    expect(c!.against.map((g) => g.gene)).toEqual(["A1"]);
    expect(c!.score).toBeLessThan(alone!.score);
  });

  it("ignores markers that are not significant or not up, and counts a positive marker that is down against", () => {
    const weak = { ...up("B1"), pvalAdj: 0.2 };
    expect(suggestCellTypes([weak], candidates)).toEqual([]);
    const down: MarkerStat = { gene: "A3", logFoldChange: -2, pctIn: 0.05, pctOut: 0.8, pvalAdj: 1e-5 };
    const [a] = suggestCellTypes([up("A1"), up("A2"), down], candidates, { positiveOnly: false });
    expect(a!.against[0]!.gene).toBe("A3");
    expect(a!.against[0]!.contribution).toBeLessThan(0);
  });

  it("leaves markers the data set does not measure out of a type's weight", () => {
    const all = suggestCellTypes([up("D1")], candidates).find((s) => s.cellTypeId === "CL:0000004")!;
    const measured = suggestCellTypes([up("D1")], candidates, { genes: ["D1", "SHARED", "A1"] }).find((s) => s.cellTypeId === "CL:0000004")!;
    expect([all.markersMeasured, measured.markersMeasured]).toEqual([3, 2]);
    expect(measured.score).toBeGreaterThan(all.score);
  });

  it("returns at most `top`, best first", () => {
    const s = suggestCellTypes([up("A1"), up("B1"), up("C1"), up("D1")], candidates, { top: 2 });
    expect(s).toHaveLength(2);
    expect(s[0]!.score).toBeGreaterThanOrEqual(s[1]!.score);
  });
});
