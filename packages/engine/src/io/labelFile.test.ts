import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readLabelFile, readLabelFileCells } from "./labelFile.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "labelfile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("label files", () => {
  it("read quoted fields holding separators, quotes and line breaks as one field each (RFC 4180)", async () => {
    const path = join(dir, "labels.csv");
    await writeFile(path, 'cell,cell_type\n"AAAC-1","T cell, CD4+"\n"multi\nline","B ""naive"""\nplain,NK\n');
    expect(await readLabelFileCells(path)).toEqual(["AAAC-1", "multi\nline", "plain"]);
    const warnings: string[] = [];
    const r = await readLabelFile(path, ["plain", "multi\nline", "AAAC-1", "other"], undefined, warnings);
    expect(r.labels).toEqual(["NK", 'B "naive"', "T cell, CD4+", ""]);
    expect(r.labelKey).toBe("labels.csv:cell_type");
    expect(warnings).toEqual([expect.stringMatching(/no row for 1 of the 4 cells \(first: 'other'\)/)]);
  });

  it("names the row whose field count differs from the header's", async () => {
    const path = join(dir, "ragged.tsv");
    await writeFile(path, "cell\tcell_type\nA\tT\nB\tNK\textra\n");
    await expect(readLabelFile(path, ["A", "B"], undefined, [])).rejects.toThrow("row 3 has 3 fields; the header implies 2");
  });
});
