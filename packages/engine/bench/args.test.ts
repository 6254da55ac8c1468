import { afterEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchArgs, datasetFiles, readLabelledDataset } from "./args.ts";
import { InputError } from "../src/errors.ts";
import { sharedData } from "../src/test-support/sharedData.ts";

const USAGE = "usage:\n  pnpm bench:x [--seeds 0,1,2]";
const config = (args: string[]) => ({ args, options: { seeds: { type: "string" as const, default: "0,1,2" } } });

/** Runs `f` with process.exit and the output streams captured; exit throws so the call stops there. */
function capture<T>(f: () => T) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((s) => (out.push(String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => (err.push(String(s)), true));
  vi.spyOn(process, "exit").mockImplementation((code) => {
    throw Object.assign(new Error("exit"), { code });
  });
  try {
    return { values: f(), out: out.join(""), err: err.join("") };
  } catch (e) {
    return { code: (e as { code?: number }).code, out: out.join(""), err: err.join("") };
  }
}

const run = (args: string[]) => capture(() => benchArgs(USAGE, config(args)).values);

afterEach(() => vi.restoreAllMocks());

describe("benchArgs", () => {
  it("parses the options a benchmark declares, with their defaults", () => {
    expect(run(["--seeds", "4"]).values).toEqual({ seeds: "4" });
    expect(run([]).values).toEqual({ seeds: "0,1,2" });
  });

  it("prints the usage on --help and exits 0", () => {
    const r = run(["--seeds", "4", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${USAGE}\n`);
    expect(r.err).toBe("");
  });

  it("names an unknown option in one line, then the usage, and exits 2 without a stack trace", () => {
    const r = run(["--sedes", "4"]);
    expect(r.code).toBe(2);
    const [first, ...rest] = r.err.trimEnd().split("\n");
    expect(first).toContain("--sedes");
    expect(rest.join("\n")).toBe(USAGE);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("says which option lacks its value", () => {
    const r = run(["--seeds"]);
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toContain("--seeds");
  });
});

describe("datasetFiles", () => {
  const dir = mkdtempSync(join(tmpdir(), "bench-args-"));
  writeFileSync(join(dir, "a.h5"), "");

  it("returns the names of a list whose files all exist", () => {
    expect(capture(() => datasetFiles(USAGE, dir, "a.h5")).values).toEqual(["a.h5"]);
  });

  it("names the missing file's path in one line, then the usage, and exits 2", () => {
    const r = capture(() => datasetFiles(USAGE, dir, "a.h5,nope.h5"));
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${join(dir, "nope.h5")}: no such file\n${USAGE}\n`);
  });
});

describe("labelled dataset entries", () => {
  const shared = sharedData();
  const dropseq = "CellBench_sc_dropseq.count.csv.gz";

  it("check both files of COUNTS@LABELS#COLUMN and name a missing labels file", () => {
    const entry = `${dropseq}@CellBench_sc_dropseq.metadata.csv.gz#cell_line_demuxlet`;
    expect(capture(() => datasetFiles(USAGE, shared, entry)).values).toEqual([entry]);
    const r = capture(() => datasetFiles(USAGE, shared, `${dropseq}@nope.csv`));
    expect(r.code).toBe(2);
    expect(r.err.split("\n")[0]).toBe(`${join(shared, "nope.csv")}: no such file`);
  });

  it("read the labels from the named file and column", async () => {
    const d = await readLabelledDataset(shared, `${dropseq}@CellBench_sc_dropseq.metadata.csv.gz#cell_line_demuxlet`);
    expect(new Set(d.labels)).toEqual(new Set(["H1975", "HCC827", "H2228"]));
  });

  it("refuse a dataset without labels in one line naming it, instead of failing later on undefined labels", async () => {
    await expect(readLabelledDataset(shared, dropseq)).rejects.toThrow(new InputError(`no cell labels to score against: name a labels file as ${dropseq}@LABELS.csv`, dropseq));
  });
});
