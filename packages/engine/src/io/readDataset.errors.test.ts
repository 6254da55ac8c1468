/**
 * Bad input: every problem is a single-line InputError naming the file, never a crash, and the HDF5
 * file is closed afterwards. Test files are written with h5wasm into a temp folder.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { InputError } from "../errors.ts";
import { readDataset, readScDeepClusterH5 } from "./index.ts";
import { inputErrorOf, isClosed, makeTempDir, writeH5, type H5Entry } from "./testFiles.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA_DIR = sharedData() + "/";
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

let fileNo = 0;
/** A fresh HDF5 file with the given entries. */
function h5(entries: H5Entry[]): Promise<string> {
  return writeH5(tmp.path(`f${fileNo++}.h5`), entries);
}

/** Runs `read` and checks it fails with an InputError for `file` whose problem matches `problem`. */
async function expectInputError(read: Promise<unknown>, file: string, problem: string | RegExp): Promise<InputError> {
  const e = await inputErrorOf(read);
  expect(e.file).toBe(file);
  if (typeof problem === "string") expect(e.problem).toBe(problem);
  else expect(e.problem).toMatch(problem);
  expect(e.message).toBe(`${file}: ${e.problem}`);
  return e;
}

const X4x3 = (): H5Entry => ({ name: "X", data: new Float32Array([1, 0, 2, 0, 0, 3, 4, 5, 0, 0, 0, 6]), shape: [4, 3] });

describe("file-level problems", () => {
  it("a missing file: 'file not found'", async () => {
    const p = tmp.path("nope.h5");
    await expectInputError(readDataset(p), p, "file not found");
    await expectInputError(readScDeepClusterH5(p), p, "file not found");
  });

  it("a path through a non-directory: 'file not found'", async () => {
    const p = tmp.path("plain.txt");
    writeFileSync(p, "hello");
    await expectInputError(readDataset(`${p}/x.h5`), `${p}/x.h5`, "file not found");
  });

  it("a folder that is not a 10x matrix folder", async () => {
    const d = tmp.path("a-folder");
    mkdirSync(d);
    await expectInputError(readDataset(d), d, "not a 10x matrix folder: no matrix.mtx(.gz), features.tsv.gz or genes.tsv, barcodes.tsv(.gz) (found: nothing)");
  });

  it("an empty file", async () => {
    const p = tmp.path("empty.h5");
    writeFileSync(p, "");
    await expectInputError(readDataset(p), p, "file is empty");
  });

  it("a file of no known format (a short binary file, the HDF5 signature at a non-user-block offset, plain prose, a bare .mtx); under an HDF5 name, what the name says and what the content is", async () => {
    const unrecognised = "unrecognised format (not HDF5, not text; gzip is read only when it holds text)";
    const notHdf5 = "the name says HDF5 (.h5) but the content is not HDF5 (no HDF5 signature at byte 0 or after a user block; truncated or another format)";
    const csv = tmp.path("counts.h5");
    writeFileSync(csv, "cell,g1,g2\nc1,1,2\n");
    await expectInputError(readScDeepClusterH5(csv), csv, "not an HDF5 file (unrecognised format)");
    const short = tmp.path("short.h5");
    writeFileSync(short, Uint8Array.of(0x89, 0x48, 0x44));
    await expectInputError(readDataset(short), short, notHdf5);
    const blob = tmp.path("blob.bin");
    writeFileSync(blob, Uint8Array.of(0x89, 0x48, 0x44, 0, 1, 2));
    await expectInputError(readDataset(blob), blob, unrecognised);
    const shifted = tmp.path("shifted.h5");
    writeFileSync(shifted, Buffer.concat([Buffer.alloc(100), readFileSync(DATA_DIR + "mouse_bladder_cell_top2000.h5")]));
    await expectInputError(readDataset(shifted), shifted, notHdf5);
    const prose = tmp.path("notes.txt");
    writeFileSync(prose, "just some words\n");
    await expectInputError(readDataset(prose), prose, "is a text file but not a CSV/TSV table (no comma, tab or semicolon in its first line)");
    const proseH5 = tmp.path("download.h5ad");
    writeFileSync(proseH5, "<html>404 Not Found</html>\n");
    await expectInputError(readDataset(proseH5), proseH5, "the name says HDF5 (.h5ad) but the content is text, not HDF5 (no HDF5 signature), and not a CSV/TSV table either");
    // The walkthrough's case: a CSV saved as .h5ad was read as a table and diagnosed as one ("a header but no rows").
    const tableH5ad = tmp.path("table.h5ad");
    writeFileSync(tableH5ad, "cell,g1,g2\n");
    await expectInputError(readDataset(tableH5ad), tableH5ad, "the name says HDF5 (.h5ad) but the content is a text table (CSV/TSV), not HDF5; rename it to .csv, or upload the real HDF5 file");
    const mtx = tmp.path("matrix.mtx");
    writeFileSync(mtx, "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 5\n");
    await expectInputError(readDataset(mtx), mtx, /^is a Matrix Market file, which holds no cell or gene names/);
  });
});

describe("truncated or corrupt HDF5", () => {
  it("a truncated copy of a shared file gives an InputError, not a crash, and prints nothing", async () => {
    const stderr = vi.spyOn(process.stderr, "write");
    const original = readFileSync(DATA_DIR + "10X_PBMC_top2000.h5");
    for (const bytes of [8, 1000, Math.floor(original.length / 2), original.length - 1]) {
      const p = tmp.path(`truncated-${bytes}.h5`);
      writeFileSync(p, original.subarray(0, bytes));
      await expectInputError(readDataset(p), p, /^corrupt or truncated HDF5 file \(.+\)$/);
    }
    const half = tmp.path(`truncated-${Math.floor(original.length / 2)}.h5`);
    await expectInputError(readScDeepClusterH5(half), half, /truncated file: eof = \d+/);
    expect(stderr).not.toHaveBeenCalled();
    stderr.mockRestore();
  });

  it("the HDF5 signature followed by junk", async () => {
    const p = tmp.path("junk.h5");
    const junk = new Uint8Array(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
    writeFileSync(p, Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), junk]));
    await expectInputError(readDataset(p), p, /^corrupt or truncated HDF5 file/);
  });

  it("a compressed chunk overwritten with junk fails while reading X, every time, and other files still read", async () => {
    const p = tmp.path("corrupt-chunk.h5");
    copyFileSync(DATA_DIR + "mouse_bladder_cell_top2000.h5", p);
    const bytes = readFileSync(p);
    bytes.fill(0x5a, 400_000, 420_000);
    writeFileSync(p, bytes);
    await expectInputError(readDataset(p), p, /^corrupt HDF5 file \(.*filter.*\)$/);
    // h5wasm's throwing error handler unwinds past its own H5Dclose, so the failed read leaves a
    // dataset handle (and with it the file) open; a second read must still fail cleanly, not crash.
    await expectInputError(readDataset(p), p, /^corrupt HDF5 file \(.*filter.*\)$/);
    const ok = await h5([X4x3()]);
    expect((await readDataset(ok)).counts.nRows).toBe(4);
  });
});

describe("layout problems", () => {
  it("no X names what was found", async () => {
    const p = await h5([
      { name: "a", data: new Float32Array([1, 2]) },
      { name: "b", group: true },
    ]);
    await expectInputError(readDataset(p), p, "an HDF5 file of no known layout (not h5ad, loom, 10x or X/Y; found: a, b)");
    await expectInputError(readScDeepClusterH5(p), p, "no dataset 'X' (found: a, b)");
    expect(await isClosed(p)).toBe(true);
  });

  it("an HDF5 file with nothing in it", async () => {
    const p = await h5([]);
    await expectInputError(readDataset(p), p, "an HDF5 file of no known layout (not h5ad, loom, 10x or X/Y; found: nothing)");
  });

  it("X that is a group (e.g. a sparse AnnData matrix)", async () => {
    const p = await h5([{ name: "X", group: true }, { name: "obs", group: true }]);
    await expectInputError(readDataset(p), p, "'X' is a group, not a dataset (found: X, obs)");
    await expectInputError(readScDeepClusterH5(p), p, "'X' is a group, not a dataset");
  });

  it("X not 2-D", async () => {
    const oneD = await h5([{ name: "X", data: new Float32Array([1, 2, 3, 4, 5]) }]);
    await expectInputError(readDataset(oneD), oneD, "X is not 2-D (shape: 5)");
    const threeD = await h5([{ name: "X", data: new Float32Array(24), shape: [2, 3, 4] }]);
    await expectInputError(readDataset(threeD), threeD, "X is not 2-D (shape: 2 × 3 × 4)");
    const scalar = await h5([{ name: "X", data: 7 }]);
    await expectInputError(readDataset(scalar), scalar, "X is not 2-D (shape: scalar)");
  });

  it("X with zero cells or zero genes", async () => {
    const noCells = await h5([{ name: "X", data: new Float32Array(0), shape: [0, 2000] }]);
    await expectInputError(readDataset(noCells), noCells, "X is empty (0 × 2000)");
    const noGenes = await h5([{ name: "X", data: new Float32Array(0), shape: [5, 0] }]);
    await expectInputError(readDataset(noGenes), noGenes, "X is empty (5 × 0)");
  });

  it("X of strings", async () => {
    const p = await h5([{ name: "X", data: ["a", "b", "c", "d"], shape: [2, 2] }]);
    await expectInputError(readDataset(p), p, /^X has a non-numeric type/);
  });
});

describe("bad values in X", () => {
  it("NaN and Infinity: count and first cell/gene, found across row blocks", async () => {
    const values = new Float64Array(6 * 4).fill(1);
    values[4 * 4 + 2] = NaN; // cell 4, gene 2
    values[5 * 4 + 0] = NaN;
    values[3 * 4 + 1] = Infinity; // cell 3, gene 1
    const p = await h5([{ name: "X", data: values, shape: [6, 4] }]);
    const problem = "X has 2 NaN values (first at cell 4, gene 2) and 1 infinite value (first at cell 3, gene 1: Infinity); expected non-negative counts";
    await expectInputError(readDataset(p, { rowsPerBlock: 2 }), p, problem);
    await expectInputError(readDataset(p), p, problem);
    expect(await isClosed(p)).toBe(true);
  });

  it("negative values: count, first cell/gene and value", async () => {
    const p = await h5([{ name: "X", data: new Int32Array([0, 3, 0, -1, 2, -5]), shape: [2, 3] }]);
    await expectInputError(readDataset(p), p, "X has 2 negative values (first at cell 1, gene 0: -1); expected non-negative counts");
  });
});

describe("bad labels", () => {
  it("Y not 1-D", async () => {
    const p = await h5([X4x3(), { name: "Y", data: new Int32Array(8), shape: [4, 2] }]);
    await expectInputError(readDataset(p), p, "Y is not 1-D (shape: 4 × 2)");
  });

  it("Y length different from the number of cells", async () => {
    const p = await h5([X4x3(), { name: "Y", data: new Int32Array([1, 2, 3]) }]);
    await expectInputError(readDataset(p), p, "Y has 3 labels for 4 cells");
  });

  it("NaN labels", async () => {
    const p = await h5([X4x3(), { name: "Y", data: new Float64Array([1, 2, NaN, NaN]) }]);
    await expectInputError(readDataset(p), p, "Y has 2 NaN labels (first at cell 2)");
    const inf = await h5([X4x3(), { name: "Y", data: new Float64Array([1, -Infinity, NaN, 1]) }]);
    await expectInputError(readDataset(inf), inf, "Y has 2 NaN/infinite labels (first at cell 1)");
  });

  it("Y that is a group", async () => {
    const p = await h5([X4x3(), { name: "Y", group: true }]);
    await expectInputError(readDataset(p), p, "'Y' is a group, not a dataset of labels");
  });

  it("an explicit labelKey that is missing (a missing default Y is fine)", async () => {
    const p = await h5([X4x3()]);
    await expectInputError(readDataset(p, { labelKey: "celltype" }), p, "no dataset 'celltype' for labels (found: X)");
    expect((await readDataset(p)).labels).toBeUndefined();
  });
});
