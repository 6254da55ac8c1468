import { describe, expect, it } from "vitest";
import { readLabelledDataset } from "./args.ts";
import { protocolRun } from "./protocols.ts";
import { sharedData } from "../src/test-support/sharedData.ts";

const DROPSEQ = "CellBench_sc_dropseq.count.csv.gz@CellBench_sc_dropseq.metadata.csv.gz#cell_line_demuxlet";

describe("bench:quality's protocols", () => {
  it("take K from the labelled cells only: cells without a label (pbmc3k has 62) are not a class", async () => {
    const data = await readLabelledDataset(sharedData(), DROPSEQ);
    const labels = data.labels!.map((l, i) => (i % 10 === 0 ? "" : l));
    const r = await protocolRun({ ...data, labels }, DROPSEQ, 0, "kmeans", "labels", {});
    expect(r.trueK).toBe(3);
    expect(r.k).toBe(3);
    expect(r.ari).toBeGreaterThan(0.8);
  });
});
