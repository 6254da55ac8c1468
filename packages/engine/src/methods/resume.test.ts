/**
 * Every trainer checkpoints and resumes through the registry's one entry point: a JojoSCL or scDCCA
 * run stopped mid-training (as a worker's death or a cancel would) and started again from its last
 * checkpoint ends on the same clusters as a run that was never stopped.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readDataset } from "../io/readDataset.ts";
import type { Dataset } from "../io/types.ts";
import { csrSubset } from "../pp/csr.ts";
import { sharedData } from "../test-support/sharedData.ts";
import { cluster, CLUSTER_METHODS, describeMethods } from "./cluster.ts";

let data: Dataset;
beforeAll(async () => {
  const full = await readDataset(sharedData("10X_PBMC_top2000.h5"));
  const rows = Int32Array.from({ length: 300 }, (_, i) => i);
  data = { ...full, counts: csrSubset(full.counts, rows, null), cells: full.cells.slice(0, 300), labels: full.labels?.slice(0, 300) };
});

describe("resuming a method from its checkpoint", () => {
  it("declares which methods resume", () => {
    expect(describeMethods().filter((m) => m.resumable).map((m) => m.name)).toEqual(["scfnccl", "sccl", "jojoscl", "scdcca"]);
    expect(CLUSTER_METHODS.jojoscl.resumable).toBe(true);
  });

  it.each([
    ["jojoscl", { epochs: 4, batchSize: 100 }],
    ["scdcca", { epochs: 4, batchSize: 100 }],
  ] as const)("a %s run killed after epoch 2 of 4 resumes from that checkpoint to the uninterrupted run's clusters", async (method, settings) => {
    const options = { method, k: 4, seed: 2, settings };
    const full = await cluster(data, options);

    const checkpoints = new Map<number, Uint8Array>();
    const controller = new AbortController();
    const killed = cluster(data, {
      ...options,
      checkpointEvery: 1,
      signal: controller.signal,
      onCheckpoint: (bytes, epoch) => {
        checkpoints.set(epoch, bytes);
        if (epoch === 2) controller.abort();
      },
    });
    await expect(killed).rejects.toThrow();
    expect([...checkpoints.keys()]).toEqual([1, 2]);

    const epochs: number[] = [];
    const resumed = await cluster(data, { ...options, resumeFrom: checkpoints.get(2), onProgress: (p) => p.epoch && epochs.push(p.epoch.epoch) });
    expect(epochs).toEqual([3, 4]);
    expect(Array.from(resumed.clusters)).toEqual(Array.from(full.clusters));
    expect(Array.from(resumed.embedding!.values)).toEqual(Array.from(full.embedding!.values));
  });

  it("an scDCCA checkpoint is refused, by name, for another k or other settings, and scFNCCL's for scDCCA", async () => {
    const options = { method: "scdcca" as const, k: 4, seed: 2, settings: { epochs: 1, batchSize: 100 } };
    const { files } = await cluster(data, options);
    const bytes = files!["model.ckpt"]!;
    await expect(cluster(data, { ...options, k: 5, resumeFrom: bytes })).rejects.toThrow(/^the scDCCA checkpoint was trained with k 4, this run has 5$/);
    await expect(cluster(data, { ...options, settings: { ...options.settings, learningRate: 0.01 }, resumeFrom: bytes })).rejects.toThrow(/other settings/);
    const scfnccl = await cluster(data, { method: "scfnccl", k: 4, seed: 2, settings: { epochs: 1, batchSize: 100 } });
    await expect(cluster(data, { ...options, resumeFrom: scfnccl.files!["model.ckpt"] })).rejects.toThrow(/^not an scDCCA checkpoint/);
  });
});
