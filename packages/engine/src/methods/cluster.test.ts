import { beforeAll, describe, expect, it } from "vitest";
import { readDataset } from "../io/readDataset.ts";
import type { Dataset } from "../io/types.ts";
import { csrSubset } from "../pp/csr.ts";
import { cluster, CLUSTER_METHOD_NAMES } from "./cluster.ts";
import { clusterGraph } from "../tl/clusterGraph.ts";
import type { ClusterProgress } from "../progress.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA = sharedData() + "/";

/** The first n cells of a dataset (a subset keeps the test fast). */
function head(data: Dataset, n: number): Dataset {
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  return { ...data, counts: csrSubset(data.counts, rows, null), cells: data.cells.slice(0, n), labels: data.labels?.slice(0, n) };
}

describe("tl.cluster", () => {
  let pbmc: Dataset;
  beforeAll(async () => {
    pbmc = head(await readDataset(`${DATA}10X_PBMC_top2000.h5`), 800);
  });

  it("lists the registered methods", () => {
    expect(CLUSTER_METHOD_NAMES).toEqual(expect.arrayContaining(["seurat", "leiden", "kmeans", "scfnccl", "sccl", "jojoscl", "scdcca"]));
  });

  it("seurat finds the requested number of clusters by resolution search and scores them against the labels", async () => {
    const stages: string[] = [];
    const r = await cluster(pbmc, { method: "seurat", k: 8, seed: 0, onProgress: (p: ClusterProgress) => stages.push(p.stage) });
    expect(r.method).toBe("seurat");
    expect(r.k).toBe(8);
    expect(new Set(r.clusters).size).toBe(8);
    expect(r.cells.length).toBe(800);
    expect(r.embedding!.dim).toBe(30);
    expect(r.embedding!.values.length).toBe(800 * 30);
    expect(r.resolution).toBeGreaterThan(0);
    // Real PBMC cell types: a working pipeline lands far above chance even on an 800-cell subset.
    expect(r.scores!.ari).toBeGreaterThan(0.5);
    expect(stages).toEqual(expect.arrayContaining(["pca", "neighbors", "louvain"]));
  });

  it("seurat without k uses the resolution, and a higher resolution gives more clusters", async () => {
    const low = await cluster(pbmc, { method: "seurat", resolution: 0.2, seed: 0 });
    const high = await cluster(pbmc, { method: "seurat", resolution: 1.5, seed: 0 });
    expect(low.resolution).toBe(0.2);
    expect(high.k).toBeGreaterThan(low.k);
  });

  it("kmeans takes k from the labels when it is not given, and is reproducible by seed", async () => {
    const a = await cluster(pbmc, { method: "kmeans", seed: 3 });
    const b = await cluster(pbmc, { method: "kmeans", seed: 3 });
    expect(a.k).toBe(8);
    expect(Array.from(a.clusters)).toEqual(Array.from(b.clusters));
    expect(a.scores!.ari).toBeGreaterThan(0.3);
  });

  it("sccl is scFNCCL's training with only the losses swapped, and refuses a setting that would switch them back", async () => {
    const r = await cluster(pbmc, { method: "sccl", seed: 0, settings: { epochs: 2, temperature: 0.2, embedding: "h" } });
    const history = r.details!.history as { droppedShare: number; extraLoss: number }[];
    expect(history).toHaveLength(2);
    // φ is ∞ (NT-Xent): no negative is ever dropped.
    expect(history.every((s) => s.droppedShare === 0)).toBe(true);
    expect(r.details!.embedding).toBe("h");
    expect(r.k).toBe(8);
    expect(new Set(r.clusters).size).toBeGreaterThan(1);
    await expect(cluster(pbmc, { method: "sccl", settings: { epochs: 1, embedding: "q" } })).rejects.toThrow(/setting embedding of method sccl must be one of h, z/);
    await expect(cluster(pbmc, { method: "sccl", settings: { epochs: 1, phi: 0.5 } })).rejects.toThrow(/method sccl has no setting 'phi'/);
    await expect(cluster(pbmc, { method: "sccl", settings: { epochs: 1, clusterLoss: "correlation" } })).rejects.toThrow(/has no setting 'clusterLoss'/);
  });

  it("scfnccl can cluster its embedding with Seurat's graph clustering instead of k-means", async () => {
    const r = await cluster(pbmc, { method: "scfnccl", seed: 0, settings: { epochs: 2, clustering: "graph" } });
    expect(r.details!.clustering).toBe("graph");
    expect(r.k).toBe(8);
    // The resolution search lands on k here; the count may differ by a singleton fold only on odd graphs.
    expect(new Set(r.clusters).size).toBe(8);
    // The clusters are the graph clustering of the embedding the run returns, not k-means'.
    const { values, dim } = r.embedding!;
    const graph = clusterGraph({ x: values, nRows: r.cells.length, nCols: dim }, { k: 8, seed: 0 });
    expect(Array.from(r.clusters)).toEqual(Array.from(graph.grouped.labels));
    expect(r.scores!.ari).toBeGreaterThan(0.2);
    await expect(cluster(pbmc, { method: "scfnccl", settings: { epochs: 1, clustering: "leiden" } })).rejects.toThrow(
      /setting clustering of method scfnccl must be one of kmeans, graph/,
    );
  });

  it("jojoscl trains its 512→256→128 encoder with the SURE step and records the term", async () => {
    const r = await cluster(pbmc, { method: "jojoscl", seed: 0, settings: { epochs: 1 } });
    const history = r.details!.history as { droppedShare: number; extraLoss: number; loss: number }[];
    expect(history).toHaveLength(1);
    expect(history[0]!.droppedShare).toBe(0);
    // The SURE value is ~0 by construction (see sureShrinkageLoss); what matters is that it ran and is finite.
    expect(Number.isFinite(history[0]!.extraLoss)).toBe(true);
    expect(Math.abs(history[0]!.extraLoss)).toBeLessThan(1e-3);
    expect(r.details!.sureWeight).toBe(1);
    expect(r.embedding!.dim).toBe(100);
    await expect(cluster(pbmc, { method: "jojoscl", settings: { epochs: 1, sureWeight: -1 } })).rejects.toThrow(/sureWeight/);
  });

  it("scdcca trains its ZINB autoencoder with both contrastive losses and clusters the bottleneck", async () => {
    const small = head(pbmc, 300);
    const r = await cluster(small, { method: "scdcca", seed: 0, settings: { epochs: 3, batchSize: 100 } });
    const history = r.details!.history as { loss: number; extraLoss: number; instanceLoss: number; clusterLoss: number }[];
    expect(history).toHaveLength(3);
    for (const s of history) {
      // extraLoss carries the ZINB reconstruction term; all three parts are live.
      expect(s.extraLoss).toBeGreaterThan(0);
      expect(s.loss).toBeCloseTo(s.extraLoss + s.instanceLoss + s.clusterLoss, 4);
    }
    expect(history[2]!.extraLoss).toBeLessThan(history[0]!.extraLoss);
    expect(r.embedding!.dim).toBe(32);
    expect(r.clusters.length).toBe(300);
    expect(r.extraClusters!.cluster_head!.length).toBe(300);
    const again = await cluster(small, { method: "scdcca", seed: 0, settings: { epochs: 3, batchSize: 100 } });
    expect(Array.from(again.clusters)).toEqual(Array.from(r.clusters));
  });

  // A missing k without labels is no longer an error: K is estimated (kSelection.test.ts, cli/main.test.ts).
  it("rejects an unknown method and a bad resolution, naming them", async () => {
    await expect(cluster(pbmc, { method: "nope" as "seurat" })).rejects.toThrow(/unknown clustering method 'nope'/);
    await expect(cluster(pbmc, { method: "seurat", resolution: 0 })).rejects.toThrow(/setting resolution of method seurat must be a number > 0 and ≤ 10 \(got 0\)/);
  });
});
