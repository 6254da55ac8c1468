import { describe, expect, it } from "vitest";
import { fillUnclustered } from "./consensus.ts";

describe("consensus's chosen base", () => {
  it("gives a cell the chosen base left out the chosen cluster of the cells another base puts with it", () => {
    const chosen = Int32Array.from([0, 0, 0, 1, 1, 1, -1, -1]);
    const other = Int32Array.from([5, 5, 5, 7, 7, 7, 7, 5]);
    const out = fillUnclustered([{ name: "chosen", labels: chosen }, { name: "other", labels: other }], 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 1, 1, 1, 0]);
  });

  it("opens a cluster of its own for a cell no other base can place", () => {
    const chosen = Int32Array.from([0, 0, 1, 1, -1]);
    const other = Int32Array.from([0, 0, 1, 1, -1]);
    const out = fillUnclustered([{ name: "chosen", labels: chosen }, { name: "other", labels: other }], 0);
    expect(Array.from(out)).toEqual([0, 0, 1, 1, 2]);
  });
});
