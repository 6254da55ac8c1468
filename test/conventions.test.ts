/**
 * The public API's conventions, checked as scanpy's test_package_structure.py checks its own:
 * every public engine function takes its data first and at most one options object after it, and
 * every workspace package's `exports` (and `bin`) point at files that exist.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as engine from "@scfnccl/engine";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

/**
 * Public functions that take more than (data, options) today, each a known debt with its reason;
 * the list only shrinks. A new function must take its data first and one options object.
 */
const MORE_THAN_DATA_AND_OPTIONS = new Set([
  // A dense matrix passed as (values, nRows, nCols): to become one { x, nRows, nCols } argument.
  "pp.denseRows", "pp.csrFromDense", "nn.train", "nn.embed", "pp.rowRange", "pp.copyNonZeros",
  // Matrix plus the rows and columns kept, or the groups compared.
  "pp.csrSubset", "tl.rankGenesOfCounts", "io.rankGenesGroupsUns", "tl.findResolution",
  // The label file, the dataset's cell names and the label key: to become (path, { cells, labelKey, … }).
  "io.readLabelFile",
  // Tensor-level building blocks of the model and losses (inputs are several tensors by nature).
  "model.encode", "model.clusterHead", "model.attention", "model.augmentInto", "model.zinbForward",
  "losses.sureShrinkageLoss", "losses.zinbLoss", "metrics.linearSumAssignment",
]);

describe("package conventions", () => {
  it("every public engine function takes its data first and at most one options object", () => {
    const offenders: string[] = [];
    for (const ns of ["io", "pp", "tl", "nn", "neighbors", "metrics", "model", "losses"] as const) {
      for (const [name, value] of Object.entries((engine as unknown as Record<string, Record<string, unknown>>)[ns]!)) {
        // Classes (InputError, …) are not functions of data.
        if (typeof value !== "function" || /^[A-Z]/.test(name)) continue;
        if (value.length > 2 && !MORE_THAN_DATA_AND_OPTIONS.has(`${ns}.${name}`)) offenders.push(`${ns}.${name} takes ${value.length} arguments`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("lists no exception that has since been fixed", () => {
    const stale = [...MORE_THAN_DATA_AND_OPTIONS].filter((qualified) => {
      const [ns, name] = qualified.split(".") as [string, string];
      const fn = (engine as unknown as Record<string, Record<string, unknown>>)[ns]?.[name];
      return typeof fn !== "function" || fn.length <= 2;
    });
    expect(stale).toEqual([]);
  });

  it("every package's exports and bin point at files that exist", () => {
    const packages = ["apps", "packages"].flatMap((group) =>
      readdirSync(join(root, group), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, group, d.name, "package.json")))
        .map((d) => join(root, group, d.name)),
    );
    expect(packages.length).toBeGreaterThan(5);
    const missing: string[] = [];
    for (const dir of packages) {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; exports?: unknown; bin?: Record<string, string> | string };
      const targets: string[] = [];
      const collect = (v: unknown): void => {
        if (typeof v === "string") targets.push(v);
        else if (v && typeof v === "object") Object.values(v).forEach(collect);
      };
      collect(pkg.exports);
      collect(pkg.bin);
      for (const t of targets) if (!existsSync(join(dir, t))) missing.push(`${pkg.name}: ${t}`);
    }
    expect(missing).toEqual([]);
  });
});
