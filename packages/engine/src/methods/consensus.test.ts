import { beforeAll, describe, expect, it } from "vitest";
import { readDataset } from "../io/readDataset.ts";
import type { Dataset } from "../io/types.ts";
import { ari } from "../metrics/ari.ts";
import { encodeLabels } from "../metrics/encodeLabels.ts";
import { csrSubset } from "../pp/csr.ts";
import { sharedData } from "../test-support/sharedData.ts";
import { consensusCluster, fillUnclustered } from "./consensus.ts";

describe("consensus's chosen base", () => {
  it("gives a cell the chosen base left out the chosen cluster of the cells another base puts with it", () => {
    const chosen = Int32Array.from([0, 0, 0, 1, 1, 1, -1, -1]);
    const other = Int32Array.from([5, 5, 5, 7, 7, 7, 7, 5]);
    const out = fillUnclustered([{ name: "chosen", labels: chosen }, { name: "other", labels: other }], 0);
    expect(Array.from(out)).toEqual([0, 0, 0, 1, 1, 1, 1, 0]);
  });

  it("opens a cluster of its own for a cell no other base can place", () => {
    const chosen = Int32Array.from([0, 0, 1, 1, -1]);
    const other = Int32Array.from([0, 0, 1, 1, -1]);
    const out = fillUnclustered([{ name: "chosen", labels: chosen }, { name: "other", labels: other }], 0);
    expect(Array.from(out)).toEqual([0, 0, 1, 1, 2]);
  });
});

describe("consensus's families and its cut", () => {
  let pbmc: Dataset;
  let codes: Int32Array;
  beforeAll(async () => {
    const data = await readDataset(`${sharedData()}/10X_PBMC_top2000.h5`);
    const rows = Int32Array.from({ length: 600 }, (_, i) => i);
    pbmc = { ...data, counts: csrSubset(data.counts, rows, null), cells: data.cells.slice(0, 600), labels: data.labels?.slice(0, 600) };
    codes = encodeLabels(pbmc.labels!).codes;
  });
  // A trained base whose embedding knows the cell types (one-hot of the label, a little noise): what a good deep base gives.
  const trainBase = async () => {
    const k = Math.max(...codes) + 1;
    const values = new Float32Array(600 * k);
    let s = 1;
    const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 0.2;
    codes.forEach((c, i) => {
      for (let d = 0; d < k; d++) values[i * k + d] = (d === c ? 1 : 0) + noise();
    });
    return { cells: Int32Array.from({ length: 600 }, (_, i) => i), clusters: Int32Array.from(codes), embedding: { values, dim: k }, description: "oracle" };
  };
  const scoreOf = (r: { cells: Int32Array; clusters: Int32Array }) => ari(Array.from(r.cells, (c) => codes[c]!), r.clusters);

  it("votes by family: each family's members share a weight of 1, its base first", async () => {
    const r = await consensusCluster(pbmc, { k: 6, seed: 0, members: 3, trainBase });
    expect(r.bases.map((b) => b.name)).toEqual(["scfnccl", "seurat-leiden", "kmeans"]);
    expect(r.members.map((m) => m.name)).toEqual(["scfnccl", "scfnccl-kmeans@1000", "scfnccl-leiden@0", "seurat-leiden", "seurat-leiden@1000", "seurat-leiden@2000", "kmeans", "kmeans@1000", "kmeans@2000"]);
    expect(r.members.reduce((s, m) => s + m.weight!, 0)).toBeCloseTo(3, 10);
    const one = await consensusCluster(pbmc, { k: 6, seed: 0, members: 1, deepBase: "none" });
    expect(one.members.map((m) => m.name)).toEqual(["seurat-leiden", "kmeans"]);
  });

  it("adds the trained embedding's neighbour graph to the PCs' for the cut: a base that knows the cell types pulls the cut towards them", async () => {
    const pcsOnly = await consensusCluster(pbmc, { k: 6, seed: 0, trainBase, embeddingGraphWeight: 0 });
    const both = await consensusCluster(pbmc, { k: 6, seed: 0, trainBase });
    expect(scoreOf(both)).toBeGreaterThan(scoreOf(pcsOnly) + 0.02);
  });

  it("cuts by default with Leiden when k is given and takes the most agreeing base (anmi) when k is estimated", async () => {
    const given = await consensusCluster(pbmc, { k: 6, seed: 0, deepBase: "none", members: 2 });
    expect(given.cut).toBe("leiden");
    expect(given.members).toHaveLength(4);
    const estimated = await consensusCluster(pbmc, { k: "auto", seed: 0, deepBase: "none", members: 2 });
    expect(estimated.cut).toBe("anmi");
    expect(estimated.kSelection!.k).toBe(estimated.k);
    // The choice reads each family's base alone, so no other members are computed.
    expect(estimated.members.map((m) => m.name)).toEqual(["seurat-leiden", "kmeans"]);
    expect(ari(estimated.clusters, estimated.bases.find((b) => b.name === estimated.chosen!.name)!.labels)).toBe(1);
  });

  it("refuses a members count or a graph weight it cannot use, by name", async () => {
    await expect(consensusCluster(pbmc, { k: 6, members: 0, deepBase: "none" })).rejects.toThrow(/members must be an integer ≥ 1 \(got 0\)/);
    await expect(consensusCluster(pbmc, { k: 6, embeddingGraphWeight: -1, deepBase: "none" })).rejects.toThrow(/embeddingGraphWeight must be ≥ 0/);
  });
});
