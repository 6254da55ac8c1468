import { describe, expect, it } from "vitest";
import { csrFromDense } from "./csr.ts";
import { log1p } from "./log1p.ts";
import { normalizeTotal } from "./normalizeTotal.ts";
import { scale } from "./scale.ts";
import { expectClose, loadGolden, num, numberArray, smallCounts } from "./__golden__/golden.ts";

describe("scale", () => {
  const golden = loadGolden("small.json");
  const logged = log1p(normalizeTotal(smallCounts(golden)).matrix);

  it("zero-centres and scales each gene to unit variance and clips at maxValue, as sc.pp.scale", () => {
    const maxValue = num(golden, "scale", "maxValue");
    const out = scale(logged, { maxValue });
    expectClose(out.mean, numberArray(golden, "scale", "mean"), { rel: 1e-12 });
    expectClose(out.std, numberArray(golden, "scale", "std"), { rel: 1e-12 });
    expectClose(out.x, numberArray(golden, "scale", "x"), { rel: 1e-6, abs: 1e-6 });
    expect(Math.max(...out.x)).toBe(maxValue);
    expect(Math.min(...out.x)).toBe(-maxValue);
  });

  it("without zeroCenter only divides by the std", () => {
    expectClose(scale(logged, { zeroCenter: false }).x, numberArray(golden, "scale", "xNoCenter"), { rel: 1e-6, abs: 1e-6 });
  });

  it("uses the unbiased std and leaves constant genes at zero", () => {
    // Gene 0: 1, 2, 3 → mean 2, std 1. Gene 1: constant 4 → std 0 replaced by 1.
    const out = scale(csrFromDense([1, 4, 2, 4, 3, 4], 3, 2));
    expectClose(out.x, [-1, 0, 0, 0, 1, 0], { rel: 1e-7 });
    expect(Array.from(out.mean)).toEqual([2, 4]);
    expectClose(out.std, [1, 1], { rel: 1e-15 });
  });
});
