import { existsSync, readFileSync } from "node:fs";
import h5wasm from "h5wasm/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadH5wasm, type H5Dataset } from "../io/hdf5.ts";
import { decodeNpy } from "../io/npy.ts";
import { makeTempDir, writeH5 } from "../io/testFiles.ts";
import { main } from "./main.ts";
import { sharedData } from "../test-support/sharedData.ts";

const sharedFile = (name: string) => sharedData(name);
const tmp = makeTempDir("scfnccl-cli-method-");
const CELLS = 400;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  await loadH5wasm();
  const f = new h5wasm.File(sharedFile("10X_PBMC_top2000.h5"), "r");
  const counts = Float32Array.from((f.get("X") as H5Dataset).slice([[0, CELLS], []]) as Float32Array);
  const labels = Int32Array.from((f.get("Y") as H5Dataset).slice([[0, CELLS]]) as Int32Array);
  f.close();
  await writeH5(tmp.path("small.h5"), [
    { name: "X", data: counts, shape: [CELLS, 2000], dtype: "<f4" },
    { name: "Y", data: labels, shape: [CELLS], dtype: "<i4" },
  ]);
});
afterAll(() => tmp.cleanup());

describe("scfnccl train --method", () => {
  it("seurat writes clusters, its PCs as the embedding and metrics with the resolution found for K", async () => {
    const out = tmp.path("seurat");
    const r = await cli("train", tmp.path("small.h5"), "--method", "seurat", "--clusters", "5", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ARI [0-9.]+ .*k 5 {2}seurat resolution/);
    const csv = readFileSync(`${out}/clusters.csv`, "utf8").trim().split("\n");
    expect(csv[0]).toBe("cell,cluster");
    expect(csv).toHaveLength(CELLS + 1);
    const emb = decodeNpy(readFileSync(`${out}/embedding.npy`));
    expect(emb.shape).toEqual([CELLS, 30]);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8")) as Record<string, unknown>;
    expect(metrics.method).toBe("seurat");
    expect(metrics.k).toBe(5);
    expect(metrics.resolution).toBeGreaterThan(0);
    expect(typeof metrics.ari).toBe("number");
    expect(existsSync(`${out}/model.ckpt`)).toBe(false);
  });

  it("seurat takes --resolution when no K is given", async () => {
    const out = tmp.path("seurat-res");
    const r = await cli("train", tmp.path("small.h5"), "--method", "seurat", "--resolution", "0.5", "--out", out);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(`${out}/metrics.json`, "utf8")).resolution).toBe(0.5);
  });

  it("kmeans takes K from the labels", async () => {
    const out = tmp.path("kmeans");
    const r = await cli("train", tmp.path("small.h5"), "--method", "kmeans", "--out", out);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(`${out}/metrics.json`, "utf8")).k).toBe(new Set(readFileSync(`${out}/clusters.csv`, "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[1])).size);
  });

  it("rejects an unknown method and a resolution ≤ 0 as bad usage, listing the methods", async () => {
    const bad = await cli("train", tmp.path("small.h5"), "--method", "magic", "--out", tmp.path("x"));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--method must be one of seurat, leiden, kmeans, scfnccl/);
    const res = await cli("train", tmp.path("small.h5"), "--method", "seurat", "--resolution", "0", "--out", tmp.path("y"));
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--resolution must be a number > 0 and ≤ 10 \(got 0\)/);
  });

  it("consensus --clusters auto estimates K, trains its scFNCCL base through the method path and writes the evidence", async () => {
    const out = tmp.path("consensus");
    const r = await cli("train", tmp.path("small.h5"), "--method", "consensus", "--clusters", "auto", "--set", "deepEpochs=1", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/consensus: train/);
    expect(r.stderr).toMatch(/estimated k = \d+/);
    const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
    expect(metrics.method).toBe("consensus");
    expect(metrics.k).toBe(metrics.kSelection.k);
    expect(metrics.bases.map((b: { name: string }) => b.name)).toEqual(["scfnccl", "seurat-leiden", "kmeans"]);
    expect(metrics.deepBase).toBe("scfnccl, 1 epochs");
    // The trained base's weights travel with the result, as scFNCCL's own.
    expect(existsSync(`${out}/model.ckpt`)).toBe(true);
    expect(readFileSync(`${out}/clusters.csv`, "utf8").trim().split("\n")).toHaveLength(CELLS + 1);
  });
});

describe("consensus --clusters auto on every shared format", () => {
  const files: [string, string[]][] = [
    ["formats/10X_PBMC_top2000_dense.h5ad", []],
    ["formats/CellBench_sc_celseq2.h5ad", []],
    ["formats/CellBench_sc_dropseq_10x", []],
    ["CellBench_sc_celseq2.count.csv.gz", ["--labels", sharedFile("CellBench_sc_celseq2.metadata.csv.gz"), "--label-key", "cell_line"]],
    ["mouse_bladder_cell_top2000.h5", []],
  ];
  for (const [file, extra] of files) {
    it(`reads ${file}, estimates K and clusters it`, async () => {
      const out = tmp.path(`consensus-${file.replace(/\W+/g, "-")}`);
      // The cheap bases only: the scFNCCL base is checked above on one file.
      const r = await cli("train", sharedFile(file), ...extra, "--method", "consensus", "--clusters", "auto", "--set", "deepBase=none", "--drop-empty-cells", "--out", out);
      expect(r.code, r.stderr).toBe(0);
      const metrics = JSON.parse(readFileSync(`${out}/metrics.json`, "utf8"));
      expect(metrics.kSelection.k).toBe(metrics.k);
      expect(metrics.k).toBeGreaterThanOrEqual(2);
      expect(metrics.bases.map((b: { name: string }) => b.name)).toEqual(["seurat-leiden", "kmeans"]);
      // Every shared file has labels: they score the estimated-K clustering far above chance.
      expect(metrics.ari).toBeGreaterThan(0.3);
    }, 600_000);
  }
});
