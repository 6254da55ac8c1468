import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createRng } from "../random.ts";
import { acc, ari, contingency, encodeLabels, evaluate, linearSumAssignment, nmi } from "./index.ts";

interface GoldenCase {
  name: string;
  labels: number[];
  pred: number[];
  acc: number;
  nmi: number;
  ari: number;
}
interface Golden {
  cases: GoldenCase[];
  labelEncoder: { values: string[]; codes: number[]; classes: string[] };
}
const golden = JSON.parse(readFileSync(new URL("./__golden__/metrics.json", import.meta.url), "utf8")) as Golden;

/** Total cost of an assignment. */
function total(cost: number[], cols: number, a: { rowInd: Int32Array; colInd: Int32Array }): number {
  let s = 0;
  for (let t = 0; t < a.rowInd.length; t++) s += cost[a.rowInd[t]! * cols + a.colInd[t]!]!;
  return s;
}

/** Minimum total cost over every injective map of the smaller side into the larger, by brute force. */
function bruteForceMin(cost: number[], rows: number, cols: number): number {
  const tall = rows > cols;
  const n = tall ? cols : rows;
  const m = tall ? rows : cols;
  const at = (i: number, j: number) => (tall ? cost[j * cols + i]! : cost[i * cols + j]!);
  const used = new Array<boolean>(m).fill(false);
  let best = Infinity;
  const go = (i: number, s: number): void => {
    if (i === n) {
      best = Math.min(best, s);
      return;
    }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, s + at(i, j));
      used[j] = false;
    }
  };
  go(0, 0);
  return best;
}

describe("linearSumAssignment", () => {
  it("solves a hand-worked 3×3 problem like scipy", () => {
    const cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
    const a = linearSumAssignment(cost, 3, 3);
    expect([...a.rowInd]).toEqual([0, 1, 2]);
    expect([...a.colInd]).toEqual([1, 0, 2]);
    expect(total(cost, 3, a)).toBe(5);
  });

  it("maximises when asked", () => {
    const cost = [4, 1, 3, 2, 0, 5, 3, 2, 2];
    const a = linearSumAssignment(cost, 3, 3, true);
    expect(total(cost, 3, a)).toBe(11); // 4 + 5 + 2
    expect([...a.colInd]).toEqual([0, 2, 1]);
  });

  it("assigns every row of a wide matrix to distinct columns", () => {
    const cost = [1, 2, 3, 3, 2, 1];
    const a = linearSumAssignment(cost, 2, 3);
    expect([...a.rowInd]).toEqual([0, 1]);
    expect([...a.colInd]).toEqual([0, 2]);
  });

  it("assigns every column of a tall matrix, rows ascending", () => {
    // 3 rows × 2 columns: best is row 2 → col 0 (0), row 0 → col 1 (1).
    const cost = [5, 1, 4, 4, 0, 6];
    const a = linearSumAssignment(cost, 3, 2);
    expect([...a.rowInd]).toEqual([0, 2]);
    expect([...a.colInd]).toEqual([1, 0]);
  });

  it("handles empty and 1×1 problems", () => {
    expect(linearSumAssignment([], 0, 0).rowInd.length).toBe(0);
    expect(linearSumAssignment([], 0, 3).rowInd.length).toBe(0);
    const a = linearSumAssignment([-7], 1, 1);
    expect([...a.rowInd, ...a.colInd]).toEqual([0, 0]);
  });

  it("finds the optimum on random rectangular matrices (brute force check)", () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const rows = 1 + rng.int(6);
      const cols = 1 + rng.int(6);
      // Small integer costs make ties common, which stresses the augmenting-path bookkeeping.
      const cost = Array.from({ length: rows * cols }, () => rng.int(5) - 2);
      const a = linearSumAssignment(cost, rows, cols);
      expect(a.rowInd.length).toBe(Math.min(rows, cols));
      expect(new Set(a.rowInd).size).toBe(a.rowInd.length);
      expect(new Set(a.colInd).size).toBe(a.colInd.length);
      expect(total(cost, cols, a)).toBe(bruteForceMin(cost, rows, cols));
    }
  });

  it("rejects a cost array of the wrong size or non-finite costs", () => {
    expect(() => linearSumAssignment([1, 2, 3], 2, 2)).toThrow(/rows × cols/);
    expect(() => linearSumAssignment([1, NaN], 1, 2)).toThrow(/finite/);
  });
});

describe("acc", () => {
  it("is 1 for a relabelled perfect clustering", () => {
    expect(acc([0, 0, 1, 1, 2, 2], [1, 1, 0, 0, 2, 2])).toBe(1);
    expect(acc([5, 5, -1, -1], [30, 30, 7, 7])).toBe(1);
  });

  it("with fewer clusters than labels, the unmatched label counts as wrong", () => {
    // Contingency rows (labels) × cols (pred): [[2,0],[2,0],[0,2]] → best 2 + 2.
    expect(acc([0, 0, 1, 1, 2, 2], [0, 0, 0, 0, 1, 1])).toBeCloseTo(4 / 6, 15);
  });

  it("with more clusters than labels, the extra clusters count as wrong", () => {
    expect(acc([0, 0, 1, 1, 2, 2], [0, 1, 2, 3, 4, 5])).toBe(0.5);
    expect(acc([0, 0, 0, 1, 1, 1], [0, 0, 1, 2, 2, 3])).toBeCloseTo(4 / 6, 15);
  });

  it("uses a one-to-one map, not a majority vote", () => {
    // Both clusters are mostly label 0, but only one of them may map to it.
    expect(acc([0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1])).toBeCloseTo(5 / 6, 15);
  });
});

describe("metrics match sklearn", () => {
  for (const c of golden.cases) {
    it(`acc, nmi and ari match sklearn/scipy on ${c.name}`, () => {
      const y = Int32Array.from(c.labels);
      const p = Float64Array.from(c.pred);
      expect(Math.abs(acc(y, p) - c.acc)).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(nmi(y, p) - c.nmi)).toBeLessThanOrEqual(1e-10);
      expect(Math.abs(ari(y, p) - c.ari)).toBeLessThanOrEqual(1e-10);
      const e = evaluate(c.labels, c.pred);
      expect(Math.abs(e.acc - c.acc) + Math.abs(e.nmi - c.nmi) + Math.abs(e.ari - c.ari)).toBeLessThanOrEqual(3e-10);
    });
  }

  it("golden set covers unbalanced, identical and one-cluster labelings", () => {
    expect(golden.cases.length).toBeGreaterThanOrEqual(12);
  });
});

describe("metric edge cases", () => {
  it("nmi and ari are 1 when both labelings are a single cluster or empty", () => {
    expect(nmi([1, 1, 1], [4, 4, 4])).toBe(1);
    expect(ari([1, 1, 1], [4, 4, 4])).toBe(1);
    expect(nmi([], [])).toBe(1);
    expect(ari([], [])).toBe(1);
    expect(acc([], [])).toBe(1);
  });

  it("nmi and ari are 0 when only one side is a single cluster", () => {
    expect(nmi([0, 1, 2, 3], [0, 0, 0, 0])).toBe(0);
    expect(ari([0, 1, 2, 3], [0, 0, 0, 0])).toBe(0);
    expect(nmi([0, 0, 0, 0], [0, 1, 0, 1])).toBe(0);
  });

  it("ari is symmetric and can be negative", () => {
    const a = [0, 0, 1, 1];
    const b = [0, 1, 0, 1];
    expect(ari(a, b)).toBeLessThan(0);
    expect(ari(a, b)).toBe(ari(b, a));
  });

  it("every metric rejects labelings of different lengths with a clear error", () => {
    for (const f of [acc, nmi, ari, evaluate, contingency]) {
      expect(() => f([0, 1, 2], [0, 1])).toThrow(/same length \(got 3 and 2\)/);
    }
  });

  it("rejects non-finite label values", () => {
    expect(() => nmi([0, NaN], [0, 1])).toThrow(/finite/);
  });
});

describe("contingency", () => {
  it("tabulates sorted distinct values of arbitrary codes", () => {
    const c = contingency([10, -2, 10, 10, 3], [1, 1, 0, 0, 0]);
    expect(c.rowClasses).toEqual([-2, 3, 10]);
    expect(c.colClasses).toEqual([0, 1]);
    expect([c.rows, c.cols]).toEqual([3, 2]);
    expect([...c.counts]).toEqual([0, 1, 1, 0, 2, 1]);
    expect([...c.rowIndex]).toEqual([2, 0, 2, 2, 1]);
    expect([...c.colIndex]).toEqual([1, 1, 0, 0, 0]);
  });
});

describe("encodeLabels", () => {
  it("sorts string classes like sklearn LabelEncoder", () => {
    const g = golden.labelEncoder;
    const e = encodeLabels(g.values);
    expect(e.classes).toEqual(g.classes);
    expect([...e.codes]).toEqual(g.codes);
  });

  it("sorts numeric classes numerically", () => {
    const e = encodeLabels([10, 9, 100, 9, -1]);
    expect(e.classes).toEqual(["-1", "9", "10", "100"]);
    expect([...e.codes]).toEqual([2, 1, 3, 1, 0]);
  });

  it("orders astral-plane characters after the rest of the BMP, by code point", () => {
    const e = encodeLabels(["\u{1F600}", "\uFF21"]);
    expect(e.classes).toEqual(["\uFF21", "\u{1F600}"]);
  });
});

describe("unlabelled cells", () => {
  it("are no class of their own and are left out of every score", async () => {
    const { encodeKnownLabels, evaluateLabelled } = await import("./index.ts");
    const enc = encodeKnownLabels(["T", "", "B", "T", ""]);
    expect(enc.classes).toEqual(["B", "T"]);
    expect(Array.from(enc.codes)).toEqual([1, -1, 0, 1, -1]);
    // The unlabelled cells sit in a cluster of their own; the labelled ones are clustered perfectly.
    expect(evaluateLabelled(enc.codes, [0, 2, 1, 0, 2])).toEqual({ acc: 1, nmi: 1, ari: 1 });
  });
});
