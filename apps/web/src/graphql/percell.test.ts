import { describe, expect, it } from "vitest";
import { parseFloat32Column } from "./percell";

describe("per-cell column", () => {
  it("reads little-endian float32 values, one per cell", () => {
    const buf = new ArrayBuffer(8);
    const dv = new DataView(buf);
    dv.setFloat32(0, 1.5, true);
    dv.setFloat32(4, -2, true);
    expect([...parseFloat32Column(buf, 2, "x")]).toEqual([1.5, -2]);
  });
  it("refuses a column whose length is not one value per cell, naming it", () => {
    expect(() => parseFloat32Column(new ArrayBuffer(12), 2, "The expression of CD3E")).toThrow("The expression of CD3E: 12 bytes for 2 cells (expected 8)");
  });
});
