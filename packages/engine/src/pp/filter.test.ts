import { describe, expect, it } from "vitest";
import { csrFromDense, csrToDense, type CsrMatrix } from "./csr.ts";
import { filterCells } from "./filterCells.ts";
import { filterGenes } from "./filterGenes.ts";
import { intArray, loadGolden, smallCounts } from "./__golden__/golden.ts";

const golden = loadGolden("small.json");
const counts = smallCounts(golden);

// 3 cells × 4 genes; gene 3 holds an explicitly stored zero in cell 0.
function withStoredZero(): CsrMatrix {
  return {
    nRows: 3,
    nCols: 4,
    indptr: Float64Array.from([0, 3, 4, 6]),
    indices: Int32Array.from([0, 1, 3, 1, 1, 2]),
    data: Float32Array.from([2, 1, 0, 5, 1, 4]),
  };
}

describe("filterGenes", () => {
  it("keeps the genes scanpy's filter_genes keeps (min_cells and min_counts)", () => {
    expect(Array.from(filterGenes(counts, { minCells: 3 }).kept)).toEqual(intArray(golden, "filterGenes", "minCells3"));
    expect(Array.from(filterGenes(counts, { minCounts: 15 }).kept)).toEqual(intArray(golden, "filterGenes", "minCounts15"));
  });

  it("does not count a stored zero as an expressing cell", () => {
    const { matrix, kept } = filterGenes(withStoredZero(), { minCells: 1 });
    expect(Array.from(kept)).toEqual([0, 1, 2]);
    expect(Array.from(csrToDense(matrix))).toEqual([2, 1, 0, 0, 5, 0, 0, 1, 4]);
  });

  it("shares data and indptr when the dropped genes hold no stored value, and copies otherwise", () => {
    // Genes 1 and 3 are never stored; gene 2 is stored once.
    const m: CsrMatrix = { nRows: 2, nCols: 4, indptr: Float64Array.from([0, 1, 3]), indices: Int32Array.from([0, 0, 2]), data: Float32Array.from([3, 1, 2]) };
    const shared = filterGenes(m, { minCounts: 1 });
    expect(Array.from(shared.kept)).toEqual([0, 2]);
    expect(shared.matrix.data).toBe(m.data);
    expect(shared.matrix.indptr).toBe(m.indptr);
    expect(Array.from(shared.matrix.indices)).toEqual([0, 0, 1]);
    expect(Array.from(csrToDense(shared.matrix))).toEqual([3, 0, 1, 2]);
    const copied = filterGenes(m, { minCounts: 3 });
    expect(Array.from(copied.kept)).toEqual([0]);
    expect(copied.matrix.data).not.toBe(m.data);
    expect(Array.from(csrToDense(copied.matrix))).toEqual([3, 1]);
  });

  it("requires every given criterion and keeps everything when none is given", () => {
    const m = csrFromDense([1, 9, 0, 1, 0, 0, 1, 0, 0], 3, 3);
    expect(Array.from(filterGenes(m, { minCells: 2, minCounts: 3 }).kept)).toEqual([0]);
    expect(Array.from(filterGenes(m, { minCells: 1, minCounts: 3 }).kept)).toEqual([0, 1]);
    expect(Array.from(filterGenes(m).kept)).toEqual([0, 1, 2]);
  });
});

describe("filterCells", () => {
  it("keeps the cells scanpy's filter_cells keeps (min_genes and min_counts)", () => {
    expect(Array.from(filterCells(counts, { minGenes: 40 }).kept)).toEqual(intArray(golden, "filterCells", "minGenes40"));
    expect(Array.from(filterCells(counts, { minCounts: 100 }).kept)).toEqual(intArray(golden, "filterCells", "minCounts100"));
  });

  it("returns the kept rows in order and leaves the input alone", () => {
    const m = withStoredZero();
    const before = Array.from(m.data);
    const { matrix, kept } = filterCells(m, { minGenes: 2 });
    // Cell 0 has 2 expressed genes (the stored zero does not count), cell 1 only 1.
    expect(Array.from(kept)).toEqual([0, 2]);
    expect(Array.from(csrToDense(matrix))).toEqual([2, 1, 0, 0, 0, 1, 4, 0]);
    expect(Array.from(m.data)).toEqual(before);
  });
});
