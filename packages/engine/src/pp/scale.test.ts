import { describe, expect, it } from "vitest";
import { csrFromDense } from "./csr.ts";
import { log1p } from "./log1p.ts";
import { normalizeTotal } from "./normalizeTotal.ts";
import { denseRows, rowRange, scale, scaleSparse } from "./scale.ts";
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

  it("scaleSparse + denseRows give exactly the rows of the dense result, in any order, with or without centring and clipping", () => {
    const maxValue = num(golden, "scale", "maxValue");
    for (const options of [{}, { maxValue }, { zeroCenter: false }, { zeroCenter: false, maxValue }]) {
      const dense = scale(logged, options).x;
      const sparse = scaleSparse(logged, options);
      const n = logged.nCols;
      const rows = Int32Array.from({ length: logged.nRows }, (_, i) => logged.nRows - 1 - i);
      rows[1] = rows[0]!; // a row twice
      const out = denseRows(sparse, rows, new Float32Array(rows.length * n).fill(NaN));
      for (let i = 0; i < rows.length; i++) {
        expect(Array.from(out.subarray(i * n, (i + 1) * n))).toEqual(Array.from(dense.subarray(rows[i]! * n, (rows[i]! + 1) * n)));
      }
      expect(Array.from(rowRange(sparse, n, 1, 3))).toEqual(Array.from(dense.subarray(n, 3 * n)));
      expect(rowRange(dense, n, 1, 3)).toEqual(dense.subarray(n, 3 * n));
    }
    expect(() => denseRows(scaleSparse(logged), [0, 1], new Float32Array(logged.nCols))).toThrow(/2 rows need/);
  });
});
