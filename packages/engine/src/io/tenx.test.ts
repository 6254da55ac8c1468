/**
 * 10x Cell Ranger input: the shared v3 folder written by scipy's mmwrite, plus small v2/v3 folders and
 * HDF5 files written here (plain and gzip text, non-Gene-Expression features, per-genome v2 groups).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { csrToDense } from "../pp/csr.ts";
import { read10xH5, read10xMtx, readDataset } from "./index.ts";
import { inputErrorOf, makeTempDir, writeH5, type H5Entry } from "./testFiles.ts";
import { sharedData } from "../test-support/sharedData.ts";

const FORMATS = sharedData("formats") + "/";
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
let dirNo = 0;

/** 3 genes (plus one antibody in v3) × 2 cells. Dense cells × genes: [[1, 0, 2], [0, 3, 0]], antibody [5, 6]. */
function folder(files: Record<string, string>, gzip: boolean): string {
  const dir = tmp.path(`tenx-${dirNo++}`);
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(text) : text);
  return dir;
}
const MTX_V2 = "%%MatrixMarket matrix coordinate integer general\n%metadata_json: {}\n3 2 3\n1 1 1\n3 1 2\n2 2 3\n";
const MTX_V3 = "%%MatrixMarket matrix coordinate integer general\n4 2 5\n1 1 1\n3 1 2\n4 1 5\n2 2 3\n4 2 6\n";
const BARCODES = "AAAC-1\nAAAG-1\n";

const problem = inputErrorOf;

describe("10x matrix folders", () => {
  it("reads the shared v3 folder (CellBench_sc_dropseq_10x) with its labels.csv", async () => {
    const dir = FORMATS + "CellBench_sc_dropseq_10x";
    const d = await readDataset(dir);
    expect([d.counts.nRows, d.counts.nCols]).toEqual([225, 15127]);
    expect(d.counts.data.length).toBe(1290921);
    expect(d.counts.data.reduce((s, v) => s + v, 0)).toBe(5830998);
    expect(d.cells.slice(0, 2)).toEqual(["CELL_000001", "CELL_000002"]);
    expect(d.genes.slice(0, 2)).toEqual(["ENSG00000223849", "ENSG00000225355"]);
    expect(Array.from(d.counts.indices.subarray(0, 3))).toEqual([4, 5, 17]);
    expect(Array.from(d.counts.data.subarray(0, 3))).toEqual([4, 37, 3]);
    expect(d.labelKey).toBe("labels.csv:cell_type");
    const tally: Record<string, number> = {};
    for (const l of d.labels!) tally[l] = (tally[l] ?? 0) + 1;
    expect(tally).toEqual({ H1975: 86, HCC827: 70, H2228: 69 });
    expect((await read10xMtx(dir, { labelKey: "demuxlet_cls" })).labels!.filter((l) => l === "DBL")).toHaveLength(15);
  });

  it("reads v2 folders (genes.tsv, plain text) and v3 folders (gzip, features.tsv.gz), dropping non-Gene-Expression features", async () => {
    const v2 = folder({ "matrix.mtx": MTX_V2, "genes.tsv": "G1\tA\nG2\tB\nG3\tC\n", "barcodes.tsv": BARCODES }, false);
    const a = await readDataset(v2);
    expect(Array.from(csrToDense(a.counts))).toEqual([1, 0, 2, 0, 3, 0]);
    expect(a.genes).toEqual(["G1", "G2", "G3"]);
    expect(a.cells).toEqual(["AAAC-1", "AAAG-1"]);
    expect(a.warnings).toBeUndefined();
    const features = "G1\tA\tGene Expression\nG2\tB\tGene Expression\nG3\tC\tGene Expression\nCD3\tCD3_TotalSeqB\tAntibody Capture\n";
    const v3 = folder({ "matrix.mtx": MTX_V3, "features.tsv": features, "barcodes.tsv": BARCODES }, true);
    const b = await readDataset(v3);
    expect(Array.from(csrToDense(b.counts))).toEqual([1, 0, 2, 0, 3, 0]);
    expect(b.genes).toEqual(["G1", "G2", "G3"]);
    expect(b.warnings).toEqual(["dropped 1 feature that is not Gene Expression (Antibody Capture: 1)"]);
  });

  it("labels from a labels file given explicitly; a cell without a row or with an empty value is unlabelled, with a warning", async () => {
    const dir = folder({ "matrix.mtx": MTX_V2, "genes.tsv": "G1\tA\nG2\tB\nG3\tC\n", "barcodes.tsv": BARCODES }, false);
    const labels = tmp.path("labels.tsv");
    writeFileSync(labels, "barcode\tgroup\nAAAG-1\tB cell\nAAAC-1\tT cell\n");
    const d = await read10xMtx(dir, { labelsFile: labels });
    expect(d.labels).toEqual(["T cell", "B cell"]);
    expect(d.labelKey).toBe("labels.tsv:group");
    const partial = tmp.path("partial.csv");
    writeFileSync(partial, "barcode,cell_type\nAAAC-1,T\n");
    const p = await read10xMtx(dir, { labelsFile: partial });
    expect(p.labels).toEqual(["T", ""]);
    expect(p.warnings).toEqual([`${partial}: no row for 1 of the 2 cells (first: 'AAAG-1'); they are unlabelled and left out of scores`]);
    const blank = tmp.path("blank.csv");
    writeFileSync(blank, "barcode,cell_type\nAAAC-1,\nAAAG-1,B\nZZZZ-1,T\n");
    const b = await read10xMtx(dir, { labelsFile: blank });
    expect(b.labels).toEqual(["", "B"]);
    expect(b.warnings).toEqual([
      `${blank}: 1 cells have an empty 'cell_type'; they are unlabelled and left out of scores`,
      `${blank}: 1 rows name cells that are not in the matrix; ignored`,
    ]);
    const none = tmp.path("none.csv");
    writeFileSync(none, "barcode,cell_type\nXXXX-1,T\n");
    expect((await problem(read10xMtx(dir, { labelsFile: none }))).message).toBe(`${none}: names none of the 2 cells (first cell: 'AAAC-1'; first row: 'XXXX-1')`);
    expect(d.geneColumns).toEqual({ gene_ids: ["G1", "G2", "G3"], gene_symbols: ["A", "B", "C"] });
    expect(d.geneNameColumn).toBe("gene_symbols");
  });

  it("names the file and the problem for mismatched or broken folders", async () => {
    const genes = "G1\tA\nG2\tB\nG3\tC\n";
    const short = folder({ "matrix.mtx": MTX_V2, "genes.tsv": genes, "barcodes.tsv": "AAAC-1\n" }, false);
    expect((await problem(readDataset(short))).problem).toBe("matrix.mtx has 2 cells (columns) but barcodes.tsv lists 1");
    const fewerGenes = folder({ "matrix.mtx": MTX_V2, "genes.tsv": "G1\tA\nG2\tB\n", "barcodes.tsv": BARCODES }, false);
    expect((await problem(readDataset(fewerGenes))).problem).toBe("matrix.mtx has 3 genes (rows) but genes.tsv lists 2");
    const outside = folder({ "matrix.mtx": MTX_V2.replace("2 2 3\n", "2 5 3\n"), "genes.tsv": genes, "barcodes.tsv": BARCODES }, false);
    expect((await problem(readDataset(outside))).problem).toBe("line 6: entry (2, 5) outside the 3 × 2 matrix");
    const truncated = folder({ "matrix.mtx": MTX_V2.slice(0, -6), "genes.tsv": genes, "barcodes.tsv": BARCODES }, false);
    expect((await problem(readDataset(truncated))).problem).toBe("has 2 entries but its size line declares 3 (truncated?)");
    const gz = folder({ "matrix.mtx": MTX_V2, "genes.tsv": genes, "barcodes.tsv": BARCODES }, true);
    const cut = join(gz, "matrix.mtx.gz");
    writeFileSync(cut, gzipSync(MTX_V2).subarray(0, 30));
    const e = await problem(readDataset(gz));
    expect(e.file).toBe(cut);
    expect(e.problem).toMatch(/^corrupt or truncated gzip data/);
    const overfull = folder({ "matrix.mtx": MTX_V2.replace("3 2 3\n", "3 2 7\n"), "genes.tsv": genes, "barcodes.tsv": BARCODES }, false);
    expect((await problem(readDataset(overfull))).problem).toBe("line 3: 7 entries declared for a 3 × 2 matrix");
    // A size line claiming more entries than memory holds is an InputError, not a RangeError crash.
    const huge = folder({ "matrix.mtx": MTX_V2.replace("3 2 3\n", "3000000 2000000 5000000000000\n"), "genes.tsv": genes, "barcodes.tsv": BARCODES }, false);
    expect((await problem(readDataset(huge))).problem).toMatch(/^too large to hold in memory \(.+\); the file may be corrupt$/);
    const dupBarcodes = folder({ "matrix.mtx": MTX_V2, "genes.tsv": genes, "barcodes.tsv": "AAAC-1\nAAAC-1\n" }, false);
    expect((await problem(readDataset(dupBarcodes))).problem).toBe("barcodes.tsv (cell names) has 1 duplicate (first: 'AAAC-1' at positions 0 and 1)");
  });
});

describe("10x HDF5", () => {
  const v3Entries = (prefix = "matrix"): H5Entry[] => [
    { name: prefix, group: true },
    { name: `${prefix}/barcodes`, data: ["AAAC-1", "AAAG-1"] },
    { name: `${prefix}/data`, data: new Int32Array([1, 2, 5, 3, 6]) },
    { name: `${prefix}/indices`, data: new BigInt64Array([0n, 2n, 3n, 1n, 3n]) },
    { name: `${prefix}/indptr`, data: new BigInt64Array([0n, 3n, 5n]) },
    { name: `${prefix}/shape`, data: new Int32Array([4, 2]) },
    { name: `${prefix}/features`, group: true },
    { name: `${prefix}/features/id`, data: ["G1", "G2", "G3", "CD3"] },
    { name: `${prefix}/features/name`, data: ["A", "B", "C", "CD3_TotalSeqB"] },
    { name: `${prefix}/features/feature_type`, data: ["Gene Expression", "Gene Expression", "Gene Expression", "Antibody Capture"] },
  ];

  it("reads v3 (matrix group) and drops antibody features", async () => {
    const p = await writeH5(tmp.path("v3.h5"), v3Entries());
    const d = await readDataset(p);
    expect(Array.from(csrToDense(d.counts))).toEqual([1, 0, 2, 0, 3, 0]);
    expect(d.genes).toEqual(["G1", "G2", "G3"]);
    expect(d.cells).toEqual(["AAAC-1", "AAAG-1"]);
    expect(d.warnings).toEqual(["dropped 1 feature that is not Gene Expression (Antibody Capture: 1)"]);
  });

  it("reads v2 (one group per genome) and asks which genome when there are several", async () => {
    const genome = (g: string): H5Entry[] => [
      { name: g, group: true },
      { name: `${g}/barcodes`, data: ["AAAC-1", "AAAG-1"] },
      { name: `${g}/data`, data: new Int32Array([1, 2, 3]) },
      { name: `${g}/indices`, data: new Int32Array([0, 2, 1]) },
      { name: `${g}/indptr`, data: new Int32Array([0, 2, 3]) },
      { name: `${g}/shape`, data: new Int32Array([3, 2]) },
      { name: `${g}/genes`, data: ["G1", "G2", "G3"] },
      { name: `${g}/gene_names`, data: ["A", "B", "C"] },
    ];
    const one = await writeH5(tmp.path("v2.h5"), genome("GRCh38"));
    const d = await readDataset(one);
    expect(Array.from(csrToDense(d.counts))).toEqual([1, 0, 2, 0, 3, 0]);
    expect(d.genes).toEqual(["G1", "G2", "G3"]);
    const two = await writeH5(tmp.path("v2-two.h5"), [...genome("hg19"), ...genome("mm10")]);
    expect((await problem(readDataset(two))).problem).toBe("has 2 genome groups (hg19, mm10); choose one with the matrix option");
    expect((await read10xH5(two, { matrix: "mm10" })).genes).toEqual(["G1", "G2", "G3"]);
  });

  it("checks barcodes and features against the shape", async () => {
    const entries = v3Entries().map((e) => (e.name === "matrix/barcodes" ? { ...e, data: ["AAAC-1"] } : e));
    const p = await writeH5(tmp.path("v3-bad.h5"), entries);
    expect((await problem(readDataset(p))).problem).toBe("matrix/barcodes has 1 values for 2 cells (columns)");
  });
});
