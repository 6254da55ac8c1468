import { describe, expect, it } from "vitest";
import { csrFromDense, csrToDense } from "./csr.ts";
import { log1p } from "./log1p.ts";
import { normalizeTotal } from "./normalizeTotal.ts";
import { expectClose, loadGolden, numberArray, smallCounts } from "./__golden__/golden.ts";

const golden = loadGolden("small.json");
const counts = smallCounts(golden);

describe("normalizeTotal", () => {
  it("scales every cell to the median total of the non-empty cells, as scanpy's normalize_total", () => {
    const { matrix, sizeFactors } = normalizeTotal(counts);
    expectClose(sizeFactors, numberArray(golden, "normalizeTotal", "sizeFactors"), { rel: 1e-12 });
    expectClose(matrix.data, numberArray(golden, "normalizeTotal", "data"), { rel: 1e-7 });
  });

  it("scales every cell to targetSum when one is given", () => {
    const { matrix, sizeFactors } = normalizeTotal(counts, { targetSum: 1e4 });
    expectClose(sizeFactors, numberArray(golden, "normalizeTotal", "sizeFactors1e4"), { rel: 1e-12 });
    expectClose(matrix.data, numberArray(golden, "normalizeTotal", "data1e4"), { rel: 1e-7 });
  });

  it("leaves empty cells at zero and leaves them out of the median", () => {
    // Totals 4, 0, 2, 8, 6: the median of 2, 4, 6, 8 is 5.
    const m = csrFromDense([1, 3, 0, 0, 2, 0, 8, 0, 3, 3], 5, 2);
    const { matrix, sizeFactors } = normalizeTotal(m);
    expect(Array.from(sizeFactors)).toEqual([0.8, 0, 0.4, 1.6, 1.2]);
    expectClose(csrToDense(matrix), [1.25, 3.75, 0, 0, 5, 0, 5, 0, 2.5, 2.5], { rel: 1e-7 });
    expect(Array.from(m.data)).toEqual([1, 3, 2, 8, 3, 3]);
  });
});

describe("log1p", () => {
  it("matches numpy's log1p of the normalised data", () => {
    const logged = log1p(normalizeTotal(counts).matrix);
    expectClose(logged.data, numberArray(golden, "log1p", "data"), { rel: 1e-7 });
  });

  it("takes the natural log of one plus each stored value", () => {
    const m = log1p(csrFromDense([0, Math.E - 1, 1, 0], 2, 2));
    expectClose(csrToDense(m), [0, 1, Math.LN2, 0], { rel: 1e-7 });
  });
});
