/**
 * The h5ad files of ../shared/data/formats (written by anndata 0.8.0), checked against what anndata
 * itself reads from them (shape, nnz, total, names, label counts).
 */
import { describe, expect, it } from "vitest";
import { readDataset, readH5ad } from "./index.ts";
import { sameCsr } from "./testFiles.ts";
import { sharedData } from "../test-support/sharedData.ts";

const FORMATS = sharedData("formats") + "/";

const tally = (labels: string[] | undefined) => {
  const counts: Record<string, number> = {};
  for (const l of labels ?? []) counts[l] = (counts[l] ?? 0) + 1;
  return counts;
};
const total = (data: Float32Array) => data.reduce((s, v) => s + v, 0);

describe("shared h5ad files", () => {
  it("reads CSR h5ad with categorical obs (CellBench_sc_celseq2.h5ad)", async () => {
    const path = FORMATS + "CellBench_sc_celseq2.h5ad";
    const d = await readDataset(path);
    expect([d.counts.nRows, d.counts.nCols]).toEqual([274, 28204]);
    expect(d.counts.data.length).toBe(1954979);
    expect(total(d.counts.data)).toBe(10321416);
    expect(d.cells.slice(0, 2)).toEqual(["A1", "A10"]);
    expect(d.genes.slice(0, 2)).toEqual(["ENSG00000281131", "ENSG00000227456"]);
    expect(d.labelKey).toBe("obs/cell_type");
    expect(d.labels!.slice(0, 3)).toEqual(["H1975", "H2228", "HCC827"]);
    expect(tally(d.labels)).toEqual({ H1975: 112, H2228: 81, HCC827: 81 });
    expect(Array.from(d.counts.indices.subarray(0, 3))).toEqual([7953, 8009, 8012]);
    expect(d.warnings).toBeUndefined();
    const byDemuxlet = await readH5ad(path, { labelKey: "demuxlet_cls", entriesPerBlock: 100_000 });
    expect(tally(byDemuxlet.labels)).toEqual({ SNG: 240, DBL: 34 });
    expect(sameCsr(byDemuxlet.counts, d.counts)).toBe(true);
  });

  it("reads dense h5ad X in row blocks (10X_PBMC_top2000_dense.h5ad)", async () => {
    const d = await readDataset(FORMATS + "10X_PBMC_top2000_dense.h5ad", { rowsPerBlock: 500 });
    expect([d.counts.nRows, d.counts.nCols]).toEqual([4271, 2000]);
    expect(d.counts.data.length).toBe(870065);
    expect(total(d.counts.data)).toBe(4547560);
    expect(d.cells.slice(0, 2)).toEqual(["cell0", "cell1"]);
    expect(d.genes.at(-1)).toBe("gene1999");
    expect(tally(d.labels)).toEqual({ type_1: 1292, type_2: 702, type_3: 606, type_4: 459, type_5: 450, type_6: 332, type_7: 295, type_8: 135 });
    expect(d.labels!.slice(0, 3)).toEqual(["type_2", "type_2", "type_2"]);
    expect(Array.from(d.counts.indices.subarray(0, 3))).toEqual([1, 11, 40]);
    expect(Array.from(d.counts.data.subarray(0, 3))).toEqual([1, 1, 2]);
  });
});
