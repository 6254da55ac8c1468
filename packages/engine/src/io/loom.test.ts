/** Loom files written here with h5wasm in loompy's layout: genes × cells matrix, row_attrs, col_attrs, layers. */
import { afterAll, describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { csrToDense } from "../pp/csr.ts";
import { readDataset, readLoom } from "./index.ts";
import { makeTempDir, writeH5, type H5Entry } from "./testFiles.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
let fileNo = 0;

/** 3 genes × 2 cells on disk; cells × genes [[1, 0, 2], [0, 3, 0]]. */
const loom = (extra: H5Entry[] = [], matrix = new Float32Array([1, 0, 0, 3, 2, 0])) =>
  writeH5(tmp.path(`f${fileNo++}.loom`), [
    { name: "matrix", data: matrix, shape: [3, 2], chunks: [2, 2], gzip: true },
    { name: "row_attrs", group: true },
    { name: "row_attrs/Gene", data: ["CD3E", "MS4A1", "LYZ"] },
    { name: "col_attrs", group: true },
    { name: "col_attrs/CellID", data: ["AAAC", "AAAG"] },
    { name: "col_attrs/ClusterName", data: ["T", "B"] },
    { name: "col_attrs/n_genes", data: new Int32Array([2, 1]) },
    { name: "layers", group: true },
    ...extra,
  ]);

describe("loom", () => {
  it("reads the genes × cells matrix as cells × genes with names and ClusterName labels", async () => {
    const d = await readDataset(await loom());
    expect(Array.from(csrToDense(d.counts))).toEqual([1, 0, 2, 0, 3, 0]);
    expect(d.genes).toEqual(["CD3E", "MS4A1", "LYZ"]);
    expect(d.cells).toEqual(["AAAC", "AAAG"]);
    expect(d.labels).toEqual(["T", "B"]);
    expect(d.labelKey).toBe("col_attrs/ClusterName");
  });

  it("reads a layer and any col_attrs entry as labels on request", async () => {
    const p = await loom([{ name: "layers/spliced", data: new Int32Array([0, 1, 1, 0, 0, 4]), shape: [3, 2] }]);
    const d = await readLoom(p, { matrix: "layers/spliced", labelKey: "n_genes", rowsPerBlock: 1 });
    expect(Array.from(csrToDense(d.counts))).toEqual([0, 1, 0, 1, 0, 4]);
    expect(d.labels).toEqual(["2", "1"]);
  });

  it("errors name the element: attribute lengths, bad values with gene/cell positions, missing label key", async () => {
    const bad = await loom([], new Float32Array([1, 0, 0, -3, 2, 0]));
    await expect(readDataset(bad)).rejects.toThrow(new InputError("matrix has 1 negative value (first at gene 1, cell 1: -3); expected non-negative counts", bad));
    const short = await loom([{ name: "col_attrs/cell_type", data: ["T"] }]);
    await expect(readDataset(short)).rejects.toThrow(new InputError("col_attrs/cell_type has 1 values for 2 cells", short));
    const ok = await loom();
    await expect(readLoom(ok, { labelKey: "tissue" })).rejects.toThrow(new InputError("no col_attrs/tissue for labels (found: CellID, ClusterName, n_genes)", ok));
  });
});
