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
});
