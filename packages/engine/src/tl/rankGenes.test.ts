import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { readDataset } from "../io/readDataset.ts";
import { csrFromDense, csrSubset, type CsrMatrix } from "../pp/csr.ts";
import { log1p } from "../pp/log1p.ts";
import { normalizeTotal } from "../pp/normalizeTotal.ts";
import { rankGenes } from "./rankGenes.ts";
import { benjaminiHochberg, erfc, studentTTwoSided } from "./stats.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA = sharedData() + "/";
interface GoldenGroup {
  label: string;
  n: number;
  wilcoxonP: number[];
  wilcoxonPAdj: number[];
  tScore: number[];
  tP: number[];
  tPAdj: number[];
  logFoldChange: number[];
  pctIn: number[];
  pctOut: number[];
}
const golden = JSON.parse(readFileSync(new URL("./__golden__/rankGenes.json", import.meta.url), "utf8")) as {
  file: string;
  nGenes: number;
  groups: GoldenGroup[];
};

/** |a − b| ≤ rel·|b|, with p-values below 1e-290 (subnormal range in scipy) compared absolutely. */
function expectRel(actual: ArrayLike<number>, expected: number[], rel: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((b, i) => {
    const a = actual[i]!;
    const err = Math.abs(b) < 1e-290 ? Math.abs(a - b) : Math.abs(a - b) / Math.abs(b);
    worst = Math.max(worst, err);
  });
  expect(worst).toBeLessThanOrEqual(rel);
}

describe("rankGenes on shared PBMC data agrees with scipy", () => {
  let x: CsrMatrix;
  let groupOf: Int32Array;
  beforeAll(async () => {
    const data = await readDataset(`${DATA}${golden.file}`);
    const logged = log1p(normalizeTotal(data.counts, { targetSum: 1e4 }).matrix);
    x = csrSubset(logged, null, Int32Array.from({ length: golden.nGenes }, (_, j) => j));
    groupOf = Int32Array.from(data.labels!, Number);
  });

  it("Wilcoxon p-values match mannwhitneyu(asymptotic, no continuity correction) to 1e-6 relative, BH-adjusted too", () => {
    const res = rankGenes(x, groupOf, { method: "wilcoxon" });
    expect(res.map((r) => String(r.group))).toEqual(golden.groups.map((g) => g.label));
    res.forEach((r, s) => {
      const g = golden.groups[s]!;
      expect(r.nCells).toBe(g.n);
      expectRel(r.pvals, g.wilcoxonP, 1e-6);
      expectRel(r.pvalsAdj, g.wilcoxonPAdj, 1e-6);
    });
  });

  it("Welch t-test statistics and p-values match ttest_ind(equal_var=False)", () => {
    const res = rankGenes(x, groupOf, { method: "t-test" });
    res.forEach((r, s) => {
      const g = golden.groups[s]!;
      expectRel(r.scores, g.tScore, 1e-6);
      expectRel(r.pvals, g.tP, 1e-6);
      expectRel(r.pvalsAdj, g.tPAdj, 1e-6);
    });
  });

  it("log fold changes and fractions expressing match scanpy's definitions, and genes are ordered by score", () => {
    const res = rankGenes(x, groupOf);
    res.forEach((r, s) => {
      const g = golden.groups[s]!;
      expectRel(r.logFoldChanges, g.logFoldChange, 1e-5);
      expectRel(r.pctIn, g.pctIn, 1e-12);
      expectRel(r.pctOut, g.pctOut, 1e-12);
      for (let t = 1; t < r.order.length; t++) expect(r.scores[r.order[t]!]!).toBeLessThanOrEqual(r.scores[r.order[t - 1]!]!);
    });
  });
});

describe("rankGenes edge cases", () => {
  it("gives score 0 and p = 1 for a gene that is constant everywhere", () => {
    const x = csrFromDense([0, 1, 0, 2, 0, 3, 0, 4], 4, 2);
    const [a] = rankGenes(x, [0, 0, 1, 1], { groups: [0] });
    expect(a!.scores[0]).toBe(0);
    expect(a!.pvals[0]).toBe(1);
    expect(a!.scores[1]!).toBeLessThan(0);
  });

  it("ranks negative values below the implicit zeros", () => {
    // Group 0 holds the two negative values: its rank sum is the lowest possible, 1 + 2.
    const x = csrFromDense([-2, -1, 0, 0, 0, 0], 6, 1);
    const [a] = rankGenes(x, [0, 0, 1, 1, 1, 1], { groups: [0], tieCorrect: false });
    const n1 = 2;
    const n2 = 4;
    const z = (3 - (n1 * 7) / 2) / Math.sqrt((n1 * n2 * 7) / 12);
    expect(a!.scores[0]).toBeCloseTo(z, 12);
  });

  it("rejects labels of the wrong length and a group that holds every cell", () => {
    const x = csrFromDense([1, 2, 3], 3, 1);
    expect(() => rankGenes(x, [0, 1])).toThrow(InputError);
    expect(() => rankGenes(x, [0, 0, 0])).toThrow(/no rest/);
  });
});

describe("stats", () => {
  it("erfc is accurate across the range, including far tails", () => {
    // Reference values: scipy.special.erfc.
    expect(Math.abs(erfc(0.5) / 0.4795001221869535 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(2.4) / 6.885138966450786e-4 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).toBeLessThan(1e-13);
    expect(Math.abs(erfc(25) / 8.300172571196522e-274 - 1)).toBeLessThan(1e-12);
  });

  it("Student's t two-sided p-values match known values", () => {
    expect(studentTTwoSided(2.0, 10)).toBeCloseTo(0.07338803477074, 12);
    expect(studentTTwoSided(0, 5)).toBe(1);
  });

  it("Benjamini–Hochberg keeps NaN and caps at 1", () => {
    const adj = benjaminiHochberg([0.01, 0.04, NaN, 0.03, 0.9]);
    expect(adj[0]).toBeCloseTo(0.04, 15);
    expect(adj[1]).toBeCloseTo(0.05333333333333334, 15);
    expect(Number.isNaN(adj[2]!)).toBe(true);
    expect(adj[3]).toBeCloseTo(0.05333333333333334, 15);
    expect(adj[4]).toBeCloseTo(0.9, 15);
  });
});
