import { describe, expect, it } from "vitest";
import { csrFromDense } from "./csr.ts";
import { highlyVariableGenes } from "./highlyVariableGenes.ts";
import { log1p } from "./log1p.ts";
import { normalizeTotal } from "./normalizeTotal.ts";
import { pandasCut } from "./pandasCut.ts";
import { expectClose, intArray, loadGolden, num, numberArray, smallCounts } from "./__golden__/golden.ts";

const small = loadGolden("small.json");
const smallLogged = log1p(normalizeTotal(smallCounts(small)).matrix);

describe("highlyVariableGenes seurat", () => {
  it("computes scanpy's means, dispersions and normalised dispersions", () => {
    const hvg = highlyVariableGenes(smallLogged, { nTopGenes: num(small, "hvgSeurat", "nTopGenes") });
    expectClose(hvg.means, numberArray(small, "hvgSeurat", "means"), { rel: 1e-6 });
    expectClose(hvg.dispersions, numberArray(small, "hvgSeurat", "dispersions"), { rel: 1e-6, abs: 1e-6 });
    expectClose(hvg.dispersionsNorm, numberArray(small, "hvgSeurat", "dispersionsNorm"), { rel: 1e-5, abs: 1e-5 });
    expect(Array.from(hvg.selected)).toEqual(intArray(small, "hvgSeurat", "selected"));
    expect(hvg.highlyVariable.reduce((a, b) => a + b, 0)).toBe(hvg.selected.length);
  });

  it("keeps every gene with a finite dispersion when nTopGenes exceeds the gene count", () => {
    const hvg = highlyVariableGenes(smallLogged, { nTopGenes: 10_000 });
    expect(Array.from(hvg.selected)).toEqual(intArray(small, "hvgSeuratAll", "selected"));
    // All-zero genes have no dispersion and stay out.
    for (const g of [5, 17, 60]) {
      expect(hvg.highlyVariable[g]).toBe(0);
      expect(hvg.dispersionsNorm[g]).toBeNaN();
    }
    expect(hvg.means[5]).toBeCloseTo(1e-12, 20);
  });

  it("without nTopGenes applies scanpy's mean and dispersion cutoffs", () => {
    expect(Array.from(highlyVariableGenes(smallLogged).selected)).toEqual(intArray(small, "hvgSeuratCutoffs", "selected"));
  });

  it("takes log(var/mean) of expm1(data) with the unbiased variance, and log1p of the mean", () => {
    // expm1 gives gene 0 the values 0, 2 (mean 1, var 2) and gene 1 the values 1, 3 (mean 2, var 2).
    const m = csrFromDense([0, Math.log1p(1), Math.log1p(2), Math.log1p(3)], 2, 2);
    const hvg = highlyVariableGenes(m, { nTopGenes: 1 });
    expect(hvg.means[0]).toBeCloseTo(Math.log(2), 6);
    expect(hvg.means[1]).toBeCloseTo(Math.log(3), 6);
    expect(hvg.dispersions[0]).toBeCloseTo(Math.log(2), 6);
    // var/mean = 1: its log is 0, which is a dispersion; only var/mean = 0 becomes NaN.
    expect(hvg.dispersions[1]).toBeCloseTo(0, 6);
  });

  it("gives a gene alone in its mean bin a normalised dispersion of 1", () => {
    // Gene 100 is scaled ×40 in the golden matrix, so it sits alone in the top bin.
    const hvg = highlyVariableGenes(smallLogged, { nTopGenes: 30 });
    expect(hvg.dispersionsNorm[100]).toBe(1);
  });
});

describe("highlyVariableGenes seurat_v3", () => {
  it("computes scanpy's seurat_v3 normalised variances and top genes", () => {
    const hvg = highlyVariableGenes(smallCounts(small), { flavor: "seurat_v3", nTopGenes: num(small, "hvgSeuratV3", "nTopGenes") });
    expectClose(hvg.means, numberArray(small, "hvgSeuratV3", "means"), { rel: 1e-12 });
    expectClose(hvg.variances, numberArray(small, "hvgSeuratV3", "variances"), { rel: 1e-10 });
    expectClose(hvg.variancesNorm, numberArray(small, "hvgSeuratV3", "variancesNorm"), { rel: 1e-8 });
    expect(Array.from(hvg.selected)).toEqual(intArray(small, "hvgSeuratV3", "selected"));
  });
});

describe("pandasCut", () => {
  it("puts a value on an inner edge in the lower bin (right-closed), as pandas.cut", () => {
    // Edges: [0 − 0.004, 1, 2, 3, 4]; 1, 2 and 3 sit exactly on edges.
    expect(Array.from(pandasCut([0, 1, 1.5, 2, 3, 4], 4))).toEqual([0, 0, 1, 1, 2, 3]);
  });

  it("keeps the minimum in the first bin through the 0.1% lowered edge", () => {
    expect(Array.from(pandasCut([-5, 5], 10))).toEqual([0, 9]);
  });

  it("widens the range by 0.1% around a constant value", () => {
    // Edges: [4.995, 5, 5.005]: 5 is on the inner edge, so the lower bin.
    expect(Array.from(pandasCut([5, 5, 5], 2))).toEqual([0, 0, 0]);
    // Zero is widened by an absolute 0.001: edges [-0.001, -0.0003̅, 0.0003̅, 0.001].
    expect(Array.from(pandasCut([0, 0], 3))).toEqual([1, 1]);
  });

  it("leaves NaN out of every bin", () => {
    expect(Array.from(pandasCut([NaN, 1, 2], 2))).toEqual([-1, 0, 1]);
  });
});
