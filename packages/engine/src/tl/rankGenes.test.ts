import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { readDataset } from "../io/readDataset.ts";
import { csrFromDense, csrSubset, type CsrMatrix } from "../pp/csr.ts";
import { log1p } from "../pp/log1p.ts";
import { normalizeTotal } from "../pp/normalizeTotal.ts";
import { passesMarkerFilter, rankGenes, checkMarkerFilter } from "./rankGenes.ts";
import { benjaminiHochberg, benjaminiHochbergLog10, erfc, logErfc, normalTwoSidedLog10, studentTTwoSided } from "./stats.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA = sharedData() + "/";
interface GoldenGroup {
  label: string;
  n: number;
  wilcoxonZ: number[];
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
  let allGenes: CsrMatrix;
  let groupOf: Int32Array;
  beforeAll(async () => {
    const data = await readDataset(`${DATA}${golden.file}`);
    const logged = log1p(normalizeTotal(data.counts, { targetSum: 1e4 }).matrix);
    allGenes = logged;
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

  it("scores are mannwhitneyu's z (the statistic genes are ranked by) to 1e-6 relative where scipy's p does not underflow", () => {
    const res = rankGenes(x, groupOf, { method: "wilcoxon" });
    res.forEach((r, s) => {
      const g = golden.groups[s]!;
      const kept = g.wilcoxonP.map((p, j) => [p, j] as const).filter(([p]) => p > 1e-300 && p < 0.999);
      expect(kept.length).toBeGreaterThan(100);
      expectRel(
        kept.map(([, j]) => r.scores[j]!),
        kept.map(([, j]) => g.wilcoxonZ[j]!),
        1e-6,
      );
    });
  });

  it("log10 p-values agree with log10 of scipy's p, and stay finite where p underflows to 0", () => {
    const res = rankGenes(x, groupOf, { method: "wilcoxon" });
    let underflowed = 0;
    res.forEach((r, s) => {
      const g = golden.groups[s]!;
      g.wilcoxonP.forEach((p, j) => {
        if (p > 1e-300) expect(Math.abs(r.log10Pvals[j]! - Math.log10(p))).toBeLessThan(1e-6 * Math.max(1, Math.abs(Math.log10(p))));
        else {
          underflowed++;
          expect(r.log10Pvals[j]!).toBeLessThan(-300);
          expect(Number.isFinite(r.log10Pvals[j]!)).toBe(true);
        }
      });
    });
    expect(underflowed).toBeGreaterThan(0);
  });

  it("the default display filter drops genes expressed in most cells of the rest (the PBMC top genes expressed everywhere)", () => {
    const res = rankGenes(allGenes, groupOf, { method: "wilcoxon" });
    let everywhere = 0;
    for (const r of res) {
      const all = Array.from(r.order, (j) => ({ j, pctIn: r.pctIn[j]!, pctOut: r.pctOut[j]!, logFoldChange: r.logFoldChanges[j]! }));
      // The walkthrough's fault: unfiltered, genes in ~every cell of the group and of the rest rank among the first 3.
      everywhere += all.slice(0, 3).filter((m) => m.pctOut > 0.9 && m.pctIn > 0.9).length;
      const shown = all.filter((m) => passesMarkerFilter(m));
      for (const m of shown) {
        expect(m.pctIn).toBeGreaterThanOrEqual(0.25);
        expect(m.pctOut).toBeLessThanOrEqual(0.5);
        expect(2 ** m.logFoldChange).toBeGreaterThanOrEqual(2);
      }
      expect(shown.every((m) => !(m.pctOut > 0.9))).toBe(true);
    }
    expect(everywhere).toBeGreaterThan(0);
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

describe("marker filter", () => {
  it("keeps scanpy's defaults 0.25 / 0.5 / 2 and checks its bounds", () => {
    expect(passesMarkerFilter({ pctIn: 1, pctOut: 1, logFoldChange: 5 })).toBe(false);
    expect(passesMarkerFilter({ pctIn: 0.25, pctOut: 0.5, logFoldChange: 1 })).toBe(true);
    expect(passesMarkerFilter({ pctIn: 0.24, pctOut: 0.1, logFoldChange: 3 })).toBe(false);
    expect(passesMarkerFilter({ pctIn: 0.9, pctOut: 0.1, logFoldChange: 0.9 })).toBe(false);
    expect(passesMarkerFilter({ pctIn: 0.9, pctOut: 0.6, logFoldChange: 3 }, { maxOutGroupFraction: 0.7 })).toBe(true);
    expect(() => checkMarkerFilter({ minInGroupFraction: 1.5 })).toThrow("minInGroupFraction must be a fraction between 0 and 1 (got 1.5)");
    expect(() => checkMarkerFilter({ minFoldChange: 0 })).toThrow("minFoldChange must be a number > 0 (got 0)");
  });
});

describe("stats", () => {
  it("log erfc and log10 p continue past the underflow of erfc (reference: mpmath)", () => {
    expect(Math.abs(logErfc(25) - Math.log(8.300172571196522e-274))).toBeLessThan(1e-10);
    // log10(erfc(40/√2)) = log10 of the two-sided p of z = 40: -349.13597646 (mpmath).
    expect(normalTwoSidedLog10(40)).toBeCloseTo(-349.135976463681, 9);
    const adj = benjaminiHochbergLog10([Math.log10(0.01), Math.log10(0.04), Math.log10(0.03), Math.log10(0.9)]);
    expect(Array.from(adj, (v) => 10 ** v).map((v) => +v.toFixed(12))).toEqual([0.04, 0.053333333333, 0.053333333333, 0.9]);
  });

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
