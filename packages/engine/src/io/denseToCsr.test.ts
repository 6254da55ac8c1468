import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { csrFromDense } from "../pp/csr.ts";
import { DEFAULT_MAX_BLOCK_BYTES, DenseToCsr, planRowBlocks } from "./denseToCsr.ts";

describe("DenseToCsr", () => {
  const dense = [0, 1, 2, 0, 0, 0, 3, 0, 0, 0, 0, 4];

  it("builds the same CSR as csrFromDense, whatever the blocks", () => {
    const expected = csrFromDense(dense, 4, 3);
    for (const split of [[4], [1, 1, 1, 1], [3, 1], [2, 2]]) {
      const b = new DenseToCsr(4, 3, "X", "f.h5");
      let r = 0;
      for (const n of split) {
        b.addRows(Float64Array.from(dense.slice(r * 3, (r + n) * 3)));
        r += n;
      }
      expect(b.finish()).toEqual(expected);
    }
  });

  it("accepts 64-bit integer blocks", () => {
    const b = new DenseToCsr(4, 3, "X", "f.h5");
    b.addRows(BigInt64Array.from(dense, BigInt));
    expect(b.finish()).toEqual(csrFromDense(dense, 4, 3));
  });

  it("reports NaN, infinite and negative values with their count and first cell/gene, in a later block too", () => {
    const b = new DenseToCsr(3, 2, "X", "f.h5");
    b.addRows(Float32Array.of(1, 2));
    b.addRows(Float32Array.of(-0, -Infinity, -2, NaN));
    try {
      b.finish();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toBe(
        "f.h5: X has 1 NaN value (first at cell 2, gene 1) and 1 infinite value (first at cell 1, gene 1: -Infinity) and 1 negative value (first at cell 2, gene 0: -2); expected non-negative counts",
      );
    }
  });

  it("refuses more rows than declared", () => {
    const b = new DenseToCsr(1, 2, "X", "f.h5");
    expect(() => b.addRows(Float32Array.of(1, 2, 3, 4))).toThrow(/2 rows for a 1-row matrix/);
  });
});

describe("planRowBlocks", () => {
  const covers = (blocks: [number, number][], n: number) => {
    expect(blocks[0]![0]).toBe(0);
    expect(blocks.at(-1)![1]).toBe(n);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]![0]).toBe(blocks[i - 1]![1]);
  };

  it("reads ~2000 rows at a time, rounded up to whole chunks", () => {
    // 10X_PBMC_top2000.h5: 4271 × 2000 float32 in 134 × 125 chunks
    const blocks = planRowBlocks(4271, 2000, 4, 134);
    expect(blocks).toEqual([
      [0, 2010],
      [2010, 4020],
      [4020, 4271],
    ]);
  });

  it("reads a single-chunk matrix that fits the budget in one go", () => {
    // mouse_bladder_cell_select_2100.h5: 2100 × 20670 int32, one chunk (174 MB)
    expect(planRowBlocks(2100, 20670, 4, 2100)).toEqual([[0, 2100]]);
  });

  it("never reads worm_neuron_cell.h5 (4186 × 13488 float64, one 451 MB chunk) whole, and uses the fewest reads", () => {
    const blocks = planRowBlocks(4186, 13488, 8, 4186);
    expect(blocks).toEqual([
      [0, 2093],
      [2093, 4186],
    ]);
    for (const [a, b] of blocks) expect((b - a) * 13488 * 8).toBeLessThanOrEqual(DEFAULT_MAX_BLOCK_BYTES);
  });

  it("honours rowsPerBlock and maxBlockBytes, for contiguous data too", () => {
    covers(planRowBlocks(10, 3, 4, null, { rowsPerBlock: 3 }), 10);
    expect(planRowBlocks(10, 3, 4, null, { rowsPerBlock: 3 })).toHaveLength(4);
    expect(planRowBlocks(10, 3, 4, null, { maxBlockBytes: 24 })).toHaveLength(5);
    expect(planRowBlocks(10, 1000, 8, null, { maxBlockBytes: 1 })).toHaveLength(10);
    expect(planRowBlocks(0, 3, 4, null)).toEqual([]);
  });
});
