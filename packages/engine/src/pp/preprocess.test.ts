import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { csrFromDense, type CsrMatrix } from "./csr.ts";
import { preprocess } from "./preprocess.ts";
import { expectClose, intArray, loadGolden, num, numberArray, smallCounts } from "./__golden__/golden.ts";

const small = loadGolden("small.json");

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}

/** 20 cells × 50 genes of small positive counts with the given entries overwritten. */
function countsWith(overrides: [cell: number, gene: number, value: number][]): CsrMatrix {
  const dense = Array.from({ length: 20 * 50 }, (_, i) => ((i * 37) % 7) + ((i * 11) % 3));
  for (const [c, g, v] of overrides) dense[c * 50 + g] = v;
  return csrFromDense(dense, 20, 50);
}

describe("preprocess", () => {
  it("matches the reference pipeline on the small golden matrix (empty cell dropped)", () => {
    const out = preprocess(smallCounts(small), { nTopGenes: num(small, "preprocess", "nTopGenes"), emptyCells: "drop" });
    expect(Array.from(out.keptCells)).toEqual(intArray(small, "preprocess", "keptCells"));
    expect(Array.from(out.keptGenes)).toEqual(intArray(small, "preprocess", "keptGenes"));
    expect(out.nCells).toBe(out.keptCells.length);
    expect(out.nGenes).toBe(out.keptGenes.length);
    expectClose(out.x, numberArray(small, "preprocess", "x"), { rel: 1e-5, abs: 1e-5 });
  });

  it("rounds non-integer counts up, as the reference does", () => {
    const integer = countsWith([[3, 4, 2], [5, 9, 1]]);
    const fractional = countsWith([[3, 4, 1.2], [5, 9, 0.01]]);
    const a = preprocess(integer, { nTopGenes: 10 });
    const b = preprocess(fractional, { nTopGenes: 10 });
    expect(Array.from(b.keptGenes)).toEqual(Array.from(a.keptGenes));
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    // The input is not modified.
    expect(fractional.data).toContain(Math.fround(1.2));
  });

  it("rejects negative counts, naming how many and where the first is", () => {
    const m = countsWith([[12, 40, -1], [15, 2, -3], [19, 0, -0.5]]);
    const e = errorOf(() => preprocess(m, { file: "counts.h5" }));
    expect(e.problem).toBe("counts contain 3 negative values (first at cell 12, gene 40)");
    expect(e.message).toBe("counts.h5: counts contain 3 negative values (first at cell 12, gene 40)");
  });

  it("rejects NaN and infinite counts", () => {
    const e = errorOf(() => preprocess(countsWith([[2, 7, NaN], [4, 1, Infinity], [9, 9, -1]])));
    expect(e.problem).toBe("counts contain 2 values that are NaN or infinite (first at cell 2, gene 7)");
    expect(e.file).toBeUndefined();
  });

  it("rejects cells without counts unless asked to drop them", () => {
    const empties: [number, number, number][] = [];
    for (let g = 0; g < 50; g++) empties.push([6, g, 0], [11, g, 0]);
    const m = countsWith(empties);
    const e = errorOf(() => preprocess(m, { file: "x.csv" }));
    expect(e.message).toBe("x.csv: 2 cells have no counts (first: cell index 6)");
    const out = preprocess(m, { emptyCells: "drop", nTopGenes: 10 });
    expect(out.nCells).toBe(18);
    expect(Array.from(out.keptCells)).not.toContain(6);
    expect(Array.from(out.keptCells)).not.toContain(11);
  });

  it("drops genes without counts and never returns more genes than asked for without ties", () => {
    const zeroGene: [number, number, number][] = Array.from({ length: 20 }, (_, c) => [c, 3, 0]);
    const out = preprocess(countsWith(zeroGene), { nTopGenes: 5000 });
    expect(Array.from(out.keptGenes)).not.toContain(3);
    expect(out.x.length).toBe(out.nCells * out.nGenes);
  });

  it("rejects counts where no gene varies, since no gene can be selected", () => {
    const e = errorOf(() => preprocess(csrFromDense([1, 2, 1, 2, 1, 2], 3, 2)));
    expect(e.problem).toMatch(/no gene varies/);
  });

  it("rejects fewer than two cells with counts", () => {
    const e = errorOf(() => preprocess(csrFromDense([1, 2, 0, 0], 2, 2), { emptyCells: "drop" }));
    expect(e.problem).toBe("need at least 2 cells with counts, found 1");
  });
});
