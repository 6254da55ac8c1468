/**
 * Every scDeepCluster X/Y file in the shared data folder, checked against /work/shared/data/README.md
 * and against values h5py reads (scripts/golden/io_golden.py → __golden__/io.json).
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { CsrMatrix } from "../pp/csr.ts";
import { readDataset, readScDeepClusterH5, type Dataset } from "./index.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA_DIR = sharedData() + "/";

interface GoldenRow {
  row: number;
  sum: number;
  nnz: number;
  first: [number, number][];
  last: [number, number][];
}
interface GoldenFile {
  keys: string[];
  shape: [number, number];
  xDtype: string;
  nnz: number;
  sum: number;
  max: number;
  classes: Record<string, number>;
  firstLabels: string[];
  rows: GoldenRow[];
}
const golden = JSON.parse(readFileSync(new URL("./__golden__/io.json", import.meta.url), "utf8")) as {
  files: Record<string, GoldenFile>;
};

/** Shapes and class sizes as listed in the data README. */
const README: Record<string, { shape: [number, number]; classes: string }> = {
  "10X_PBMC_top2000.h5": { shape: [4271, 2000], classes: "1:1292 2:702 3:606 4:459 5:450 6:332 7:295 8:135" },
  "worm_neuron_cell.h5": { shape: [4186, 13488], classes: "3:1015 1:842 4:443 5:400 2:334 6:314 7:305 9:239 8:224 10:70" },
  "mouse_bladder_cell_select_2100.h5": {
    shape: [2100, 20670],
    classes: "1:550 2:299 3:268 4:229 5:184 6:158 7:102 8:60 9:53 10:45 12:33 13:33 11:30 14:27 15:21 16:8",
  },
  "mouse_bladder_cell_top2000.h5": {
    shape: [2746, 2003],
    classes: "1:717 2:357 3:344 4:316 5:236 6:224 7:131 8:80 9:75 10:64 11:44 13:41 12:38 14:36 15:30 16:13",
  },
  "CITE_CBMC_counts_top2000.h5": {
    shape: [8617, 2000],
    classes: "2:2293 1:1791 3:1248 4:1089 5:608 6:350 7:273 8:230 9:182 10:119 11:114 12:105 13:96 14:70 15:49",
  },
  "CITE_PBMC_counts.h5": { shape: [3762, 2000], classes: "7:1323 2:415 6:411 1:390 12:371 4:315 11:210 5:145 9:112 8:47 3:16 10:7" },
};

function classSizes(labels: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[l] = (out[l] ?? 0) + 1;
  return out;
}

function parseClasses(spec: string): Record<string, number> {
  return Object.fromEntries(spec.split(" ").map((kv) => kv.split(":") as [string, string]).map(([k, v]) => [k, Number(v)]));
}

function expectValidCsr(m: CsrMatrix): void {
  expect(m.indptr.length).toBe(m.nRows + 1);
  expect(m.indptr[0]).toBe(0);
  expect(m.indptr[m.nRows]).toBe(m.data.length);
  expect(m.indices.length).toBe(m.data.length);
  for (let r = 0; r < m.nRows; r++) {
    const start = m.indptr[r]!;
    const end = m.indptr[r + 1]!;
    if (end < start) throw new Error(`indptr decreases at row ${r}`);
    for (let k = start; k < end; k++) {
      const c = m.indices[k]!;
      if (c < 0 || c >= m.nCols || (k > start && c <= m.indices[k - 1]!)) throw new Error(`bad column ${c} in row ${r}`);
      if (!(m.data[k]! > 0)) throw new Error(`stored value ${m.data[k]} in row ${r}`);
    }
  }
}

function rowEntries(m: CsrMatrix, r: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = m.indptr[r]!; k < m.indptr[r + 1]!; k++) out.push([m.indices[k]!, m.data[k]!]);
  return out;
}

function checkAgainstGolden(name: string, d: Dataset): void {
  const g = golden.files[name]!;
  const readme = README[name]!;
  const m = d.counts;

  expect([m.nRows, m.nCols]).toEqual(readme.shape);
  expect([m.nRows, m.nCols]).toEqual(g.shape);
  expect(d.cells).toHaveLength(m.nRows);
  expect(d.genes).toHaveLength(m.nCols);
  expect(d.cells[0]).toBe("cell0");
  expect(d.genes.at(-1)).toBe(`gene${m.nCols - 1}`);
  expect(d.source).toBe(DATA_DIR + name);
  expectValidCsr(m);

  // nnz: plausible for scRNA-seq counts, and exactly what h5py counts.
  const density = m.data.length / (m.nRows * m.nCols);
  expect(density).toBeGreaterThan(0.005);
  expect(density).toBeLessThan(0.3);
  expect(m.data.length).toBe(g.nnz);
  let sum = 0;
  let max = 0;
  for (const v of m.data) {
    sum += v;
    if (v > max) max = v;
  }
  expect(sum).toBe(g.sum);
  expect(max).toBe(g.max);
  for (const row of g.rows) {
    const entries = rowEntries(m, row.row);
    expect(entries).toHaveLength(row.nnz);
    expect(entries.slice(0, row.first.length)).toEqual(row.first);
    expect(entries.slice(-row.last.length)).toEqual(row.last);
    expect(entries.reduce((s, [, v]) => s + v, 0)).toBe(row.sum);
  }

  expect(d.labelKey).toBe("Y");
  expect(d.labels).toHaveLength(m.nRows);
  expect(d.labels!.slice(0, 10)).toEqual(g.firstLabels);
  expect(classSizes(d.labels!)).toEqual(parseClasses(readme.classes));
  expect(classSizes(d.labels!)).toEqual(g.classes);
}

describe("reading the shared scDeepCluster X/Y files", () => {
  for (const name of ["10X_PBMC_top2000.h5", "mouse_bladder_cell_top2000.h5", "CITE_CBMC_counts_top2000.h5"]) {
    it(`${name} has the README's shape and classes and h5py's values`, async () => {
      checkAgainstGolden(name, await readDataset(DATA_DIR + name));
    });
  }

  it("CITE_PBMC_counts.h5 matches, and its ADT_X is ignored (only the RNA X is read)", async () => {
    expect(golden.files["CITE_PBMC_counts.h5"]!.keys).toEqual(["ADT_X", "X", "Y"]);
    const d = await readScDeepClusterH5(DATA_DIR + "CITE_PBMC_counts.h5");
    checkAgainstGolden("CITE_PBMC_counts.h5", d);
  });

  it("mouse_bladder_cell_select_2100.h5 (int32 X, float64 Y) matches", async () => {
    checkAgainstGolden("mouse_bladder_cell_select_2100.h5", await readDataset(DATA_DIR + "mouse_bladder_cell_select_2100.h5"));
  });

  describe("worm_neuron_cell.h5 (float64 X stored as one 451 MB gzip chunk, float64 labels)", () => {
    // Read once: every read of this file decompresses its single chunk in wasm, which takes seconds.
    let worm: Dataset;
    beforeAll(async () => {
      worm = await readDataset(DATA_DIR + "worm_neuron_cell.h5");
    });

    it("has the README's shape and classes and h5py's values", () => {
      checkAgainstGolden("worm_neuron_cell.h5", worm);
    });

    it("prints float label codes without a decimal point", () => {
      expect(new Set(worm.labels)).toEqual(new Set(["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]));
    });
  });
});
