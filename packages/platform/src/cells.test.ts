import { describe, expect, it } from "vitest";
import { decodeCellsFile, encodeCellsFile } from "./cells.ts";

const n = 5;
const input = {
  k: 2,
  umap: Float32Array.from({ length: 2 * n }, (_, i) => i / 2),
  cluster: Int32Array.from([0, 0, 1, 1, 1]),
  cell: Int32Array.from([4, 3, 2, 1, 0]),
  labels: ["B", "B", "NK", "", "NK"],
  labelKey: "obs/cell_type",
};

describe("cells file", () => {
  it("decodes to the arrays it was given, labels as indices into labelNames (-1 missing)", () => {
    const f = decodeCellsFile(encodeCellsFile(input));
    expect(f).toMatchObject({ n, k: 2, labelKey: "obs/cell_type", labelNames: ["B", "NK"] });
    expect(f.umap).toEqual(input.umap);
    expect(f.cluster).toEqual(input.cluster);
    expect(f.cell).toEqual(input.cell);
    expect([...f.label!]).toEqual([0, 0, 1, -1, 1]);
    for (const a of Object.values(f.header.arrays)) expect(a!.offset % 4).toBe(0);
  });

  it("reads an unaligned copy (a pooled Node Buffer) and an ArrayBuffer alike", () => {
    const bytes = encodeCellsFile({ ...input, labels: null, labelKey: "ignored" });
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const a = decodeCellsFile(shifted);
    expect(a.umap).toEqual(input.umap);
    expect(a.label).toBeNull();
    expect(a.labelKey).toBeNull();
    expect(decodeCellsFile(bytes.slice().buffer).cell).toEqual(input.cell);
  });

  it("refuses a truncated file with a one-line reason", () => {
    const bytes = encodeCellsFile(input);
    expect(() => decodeCellsFile(bytes.subarray(0, 2))).toThrow("cells file: shorter than its header");
    expect(() => decodeCellsFile(bytes.subarray(0, bytes.length - 4))).toThrow("cells file: 'label' lies outside the file");
  });
});
