/**
 * The large-file path on a small file from scripts/make_big_h5ad.py (the generator bench:io uses):
 * reading X in many small entry blocks gives exactly what one block gives, and what h5py sees.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { readH5ad } from "./index.ts";
import { makeTempDir, sameCsr } from "./testFiles.ts";

const SCRIPT = fileURLToPath(new URL("../../scripts/make_big_h5ad.py", import.meta.url));
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe("large h5ad, read in entry blocks", () => {
  it("reads the generator's file block by block exactly as in one go, with the generator's shape and non-zeros", async () => {
    const path = tmp.path("generated.h5ad");
    execFileSync("/usr/bin/python3", [SCRIPT, path, "--cells", "3000", "--genes", "500", "--block", "700", "--gzip"], { stdio: "pipe" });
    const nnz = Number(execFileSync("/usr/bin/python3", ["-c", "import h5py,sys; print(h5py.File(sys.argv[1])['X/data'].shape[0])", path], { encoding: "utf8" }));
    const whole = await readH5ad(path);
    const blocks = await readH5ad(path, { entriesPerBlock: 1000 });
    expect([whole.counts.nRows, whole.counts.nCols]).toEqual([3000, 500]);
    expect(whole.counts.data.length).toBe(nnz);
    expect(nnz / (3000 * 500)).toBeCloseTo(0.02, 2);
    expect(sameCsr(blocks.counts, whole.counts)).toBe(true);
    expect(whole.cells[2999]).toBe("cell2999");
    expect(new Set(whole.labels).size).toBe(8);
  });

  it("the generator is seeded and draws integer counts with a library-size spread around labelled cluster means", async () => {
    const make = async (seed: number) => {
      const path = tmp.path(`nb-${seed}.h5ad`);
      execFileSync("/usr/bin/python3", [SCRIPT, path, "--cells", "2000", "--genes", "2000", "--clusters", "4", "--seed", String(seed)], { stdio: "pipe" });
      return readH5ad(path);
    };
    const a = await make(1);
    const b = await make(1);
    const c = await make(2);
    expect(sameCsr(a.counts, b.counts)).toBe(true);
    expect(b.labels).toEqual(a.labels);
    expect(sameCsr(a.counts, c.counts)).toBe(false);
    const { nRows, nCols, indptr, indices, data } = a.counts;
    expect(data.length / (nRows * nCols)).toBeCloseTo(0.02, 2);
    expect(data.every((v) => v >= 1 && Number.isInteger(v))).toBe(true);
    const totals = Array.from({ length: nRows }, (_, r) => data.slice(indptr[r]!, indptr[r + 1]!).reduce((s, v) => s + v, 0)).sort((x, y) => x - y);
    expect(totals[Math.floor(0.95 * nRows)]! / totals[Math.floor(0.05 * nRows)]!).toBeGreaterThan(3);
    // Clusters differ: many genes' mean differs ≥ 4-fold between some two clusters (the markers).
    const types = [...new Set(a.labels)].sort();
    expect(types).toEqual(["type_0", "type_1", "type_2", "type_3"]);
    const sums = types.map(() => new Float64Array(nCols));
    const sizes = types.map(() => 0);
    for (let r = 0; r < nRows; r++) {
      const t = types.indexOf(a.labels![r]!);
      sizes[t]!++;
      for (let k = indptr[r]!; k < indptr[r + 1]!; k++) sums[t]![indices[k]!]! += data[k]!;
    }
    let markers = 0;
    for (let g = 0; g < nCols; g++) {
      const means = sums.map((s, t) => s[g]! / sizes[t]!);
      if (Math.max(...means) > 0.1 && Math.max(...means) >= 4 * Math.min(...means)) markers++;
    }
    expect(markers).toBeGreaterThan(0.005 * nCols);
  });
});
