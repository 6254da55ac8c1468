import { describe, expect, it } from "vitest";
import { meanByGroup, normalise, ticks } from "./continuous";

describe("continuous colouring", () => {
  it("maps min..max onto 0..1 and reports the range for the colour bar", () => {
    const n = normalise(new Float32Array([2, 4, 3, NaN]));
    expect([...n.t]).toEqual([0, 1, 0.5, 0]);
    expect([n.min, n.max]).toEqual([2, 4]);
  });
  it("maps a constant column (a gene no cell expresses) to 0, not NaN", () => {
    expect([...normalise([0, 0]).t]).toEqual([0, 0]);
  });
  it("averages per group, skipping cells of no group", () => {
    expect(meanByGroup([1, 3, 10, 99], [0, 0, 1, -1])).toEqual([2, 10]);
  });
  it("puts round ticks inside the range", () => {
    expect(ticks(0, 4.3)).toEqual([0, 1, 2, 3, 4]);
    expect(ticks(0, 100, 4)).toEqual([0, 25, 50, 75, 100]);
  });
});
