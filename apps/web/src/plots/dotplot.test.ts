import { describe, expect, it } from "vitest";
import { dotRadius, pickDotplotGenes, scalePerGene } from "./dotplot";

describe("dot plot genes", () => {
  it("pools each group's top genes in group order, each gene once, with a bracket per group", () => {
    const r = pickDotplotGenes(
      [
        { name: "B", genes: ["MS4A1", "CD79A", "CD74"] },
        { name: "T", genes: ["CD79A", "IL7R", "CD3E"] },
        { name: "empty", genes: [] },
      ],
      2,
    );
    expect(r.genes).toEqual(["MS4A1", "CD79A", "IL7R", "CD3E"]);
    expect(r.brackets).toEqual([
      { group: "B", start: 0, end: 1 },
      { group: "T", start: 2, end: 3 },
    ]);
  });
});

describe("per-gene scaling (standard_scale='var')", () => {
  it("maps each gene's lowest group to 0 and highest to 1, independently of the other genes", () => {
    const s = scalePerGene([
      [0, 10],
      [2, 30],
      [1, 20],
    ]);
    expect(s.map((r) => r[0])).toEqual([0, 1, 0.5]);
    expect(s.map((r) => r[1])).toEqual([0, 1, 0.5]);
  });
  it("gives a gene equal in every group 0, not NaN", () => {
    expect(scalePerGene([[3], [3]])).toEqual([[0], [0]]);
  });
});

describe("dot size", () => {
  it("has an area proportional to the fraction", () => {
    expect(dotRadius(1, 10)).toBe(10);
    expect(dotRadius(0.25, 10)).toBe(5);
    expect(dotRadius(0, 10)).toBe(0);
  });
});
