import { pp } from "@scfnccl/engine";
import { describe, expect, it } from "vitest";
import { datasetQc, distribution } from "./qc.ts";

describe("dataset QC", () => {
  it("counts total counts and detected genes per cell", () => {
    // 3 cells × 4 genes.
    const m = pp.csrFromDense([1, 0, 2, 0, 0, 0, 0, 5, 3, 3, 3, 3], 3, 4);
    const qc = datasetQc(m);
    expect(qc.countsPerCell).toMatchObject({ min: 3, max: 12, median: 5, mean: 20 / 3 });
    expect(qc.genesPerCell).toMatchObject({ min: 1, max: 4, median: 2 });
    expect(qc.countsPerCell.histogram.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it("interpolates quartiles as numpy and puts the maximum in the last bin", () => {
    const d = distribution(Float64Array.from([1, 2, 3, 4, 10]), 3);
    expect([d.q1, d.median, d.q3]).toEqual([2, 3, 4]);
    expect(d.histogram.binEdges).toEqual([1, 4, 7, 10]);
    expect(d.histogram.counts).toEqual([3, 1, 1]);
  });

  it("gives one bin when every cell is alike", () => {
    expect(distribution(Float64Array.from([7, 7, 7])).histogram).toEqual({ binEdges: [7, 8], counts: [3] });
  });
});
