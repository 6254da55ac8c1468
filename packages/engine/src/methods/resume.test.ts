/**
 * Every trainer that checkpoints resumes through the registry's one entry point: a JojoSCL run
 * stopped mid-training (as a worker's death or a cancel would) and started again from its last
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
    expect(describeMethods().filter((m) => m.resumable).map((m) => m.name)).toEqual(["scfnccl", "sccl", "jojoscl"]);
    expect(CLUSTER_METHODS.jojoscl.resumable).toBe(true);
  });

  it("a JojoSCL run killed after epoch 2 of 4 resumes from that checkpoint to the uninterrupted run's clusters", async () => {
    const options = { method: "jojoscl" as const, k: 4, seed: 2, settings: { epochs: 4, batchSize: 100 } };
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
});
