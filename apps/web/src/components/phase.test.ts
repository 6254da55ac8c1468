import { describe, expect, it } from "vitest";
import { describePhase } from "./phase";

describe("run phase", () => {
  it("names loading with its share instead of 'Clustering…'", () => {
    expect(describePhase({ status: "RUNNING", phase: "loading", phaseProgress: 0.4 })).toEqual({ text: "Loading the data (step 1 of 7)… 40%", value: 0.4 });
  });
  it("gives the epoch and the time left while training", () => {
    expect(describePhase({ status: "RUNNING", phase: "TRAINING", epoch: 20, epochs: 200, etaSeconds: 300 }).text).toBe("Training (step 3 of 7): epoch 20 of 200 · about 5 min left");
  });
  it("after the last epoch says what follows, not 'Epoch 20 of 20 · about 0 s left'", () => {
    const d = describePhase({ status: "RUNNING", phase: "umap", epoch: 20, epochs: 20, etaSeconds: 0 });
    expect(d.text).toBe("Computing the UMAP (step 5 of 7)…");
    expect(d.value).toBeNull();
  });
  it("says waiting, done, failed and cancelled from the status", () => {
    expect(describePhase({ status: "QUEUED" }).text).toBe("Waiting for a worker…");
    expect(describePhase({ status: "SUCCEEDED", phase: "saving" })).toEqual({ text: "Done", value: 1 });
    expect(describePhase({ status: "CANCELLED" }).text).toBe("Cancelled");
  });
});
