import { describe, expect, it } from "vitest";
import { parseRunCells } from "./cells";

/** A cells file as the API writes it: uint32 header length, JSON header, 4-byte aligned arrays. */
function cellsFile(n: number, withLabels: boolean): ArrayBuffer {
  const arrays: Record<string, { offset: number; dtype: string; shape: number[] }> = {};
  const specs: [string, string, number[]][] = [
    ["umap", "float32", [n, 2]],
    ["cluster", "int32", [n]],
    ["cell", "int32", [n]],
    ...(withLabels ? ([["label", "int32", [n]]] as [string, string, number[]][]) : []),
  ];
  // Offsets depend on the header's length, which depends on the offsets: pad the header instead.
  const headerBytes = 512;
  let offset = 4 + headerBytes;
  for (const [name, dtype, shape] of specs) {
    arrays[name] = { offset, dtype, shape };
    offset += shape.reduce((a, b) => a * b, 1) * 4;
  }
  const header = JSON.stringify({ version: 1, n, nComponents: 2, k: 2, labelKey: withLabels ? "cell_type" : null, labelNames: withLabels ? ["T", "B"] : [], arrays });
  const buf = new ArrayBuffer(offset);
  new DataView(buf).setUint32(0, headerBytes, true);
  new Uint8Array(buf, 4, headerBytes).set(new TextEncoder().encode(header.padEnd(headerBytes, " ")));
  new Float32Array(buf, arrays["umap"]!.offset, n * 2).set(Array.from({ length: n * 2 }, (_, i) => i / 2));
  new Int32Array(buf, arrays["cluster"]!.offset, n).set(Array.from({ length: n }, (_, i) => i % 2));
  new Int32Array(buf, arrays["cell"]!.offset, n).set(Array.from({ length: n }, (_, i) => 10 + i));
  if (withLabels) new Int32Array(buf, arrays["label"]!.offset, n).set(Array.from({ length: n }, (_, i) => (i === 0 ? -1 : i % 2)));
  return buf;
}

describe("parseRunCells", () => {
  it("views the coordinates, clusters, cell indices and labels in place", () => {
    const c = parseRunCells(cellsFile(3, true));
    expect(c.n).toBe(3);
    expect([...c.umap]).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect([...c.cluster]).toEqual([0, 1, 0]);
    expect([...c.cell]).toEqual([10, 11, 12]);
    expect(c.labelKey).toBe("cell_type");
    expect(c.labelNames).toEqual(["T", "B"]);
    expect([...c.label!]).toEqual([-1, 1, 0]);
  });

  it("has no labels when the dataset has none", () => {
    const c = parseRunCells(cellsFile(2, false));
    expect(c.label).toBeNull();
    expect(c.labelNames).toEqual([]);
  });

  it("refuses a truncated file instead of reading past its end", () => {
    const whole = cellsFile(4, false);
    expect(() => parseRunCells(whole.slice(0, whole.byteLength - 4))).toThrow(/'cell' lies outside the file/);
    expect(() => parseRunCells(whole.slice(0, 100))).toThrow(/header runs past the end/);
    expect(() => parseRunCells(new ArrayBuffer(2))).toThrow(/shorter than its header/);
  });
});
