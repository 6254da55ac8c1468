import { describe, expect, it } from "vitest";
import { cellsOfCategory, clusterComposition, complement, groupStats, selectedCells } from "./selection";

const cluster = new Int32Array([0, 1, 1, 2, 0]);

describe("shared selection", () => {
  it("covers a cluster's cells when a cluster is selected, wherever it was selected", () => {
    expect(selectedCells({ kind: "cluster", index: 1 }, cluster)).toEqual([1, 2]);
  });
  it("covers exactly the picked cells for a lasso or a saved set", () => {
    expect(selectedCells({ kind: "cells", cells: [4, 0], name: "lasso" }, cluster)).toEqual([4, 0]);
    expect(selectedCells({ kind: "set", id: "s", name: "T", cells: [3] }, cluster)).toEqual([3]);
    expect(selectedCells(null, cluster)).toBeNull();
  });
  it("finds a legend category's cells and a selection's composition by cluster", () => {
    expect(cellsOfCategory([2, -1, 2], 2)).toEqual([0, 2]);
    expect(clusterComposition([0, 1, 2, 4], cluster)).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });
});

describe("cell-set comparison statistics", () => {
  it("gives each group's mean and fraction expressing per gene", () => {
    const gene = [0, 2, 4, 0, 0];
    const s = groupStats([gene], [[1, 2], complement([1, 2], 5)]);
    expect(s.mean).toEqual([[3], [0]]);
    expect(s.fraction).toEqual([[1], [0]]);
  });
  it("takes the rest as every cell not in the set", () => {
    expect(complement([1, 3], 5)).toEqual([0, 2, 4]);
  });
});
