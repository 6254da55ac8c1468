import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadH5wasm, type H5Dataset } from "../io/hdf5.ts";
import { decodeNpy } from "../io/npy.ts";
import { makeTempDir, writeH5 } from "../io/testFiles.ts";
import { main } from "./main.ts";
import { sharedData } from "../test-support/sharedData.ts";

/** The shared benchmark data folder beside the repository. */
const sharedFile = (name: string) => sharedData(name);

const ENGINE = fileURLToPath(new URL("../../", import.meta.url));
const tmp = makeTempDir("scfnccl-cli-");
const CELLS = 300;
const GENES = 2000;
let counts: Float32Array;
let labels: Int32Array;

/** Runs the CLI in-process (the command-line binary itself is checked once, below). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** The CLI's error contract: exit 1, one line on stderr naming the file and the problem, no output. */
async function expectInputError(args: string[], file: string, problem: RegExp): Promise<void> {
  const out = tmp.path(`out-${Math.random().toString(36).slice(2)}`);
  const r = await cli("train", ...args, "--out", out, "--epochs", "1");
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("error:"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
  expect(existsSync(out)).toBe(false);
  expect(readdirSync(tmp.dir).filter((f) => f.includes(".partial-"))).toEqual([]);
}

beforeAll(async () => {
  await loadH5wasm();
  const f = new h5wasm.File(sharedFile("10X_PBMC_top2000.h5"), "r");
  counts = Float32Array.from((f.get("X") as H5Dataset).slice([[0, CELLS], []]) as Float32Array);
  labels = Int32Array.from((f.get("Y") as H5Dataset).slice([[0, CELLS]]) as Int32Array);
  f.close();
  await writeH5(tmp.path("small.h5"), [
    { name: "X", data: counts, shape: [CELLS, GENES], dtype: "<f4" },
    { name: "Y", data: labels, shape: [CELLS], dtype: "<i4" },
  ]);
});
afterAll(() => tmp.cleanup());

describe("scfnccl train", () => {
  it("writes clusters, embedding, weights and metrics", async () => {
    const out = tmp.path("run");
    const r = await cli("train", tmp.path("small.h5"), "--out", out, "--epochs", "2", "--seed", "0", "--set", "phi=0.9");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/backend: (wasm|tensorflow|cpu)/);
    expect(r.stderr).toMatch(/epoch 2\/2/);
    expect(readdirSync(out).sort()).toEqual(["clusters.csv", "embedding.npy", "metrics.json", "model.ckpt", "result.h5ad"]);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
    for (const key of ["acc", "nmi", "ari", "k", "epochs", "seed", "backend", "secondsPerEpoch"]) expect(metrics).toHaveProperty(key);
    expect(metrics.k).toBe(new Set(labels).size);
    expect(metrics.epochs).toBe(2);
    // Half of 2 epochs averaged is the last one alone, its BatchNorm statistics measured again.
    expect(metrics.selection).toBe("last epoch, BatchNorm re-measured (chosen without labels)");
    const csv = readFileSync(`${out}/clusters.csv`, "utf8").trim().split("\n");
    expect(csv[0]).toBe("cell,cluster,cluster_head");
    expect(csv).toHaveLength(CELLS + 1);
    expect(metrics.settings).toEqual({ phi: 0.9 });
    const emb = decodeNpy(readFileSync(`${out}/embedding.npy`));
    expect(emb.shape).toEqual([CELLS, 100]);
  });

  it("gives identical clusters for the same seed and backend, twice in a row", async () => {
    const a = await cli("train", tmp.path("small.h5"), "--out", tmp.path("same-a"), "--epochs", "2", "--seed", "5");
    const b = await cli("train", tmp.path("small.h5"), "--out", tmp.path("same-b"), "--epochs", "2", "--seed", "5");
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(readFileSync(tmp.path("same-b/clusters.csv"), "utf8")).toBe(readFileSync(tmp.path("same-a/clusters.csv"), "utf8"));
  });

  it("estimates K when the input has no labels and --clusters is not given, and writes the evidence", async () => {
    await writeH5(tmp.path("unlabelled.h5"), [{ name: "X", data: counts, shape: [CELLS, GENES], dtype: "<f4" }]);
    const out = tmp.path("unlabelled-run");
    const r = await cli("train", tmp.path("unlabelled.h5"), "--out", out, "--epochs", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/estimated k = \d+/);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
    expect(metrics.kSelection.k).toBe(metrics.k);
    expect(metrics.kSelection.candidates.length).toBeGreaterThanOrEqual(1);
    for (const c of metrics.kSelection.candidates) expect(Object.keys(c).sort()).toEqual(["k", "resolution", "score"]);
    expect(metrics.kSelection.candidates.map((c: { k: number }) => c.k)).toContain(metrics.k);
    expect(metrics).not.toHaveProperty("ari");
  });

  it("estimates K with --clusters auto even when the input has labels, which then only score", async () => {
    const out = tmp.path("auto-labelled");
    const r = await cli("train", tmp.path("small.h5"), "--out", out, "--epochs", "1", "--clusters", "auto");
    expect(r.code, r.stderr).toBe(0);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
    expect(metrics.k).toBe(metrics.kSelection.k);
    expect(metrics).toHaveProperty("ari");
  });

  it("refuses --clusters that is neither a whole number ≥ 2 nor auto", async () => {
    const r = await cli("train", tmp.path("small.h5"), "--out", tmp.path("bad-k"), "--clusters", "many");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--clusters must be an integer/);
  });

  it("names the file and the problem for a missing file", async () => {
    await expectInputError([tmp.path("nope.h5")], "nope.h5", /not found/);
  });

  it("names the file and the problem for a file of no known format", async () => {
    writeFileSync(tmp.path("blob.bin"), Uint8Array.of(0, 1, 2, 3, 0xff, 0xfe));
    await expectInputError([tmp.path("blob.bin")], "blob.bin", /unrecognised format/i);
  });

  it("says both what the name promises and what the content is for a .h5 whose content is not HDF5", async () => {
    writeFileSync(tmp.path("page.h5"), "<html>Access denied</html>\n");
    await expectInputError([tmp.path("page.h5")], "page.h5", /the name says HDF5 \(\.h5\) but the content is text, not HDF5/);
  });

  it("names the file and the problem for HDF5 of no known layout", async () => {
    await writeH5(tmp.path("other.h5"), [{ name: "matrix", data: new Float32Array(4), shape: [2, 2] }]);
    await expectInputError([tmp.path("other.h5")], "other.h5", /no known layout \(not h5ad, loom, 10x or X\/Y; found: matrix\)/);
  });

  it("trains on h5ad, a 10x folder and a CSV with a label file; result.h5ad opens in anndata with the clusters in obs", async () => {
    const runs: [string[], string, number][] = [
      [[sharedFile("formats/CellBench_sc_celseq2.h5ad"), "--label-key", "cell_type"], "cell_type", 274],
      [[sharedFile("formats/CellBench_sc_dropseq_10x")], "cell_type", 225],
      [[sharedFile("CellBench_sc_dropseq.count.csv.gz"), "--labels", sharedFile("CellBench_sc_dropseq.metadata.csv.gz"), "--label-key", "cell_line_demuxlet", "--format", "csv"], "cell_line_demuxlet", 225],
    ];
    for (const [args, labelColumn, nCells] of runs) {
      const out = tmp.path(`formats-${labelColumn}-${nCells}`);
      const r = await cli("train", ...args, "--out", out, "--epochs", "1");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`read .*: ${nCells} cells × \\d+ genes, labels from .*${labelColumn} \\(3 types\\)`));
      const script = [
        "import sys, json, warnings; warnings.simplefilter('ignore'); import anndata",
        "a = anndata.read_h5ad(sys.argv[1])",
        "r = a.uns.get('rank_genes_groups')",
        "rgg = None if r is None else {'groups': list(r['names'].dtype.names), 'n': int(r['names'].shape[0]), 'method': r['params']['method'], 'first': r['names'][0].tolist()[0] in a.var_names}",
        "print(json.dumps({'shape': list(a.shape), 'obs': {c: str(a.obs[c].dtype) for c in a.obs.columns}, 'k': len(a.obs['scfnccl'].cat.categories), 'obsm': {k: list(v.shape) for k, v in a.obsm.items()}, 'seed': int(a.uns['scfnccl']['seed']), 'var': list(a.var.columns), 'rgg': rgg, 'categories': [str(c) for c in a.obs['scfnccl'].cat.categories]}))",
      ].join("\n");
      const view = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, `${out}/result.h5ad`], { encoding: "utf8" }));
      expect(view).toEqual({
        shape: [nCells, expect.any(Number)],
        obs: { scfnccl: "category", scfnccl_head: "category", [labelColumn]: "category" },
        k: expect.any(Number),
        obsm: { X_scfnccl: [nCells, 100] },
        seed: 0,
        var: expect.any(Array),
        rgg: view.k > 1 ? { groups: view.categories, n: view.shape[1], method: "wilcoxon", first: true } : null,
        categories: expect.any(Array),
      });
      expect(view.k).toBeLessThanOrEqual(3);
    }
  });

  it("names the file and the problem when labels and cells differ in number", async () => {
    await writeH5(tmp.path("mismatch.h5"), [
      { name: "X", data: counts, shape: [CELLS, GENES], dtype: "<f4" },
      { name: "Y", data: labels.subarray(0, 10), shape: [10], dtype: "<i4" },
    ]);
    await expectInputError([tmp.path("mismatch.h5")], "mismatch.h5", /10 labels for 300 cells/);
  });

  it("rejects K < 2 as bad usage and K > cells as bad input", async () => {
    const r = await cli("train", tmp.path("small.h5"), "--out", tmp.path("k1"), "--clusters", "1");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--clusters must be an integer ≥ 2/);
    expect(existsSync(tmp.path("k1"))).toBe(false);
    await expectInputError([tmp.path("small.h5"), "--clusters", "301"], "small.h5", /exceeds the number of cells/);
  });

  it("names the file and the problem for NaN or negative counts", async () => {
    const nan = Float32Array.from(counts);
    nan[5] = Number.NaN;
    await writeH5(tmp.path("nan.h5"), [{ name: "X", data: nan, shape: [CELLS, GENES], dtype: "<f4" }, { name: "Y", data: labels, shape: [CELLS], dtype: "<i4" }]);
    await expectInputError([tmp.path("nan.h5")], "nan.h5", /NaN/);
    const negative = Float32Array.from(counts);
    negative[7] = -3;
    await writeH5(tmp.path("negative.h5"), [{ name: "X", data: negative, shape: [CELLS, GENES], dtype: "<f4" }, { name: "Y", data: labels, shape: [CELLS], dtype: "<i4" }]);
    await expectInputError([tmp.path("negative.h5")], "negative.h5", /negative/);
  });

  it("names the file and the problem for cells without counts", async () => {
    const zeroed = Float32Array.from(counts);
    zeroed.fill(0, 3 * GENES, 4 * GENES);
    await writeH5(tmp.path("empty-cell.h5"), [{ name: "X", data: zeroed, shape: [CELLS, GENES], dtype: "<f4" }, { name: "Y", data: labels, shape: [CELLS], dtype: "<i4" }]);
    await expectInputError([tmp.path("empty-cell.h5")], "empty-cell.h5", /no counts/);
  });

  it("leaves an existing output folder untouched when the input is bad", async () => {
    const out = tmp.path("keep");
    expect((await cli("train", tmp.path("small.h5"), "--out", out, "--epochs", "1")).code).toBe(0);
    const before = readFileSync(`${out}/clusters.csv`, "utf8");
    const r = await cli("train", tmp.path("nope.h5"), "--out", out, "--epochs", "1");
    expect(r.code).toBe(1);
    expect(readFileSync(`${out}/clusters.csv`, "utf8")).toBe(before);
  });

  it("rejects --set for a setting the method does not have, a word for a number, or a choice outside its list", async () => {
    const unknown = await cli("train", tmp.path("small.h5"), "--out", tmp.path("set1"), "--set", "learningRat=0.1");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/method scfnccl has no setting 'learningRat' \(its settings: .*learningRate/);
    const notNumber = await cli("train", tmp.path("small.h5"), "--out", tmp.path("set2"), "--set", "phi=high");
    expect(notNumber.code).toBe(2);
    expect(notNumber.stderr).toMatch(/setting phi of method scfnccl must be a number \(got 'high'\)/);
    const badChoice = await cli("train", tmp.path("small.h5"), "--out", tmp.path("set3"), "--set", "embedding=x");
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr).toMatch(/setting embedding of method scfnccl must be one of h, z/);
    const pinned = await cli("train", tmp.path("small.h5"), "--method", "sccl", "--out", tmp.path("set4"), "--set", "phi=0.9");
    expect(pinned.code).toBe(2);
    expect(pinned.stderr).toMatch(/method sccl has no setting 'phi'/);
    for (const dir of ["set1", "set2", "set3", "set4"]) expect(existsSync(tmp.path(dir))).toBe(false);
  });

  it("takes a string setting by --set and reports it in metrics.json", async () => {
    const out = tmp.path("set-h");
    const r = await cli("train", tmp.path("small.h5"), "--out", out, "--epochs", "1", "--set", "embedding=h", "--set", "phi=Infinity");
    expect(r.code).toBe(0);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8")) as { settings: Record<string, unknown> };
    // JSON has no Infinity: it is written as null.
    expect(metrics.settings).toEqual({ embedding: "h", phi: null });
    // h is the encoder's 60-d output.
    expect(decodeNpy(readFileSync(`${out}/embedding.npy`)).shape[1]).toBe(60);
  });


  it("explains bad usage", async () => {
    const r = await cli("train", "--epochs", "0");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: scfnccl train/);
  });

  it("as a command, exits non-zero with one line naming the file", () => {
    execFileSync(process.execPath, [`${ENGINE}/scripts/build.mjs`]);
    const r = spawnSync(process.execPath, [`${ENGINE}/dist/cli.js`, "train", tmp.path("missing.h5"), "--out", tmp.path("cmd")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`error: ${tmp.path("missing.h5")}: file not found`);
    expect(existsSync(tmp.path("cmd"))).toBe(false);
  });
});
