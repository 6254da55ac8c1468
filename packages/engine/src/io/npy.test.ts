import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy, encodeNpy } from "./npy.ts";

describe("npy", () => {
  it("reads back the values it wrote, from a Node Buffer as readFileSync returns it", () => {
    const values = Float32Array.from({ length: 3 * 5 }, (_, i) => i / 7 - 1);
    const path = join(mkdtempSync(join(tmpdir(), "npy-")), "x.npy");
    writeFileSync(path, encodeNpy(values, [3, 5]));
    const back = decodeNpy(readFileSync(path));
    expect(back.shape).toEqual([3, 5]);
    expect(back.values).toEqual(values);
  });

  it("reads int32 values from a view that starts inside a larger buffer", () => {
    const values = Int32Array.from([4, -2, 7]);
    const bytes = encodeNpy(values, [3]);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(decodeNpy(padded.subarray(3)).values).toEqual(values);
  });
});
