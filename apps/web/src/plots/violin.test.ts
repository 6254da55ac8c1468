import { describe, expect, it } from "vitest";
import { groupDistributions } from "./violin";

describe("group distributions", () => {
  it("gives each group its quartiles, mean and share above zero", () => {
    const values = [0, 1, 2, 3, 4, 10, 10, 0];
    const groups = [0, 0, 0, 0, 0, 1, 1, -1];
    const d = groupDistributions(values, groups);
    expect(d.groups).toHaveLength(2);
    expect(d.groups[0]).toMatchObject({ n: 5, min: 0, q1: 1, median: 2, q3: 3, max: 4, mean: 2, fractionPositive: 0.8 });
    expect(d.groups[1]).toMatchObject({ n: 2, median: 10, mean: 10, fractionPositive: 1 });
    expect(d.min).toBe(0);
    expect(d.max).toBe(10);
  });
  it("peaks each group's density at 1, where its values are", () => {
    const values = [...Array(50).fill(0), ...Array(50).fill(5)];
    const groups = [...Array(50).fill(0), ...Array(50).fill(1)];
    const d = groupDistributions(values, groups, { gridPoints: 11 });
    expect(Math.max(...d.groups[0]!.density)).toBeCloseTo(1);
    expect(d.groups[0]!.density[0]).toBeCloseTo(1);
    expect(d.groups[0]!.density[10]!).toBeLessThan(0.01);
    expect(d.groups[1]!.density[10]).toBeCloseTo(1);
  });
  it("reports an empty group with n = 0 instead of leaving a hole", () => {
    const d = groupDistributions([1, 2], [2, 2]);
    expect(d.groups.map((g) => g.n)).toEqual([0, 0, 2]);
    expect(Number.isNaN(d.groups[0]!.median)).toBe(true);
  });
});
