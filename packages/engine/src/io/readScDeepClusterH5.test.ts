/** The X/Y reader on small files written with h5wasm: dtypes, labels, names, row blocks, closing. */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { csrToDense } from "../pp/csr.ts";
import { detectFormat, readDataset, readScDeepClusterH5 } from "./index.ts";
import { isClosed, makeTempDir, writeH5, type H5Entry } from "./testFiles.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
let fileNo = 0;
function h5(entries: H5Entry[]): Promise<string> {
  return writeH5(tmp.path(`ok${fileNo++}.h5`), entries);
}

// 5 cells × 4 genes
const DENSE = [0, 1, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 4, 5, 6, 7, 0, 0, 8.5, 0];

describe("readScDeepClusterH5", () => {
  for (const [dtype, make] of [
    ["float32", (v: number[]) => Float32Array.from(v)],
    ["float64", (v: number[]) => Float64Array.from(v)],
    ["int32", (v: number[]) => Int32Array.from(v, Math.floor)],
    ["uint8", (v: number[]) => Uint8Array.from(v, Math.floor)],
  ] as const) {
    it(`reads a gzip-chunked ${dtype} X into CSR with the same values`, async () => {
      const values = make(DENSE);
      const p = await h5([{ name: "X", data: values, shape: [5, 4], gzip: true, chunks: [2, 4] }]);
      const d = await readScDeepClusterH5(p);
      expect([d.counts.nRows, d.counts.nCols]).toEqual([5, 4]);
      expect(Array.from(csrToDense(d.counts))).toEqual(Array.from(values));
      expect(d.counts.data.length).toBe(Array.from(values).filter((v) => v !== 0).length);
    });
  }

  it("gives the same matrix whatever the row block size, including one row at a time", async () => {
    const p = await h5([{ name: "X", data: Float32Array.from(DENSE), shape: [5, 4], gzip: true, chunks: [2, 2] }]);
    const whole = await readScDeepClusterH5(p);
    for (const rowsPerBlock of [1, 2, 3, 4, 5, 100]) {
      const d = await readScDeepClusterH5(p, { rowsPerBlock });
      expect(d.counts).toEqual(whole.counts);
    }
    expect(Array.from(whole.counts.indptr)).toEqual([0, 2, 3, 3, 7, 8]);
    expect(Array.from(whole.counts.indices)).toEqual([1, 3, 0, 0, 1, 2, 3, 2]);
  });

  it("names cells cell0… and genes gene0…, and keeps the path as source", async () => {
    const p = await h5([{ name: "X", data: Float32Array.from(DENSE), shape: [5, 4] }]);
    const d = await readScDeepClusterH5(p);
    expect(d.cells).toEqual(["cell0", "cell1", "cell2", "cell3", "cell4"]);
    expect(d.genes).toEqual(["gene0", "gene1", "gene2", "gene3"]);
    expect(d.source).toBe(p);
  });

  it("turns integer and float label codes into strings without '.0'", async () => {
    const X = { name: "X", data: Float32Array.from(DENSE), shape: [5, 4] };
    const ints = await h5([X, { name: "Y", data: Int32Array.from([1, 2, 10, 2, 1]) }]);
    expect((await readDataset(ints)).labels).toEqual(["1", "2", "10", "2", "1"]);
    const floats = await h5([X, { name: "Y", data: Float64Array.from([1, 2, 10, 2, 0]) }]);
    const d = await readDataset(floats);
    expect(d.labels).toEqual(["1", "2", "10", "2", "0"]);
    expect(d.labelKey).toBe("Y");
    const int64 = await h5([X, { name: "Y", data: BigInt64Array.from([3n, 3n, 1n, 2n, 1n]) }]);
    expect((await readDataset(int64)).labels).toEqual(["3", "3", "1", "2", "1"]);
    const strings = await h5([X, { name: "Y", data: ["B", "T", "T", "NK", "B"] }]);
    expect((await readDataset(strings)).labels).toEqual(["B", "T", "T", "NK", "B"]);
  });

  it("has no labels when the file has no Y", async () => {
    const p = await h5([{ name: "X", data: Float32Array.from(DENSE), shape: [5, 4] }]);
    const d = await readDataset(p);
    expect(d.labels).toBeUndefined();
    expect(d.labelKey).toBeUndefined();
  });

  it("takes labels from another root dataset with labelKey", async () => {
    const p = await h5([
      { name: "X", data: Float32Array.from(DENSE), shape: [5, 4] },
      { name: "Y", data: Int32Array.from([1, 1, 1, 1, 1]) },
      { name: "batch", data: Int32Array.from([0, 0, 1, 1, 1]) },
    ]);
    const d = await readDataset(p, { labelKey: "batch" });
    expect(d.labels).toEqual(["0", "0", "1", "1", "1"]);
    expect(d.labelKey).toBe("batch");
  });

  it("closes the file after reading", async () => {
    const p = await h5([
      { name: "X", data: Float32Array.from(DENSE), shape: [5, 4], gzip: true, chunks: [2, 4] },
      { name: "Y", data: Int32Array.from([1, 2, 3, 4, 5]) },
    ]);
    await readDataset(p);
    expect(await isClosed(p)).toBe(true);
  });
});

describe("readDataset format detection", () => {
  it("finds the HDF5 signature after a 512-byte user block and reads the file", async () => {
    const plain = await h5([{ name: "X", data: Float32Array.from(DENSE), shape: [5, 4] }]);
    expect(await detectFormat(plain)).toEqual({ kind: "hdf5", superblockOffset: 0 });
    const withUserBlock = tmp.path("userblock.h5");
    writeFileSync(withUserBlock, Buffer.concat([Buffer.alloc(512, 0x20), readFileSync(plain)]));
    expect(await detectFormat(withUserBlock)).toEqual({ kind: "hdf5", superblockOffset: 512 });
    const d = await readDataset(withUserBlock);
    expect(Array.from(csrToDense(d.counts))).toEqual(DENSE);
  });

  it("does not go by the file name", async () => {
    const p = tmp.path("counts.csv");
    writeFileSync(p, readFileSync(await h5([{ name: "X", data: Float32Array.from(DENSE), shape: [5, 4] }])));
    expect((await readDataset(p)).counts.nRows).toBe(5);
    const text = tmp.path("data.h5");
    writeFileSync(text, "a,b\n1,2\n");
    expect(await detectFormat(text)).toEqual({ kind: "text", gzip: false, firstLine: "a,b" });
  });
});
