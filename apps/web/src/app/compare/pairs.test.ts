import { describe, expect, it } from "vitest";
import { agreementPairs, clusterTitle } from "./pairs";

const run = (id: string, dataset: string, status = "SUCCEEDED") => ({ id, status, dataset: { id: dataset, name: `data ${dataset}` } });

describe("which runs the comparison pairs", () => {
  it("pairs succeeded runs of one dataset and names every run it leaves out with the reason", () => {
    const r = agreementPairs([run("a", "d1"), run("b", "d1"), run("c", "d2"), run("d", "d1", "RUNNING")]);
    expect(r.pairs).toEqual([[0, 1]]);
    expect(r.leftOut.map((x) => x.index)).toEqual([2, 3]);
    expect(r.leftOut[0]!.reason).toContain("data d2");
    expect(r.leftOut[1]!.reason).toContain("running");
  });
});

describe("cross-table names", () => {
  it("shows the accepted label where a cluster has one", () => {
    const labels = new Map([[1, "B cell"]]);
    expect(clusterTitle(1, labels)).toBe("B cell (cluster 1)");
    expect(clusterTitle(0, labels)).toBe("cluster 0");
  });
});
