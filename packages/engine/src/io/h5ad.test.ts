/**
 * h5ad encodings one by one, in small files written here with h5wasm following the anndata on-disk
 * spec: dense/CSR/CSC X, raw/X and layers, dataframe columns of every encoding, the pre-0.8
 * categorical layout, unknown encodings, and the errors for files that break the spec.
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { csrToDense } from "../pp/csr.ts";
import { readDataset, readH5ad } from "./index.ts";
import { inputErrorOf, makeTempDir, writeH5, type H5Entry } from "./testFiles.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
let fileNo = 0;

const enc = (type: string, version = "0.2.0") => ({ "encoding-type": type, "encoding-version": version });

/** 3 cells × 4 genes. */
const DENSE = [1, 0, 2, 0, 0, 0, 0, 3, 4, 5, 0, 0];
const CSR = { data: new Float32Array([1, 2, 3, 4, 5]), indices: new Int32Array([0, 2, 3, 0, 1]), indptr: new Int32Array([0, 2, 3, 5]) };
const CSC = { data: new Float32Array([1, 4, 5, 2, 3]), indices: new Int32Array([0, 2, 2, 0, 1]), indptr: new Int32Array([0, 2, 3, 4, 5]) };

function sparseX(name: string, format: "csr_matrix" | "csc_matrix", m: typeof CSR, shape = [3, 4]): H5Entry[] {
  return [
    { name, group: true, attrs: { ...enc(format, "0.1.0"), shape: new BigInt64Array(shape.map(BigInt)) } },
    { name: `${name}/data`, data: m.data },
    { name: `${name}/indices`, data: m.indices },
    { name: `${name}/indptr`, data: m.indptr },
  ];
}

function frame(name: string, index: string[], columnOrder: string[], columns: H5Entry[] = []): H5Entry[] {
  return [
    { name, group: true, attrs: { ...enc("dataframe"), _index: "_index", "column-order": columnOrder } },
    { name: `${name}/_index`, data: index, attrs: enc("string-array") },
    ...columns,
  ];
}

const CELLS = ["c1", "c2", "c3"];
const GENES = ["g1", "g2", "g3", "g4"];
const denseX = (): H5Entry => ({ name: "X", data: new Float32Array(DENSE), shape: [3, 4], attrs: enc("array") });
const cellType = (codes = [0, 1, -1]): H5Entry[] => [
  { name: "obs/cell_type", group: true, attrs: { ...enc("categorical"), ordered: 0 } },
  { name: "obs/cell_type/codes", data: new Int8Array(codes), attrs: enc("array") },
  { name: "obs/cell_type/categories", data: ["T", "B"], attrs: enc("string-array") },
];

function h5ad(entries: H5Entry[]): Promise<string> {
  return writeH5(tmp.path(`f${fileNo++}.h5ad`), [{ name: "/", group: true, attrs: enc("anndata", "0.1.0") }, ...entries]);
}
const basic = (x: H5Entry[], obsColumns: H5Entry[] = cellType(), order = ["cell_type"]) =>
  h5ad([...x, ...frame("obs", CELLS, order, obsColumns), ...frame("var", GENES, [])]);

async function problem(read: Promise<unknown>, path: string): Promise<string> {
  const e = await inputErrorOf(read);
  expect(e.file).toBe(path);
  return e.problem;
}

describe("h5ad matrices", () => {
  it("reads dense, CSR and CSC X to the same counts", async () => {
    for (const x of [[denseX()], sparseX("X", "csr_matrix", CSR), sparseX("X", "csc_matrix", CSC)]) {
      const d = await readDataset(await basic(x), { entriesPerBlock: 2, rowsPerBlock: 1 });
      expect(Array.from(csrToDense(d.counts))).toEqual(DENSE);
      expect(d.cells).toEqual(CELLS);
      expect(d.genes).toEqual(GENES);
    }
  });

  it("reads raw/X with raw/var, and layers, on request", async () => {
    const p = await h5ad([
      { name: "X", data: new Float32Array(6).fill(0.5), shape: [3, 2], attrs: enc("array") },
      ...frame("obs", CELLS, []),
      ...frame("var", ["g2", "g4"], []),
      { name: "raw", group: true, attrs: enc("raw", "0.1.0") },
      ...sparseX("raw/X", "csr_matrix", CSR),
      ...frame("raw/var", GENES, []),
      { name: "layers", group: true, attrs: enc("dict", "0.1.0") },
      ...sparseX("layers/counts", "csc_matrix", { data: new Float32Array([7]), indices: new Int32Array([1]), indptr: new Int32Array([0, 0, 1]) }, [3, 2]),
    ]);
    const x = await readH5ad(p);
    expect(x.genes).toEqual(["g2", "g4"]);
    expect(x.warnings).toEqual(["X has 6 non-integer values (first at cell 0, gene 0: 0.5); expected raw counts, read as they are"]);
    const raw = await readH5ad(p, { matrix: "raw/X" });
    expect(raw.genes).toEqual(GENES);
    expect(Array.from(csrToDense(raw.counts))).toEqual(DENSE);
    expect(raw.warnings).toBeUndefined();
    const layer = await readH5ad(p, { matrix: "layers/counts" });
    expect(Array.from(csrToDense(layer.counts))).toEqual([0, 0, 0, 7, 0, 0]);
    expect(await problem(readH5ad(p, { matrix: "layers/spliced" }), p)).toBe("no 'layers/spliced' (matrices found: X, raw/X, layers/counts)");
    expect(await problem(readH5ad(p, { matrix: "obsm/X_pca" }), p)).toBe("matrix 'obsm/X_pca' is not X, raw/X or layers/<name>");
  });

  it("sorts unsorted column indices and drops explicit zeros", async () => {
    const m = { data: new Float32Array([2, 1, 0, 3, 5, 4]), indices: new Int32Array([2, 0, 1, 3, 1, 0]), indptr: new Int32Array([0, 3, 4, 6]) };
    const d = await readH5ad(await basic(sparseX("X", "csr_matrix", m)));
    expect(Array.from(csrToDense(d.counts))).toEqual(DENSE);
    expect(Array.from(d.counts.indices)).toEqual([0, 2, 3, 0, 1]);
  });
});

describe("h5ad obs columns", () => {
  it("categorical with -1 codes gives '' for missing labels; labelKey picks any column", async () => {
    const columns: H5Entry[] = [
      ...cellType(),
      { name: "obs/n_genes", data: new Int32Array([10, 20, 30]), attrs: enc("array") },
      { name: "obs/score", data: new Float64Array([0.5, NaN, 2]), attrs: enc("array") },
      { name: "obs/donor", data: ["d1", "d2", "d1"], attrs: enc("string-array") },
      { name: "obs/batch", group: true, attrs: enc("nullable-integer", "0.1.0") },
      { name: "obs/batch/values", data: new BigInt64Array([1n, 0n, 3n]) },
      { name: "obs/batch/mask", data: new Uint8Array([0, 1, 0]) },
      { name: "obs/origin", group: true, attrs: enc("nullable-string-array", "0.1.0") },
      { name: "obs/origin/values", data: ["lung", "", "blood"] },
      { name: "obs/origin/mask", data: new Uint8Array([0, 1, 0]) },
      { name: "obs/qc", group: true, attrs: enc("nullable-boolean", "0.1.0") },
      { name: "obs/qc/values", data: new Uint8Array([1, 0, 0]) },
      { name: "obs/qc/mask", data: new Uint8Array([0, 0, 1]) },
    ];
    const p = await basic([denseX()], columns, ["cell_type", "n_genes", "score", "donor", "batch", "origin", "qc"]);
    const d = await readDataset(p);
    expect(d.labelKey).toBe("obs/cell_type");
    expect(d.labels).toEqual(["T", "B", ""]);
    const by = async (labelKey: string) => (await readH5ad(p, { labelKey })).labels;
    expect(await by("n_genes")).toEqual(["10", "20", "30"]);
    expect(await by("score")).toEqual(["0.5", "", "2"]);
    expect(await by("donor")).toEqual(["d1", "d2", "d1"]);
    expect(await by("batch")).toEqual(["1", "", "3"]);
    expect(await by("origin")).toEqual(["lung", "", "blood"]);
    expect(await by("qc")).toEqual(["True", "False", ""]);
    expect(await problem(readH5ad(p, { labelKey: "celltype" }), p)).toBe(
      "no obs column 'celltype' for labels (columns: cell_type, n_genes, score, donor, batch, origin, qc)",
    );
  });

  it("reads the pre-0.8 layout: categories as an object-reference attribute, no encoding attributes", async () => {
    const p = await h5ad([
      { name: "X", data: new Float32Array(DENSE), shape: [3, 4] },
      { name: "obs", group: true, attrs: { _index: "index" } },
      { name: "obs/index", data: CELLS },
      { name: "obs/__categories", group: true },
      { name: "obs/__categories/louvain", data: ["0", "1"] },
      { name: "obs/louvain", data: new Int8Array([1, 0, 1]), attrs: { categories: { reference: "/obs/__categories/louvain" } } },
      { name: "obs/n_counts", data: new Float32Array([3, 3, 9]) },
      { name: "var", group: true, attrs: { _index: "index" } },
      { name: "var/index", data: GENES },
    ]);
    const d = await readH5ad(p, { labelKey: "louvain" });
    expect(d.labels).toEqual(["1", "0", "1"]);
    expect(d.cells).toEqual(CELLS);
    expect((await readH5ad(p, { labelKey: "n_counts" })).labels).toEqual(["3", "3", "9"]);
  });

  it("skips columns with unknown encodings with a warning", async () => {
    const columns: H5Entry[] = [
      ...cellType(),
      { name: "obs/future", group: true, attrs: enc("awkward-array", "0.1.0") },
      { name: "obs/future/x", data: new Int32Array([1]) },
      { name: "obs/odd", data: new Int32Array([1, 2, 3]), attrs: enc("sparse-vector", "9.9") },
    ];
    const d = await readDataset(await basic([denseX()], columns, ["cell_type", "future", "odd"]));
    expect(d.labels).toEqual(["T", "B", ""]);
    expect(d.warnings).toEqual([
      "obs/future has encoding-type 'awkward-array', which this reader does not know; skipped",
      "obs/odd has encoding-type 'sparse-vector', which this reader does not know; skipped",
    ]);
  });

  it("no known label column: no labels", async () => {
    const d = await readDataset(await basic([denseX()], [], []));
    expect(d.labels).toBeUndefined();
    expect(d.labelKey).toBeUndefined();
  });
});

describe("h5ad errors name the file, the element and the problem", () => {
  it("shape mismatches between X, obs and var", async () => {
    const shortObs = await h5ad([denseX(), ...frame("obs", ["c1", "c2"], []), ...frame("var", GENES, [])]);
    expect(await problem(readDataset(shortObs), shortObs)).toBe("obs/_index has 2 values for 3 rows of obs");
    const longVar = await h5ad([denseX(), ...frame("obs", CELLS, []), ...frame("var", [...GENES, "g5"], [])]);
    expect(await problem(readDataset(longVar), longVar)).toBe("var/_index has 5 values for 4 rows of var");
    const shortColumn = await basic([denseX()], cellType([0, 1]));
    expect(await problem(readDataset(shortColumn), shortColumn)).toBe("obs/cell_type/codes has 2 values for 3 rows of obs");
  });

  it("bad categorical codes, a missing listed column, no obs", async () => {
    const badCode = await basic([denseX()], cellType([0, 2, 1]));
    expect(await problem(readDataset(badCode), badCode)).toBe("obs/cell_type/codes has code 2 at row 1, outside -1–1 (2 categories)");
    const missing = await basic([denseX()], [], ["cell_type"]);
    expect(await problem(readDataset(missing), missing)).toBe("obs lists column 'cell_type' in column-order but has no such element");
    const noObs = await h5ad([denseX(), ...frame("var", GENES, [])]);
    expect(await problem(readDataset(noObs), noObs)).toBe("no 'obs' dataframe (h5ad needs obs and var)");
  });

  it("sparse X that breaks the spec", async () => {
    const cases: [typeof CSR, string][] = [
      [{ ...CSR, indptr: new Int32Array([0, 2, 3]) }, "X/indptr has 3 entries; expected 4"],
      [{ ...CSR, indptr: new Int32Array([0, 3, 2, 5]) }, "X/indptr decreases at position 2 (3 → 2)"],
      [{ ...CSR, indptr: new Int32Array([0, 2, 3, 4]) }, "X/indptr ends at 4 but X has 5 stored entries"],
      [{ ...CSR, indices: new Int32Array([0, 2, 4, 0, 1]) }, "X/indices has gene index 4 at cell 1, outside 0–3"],
      [{ ...CSR, indices: new Int32Array([0, 2, 3, 1, 1]) }, "X has two entries for cell 2, gene 1"],
      [{ ...CSR, data: new Float32Array([1, -2, 3, NaN, 5]) }, "X has 1 NaN value (first at cell 2, gene 0) and 1 negative value (first at cell 0, gene 2: -2); expected non-negative counts"],
      [{ ...CSR, data: new Float32Array([1, 2, 3, 4]) }, "X/indices has 5 entries but X/data has 4"],
    ];
    for (const [m, expected] of cases) {
      const p = await basic(sparseX("X", "csr_matrix", m));
      expect(await problem(readDataset(p), p)).toBe(expected);
    }
    const noShape = await basic([{ name: "X", group: true, attrs: enc("csr_matrix", "0.1.0") }]);
    expect(await problem(readDataset(noShape), noShape)).toBe("X has no 2-element 'shape' attribute");
    const unknown = await basic([{ name: "X", group: true, attrs: enc("coo_matrix", "0.1.0") }]);
    expect(await problem(readDataset(unknown), unknown)).toBe("X has unsupported encoding-type 'coo_matrix' (expected array, csr_matrix or csc_matrix)");
  });

  it("duplicate cell or gene names, an empty matrix", async () => {
    const dupCells = await h5ad([denseX(), ...frame("obs", ["c1", "c2", "c1"], []), ...frame("var", GENES, [])]);
    expect(await problem(readDataset(dupCells), dupCells)).toBe("obs index (cell names) has 1 duplicate (first: 'c1' at positions 0 and 2)");
    const dupGenes = await h5ad([denseX(), ...frame("obs", CELLS, []), ...frame("var", ["a", "b", "a", "b"], [])]);
    expect(await problem(readDataset(dupGenes), dupGenes)).toBe("var index (gene names) has 2 duplicates (first: 'a' at positions 0 and 2)");
    const empty = await h5ad([{ name: "X", data: new Float32Array(0), shape: [0, 4], attrs: enc("array") }, ...frame("obs", [], []), ...frame("var", GENES, [])]);
    expect(await problem(readDataset(empty), empty)).toBe("X is empty (0 × 4)");
  });
});

describe("h5ad with a separate label file", () => {
  it("takes labels from the file, matched by cell name, with labelKey naming its column", async () => {
    const p = await basic([denseX()]);
    const labels = tmp.path("labels.csv");
    writeFileSync(labels, "cell,tissue,cell_type\nc3,lung,X\nc1,blood,Y\nc2,lung,Z\n");
    const d = await readDataset(p, { labelsFile: labels, labelKey: "tissue" });
    expect(d.labels).toEqual(["blood", "lung", "lung"]);
    expect(d.labelKey).toBe("labels.csv:tissue");
    expect((await readDataset(p, { labelsFile: labels })).labels).toEqual(["Y", "Z", "X"]);
  });
});

describe("long reads", () => {
  it("report progress block by block and stop when aborted", async () => {
    for (const x of [[denseX()], sparseX("X", "csr_matrix", CSR)]) {
      const p = await basic(x);
      const seen: number[] = [];
      await readH5ad(p, { rowsPerBlock: 1, entriesPerBlock: 1, onProgress: (f) => seen.push(f) });
      expect(seen.map((f) => f.toFixed(2))).toEqual(["0.33", "0.67", "1.00"]);
      const controller = new AbortController();
      controller.abort();
      await expect(readH5ad(p, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
    }
  });
});
