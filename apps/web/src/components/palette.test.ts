import { describe, expect, it } from "vitest";
import { categoricalPalette, categoryColor, GODSNOT_102, palette, VEGA_20_SCANPY, ZEILEIS_28 } from "./palette";

describe("categorical palette (scanpy's choice by count)", () => {
  it("uses vega_20_scanpy up to 20 categories, zeileis_28 up to 28, godsnot_102 beyond", () => {
    expect(categoricalPalette(9)).toBe(VEGA_20_SCANPY);
    expect(categoricalPalette(20)).toBe(VEGA_20_SCANPY);
    expect(categoricalPalette(21)).toBe(ZEILEIS_28);
    expect(categoricalPalette(29)).toBe(GODSNOT_102);
    expect(VEGA_20_SCANPY).toHaveLength(20);
    expect(ZEILEIS_28).toHaveLength(28);
    expect(GODSNOT_102).toHaveLength(102);
  });
  it("gives every category its own colour up to 102 (the 9th no longer repeats the 1st)", () => {
    for (const n of [9, 16, 20, 28, 60, 102]) expect(new Set(palette(n)).size).toBe(n);
    expect(categoryColor(8, 9)).not.toBe(categoryColor(0, 9));
  });
  it("gives missing values grey", () => {
    expect(categoryColor(-1, 5)).toBe("#c8c8c8");
  });
});
