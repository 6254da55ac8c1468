/**
 * Test helpers for the pp golden files written by scripts/golden/pp_golden.py. JSON has no NaN, so
 * the script writes null for it; numberArray turns those back into NaN.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Dataset } from "h5wasm/node";
import { expect } from "vitest";
import { csrFromDense, type CsrMatrix } from "../csr.ts";
import { sharedData } from "../../test-support/sharedData.ts";

type Json = Record<string, unknown>;

export function loadGolden(name: "small.json" | "bladder.json"): Json {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), "utf8")) as Json;
}

/** Nested field of a golden object, e.g. field(g, "hvgSeurat", "means"). */
export function field(obj: Json, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (typeof cur !== "object" || cur === null || !(key in cur)) throw new Error(`golden has no ${path.join(".")}`);
    cur = (cur as Json)[key];
  }
  return cur;
}

export function numberArray(obj: Json, ...path: string[]): Float64Array {
  const v = field(obj, ...path);
  if (!Array.isArray(v)) throw new Error(`golden ${path.join(".")} is not an array`);
  return Float64Array.from(v as (number | null)[], (x) => (x === null ? NaN : x));
}

export function intArray(obj: Json, ...path: string[]): number[] {
  return Array.from(numberArray(obj, ...path));
}

export function num(obj: Json, ...path: string[]): number {
  const v = field(obj, ...path);
  if (typeof v !== "number") throw new Error(`golden ${path.join(".")} is not a number`);
  return v;
}

/** The small seeded count matrix of small.json as CSR. */
export function smallCounts(g: Json): CsrMatrix {
  return csrFromDense(numberArray(g, "counts"), num(g, "nRows"), num(g, "nCols"));
}

/** The first `nCells` cells of the bladder data set, as the golden script reads them with h5py. */
export async function bladderCounts(nCells: number): Promise<CsrMatrix> {
  // Loaded on demand: compiling the HDF5 wasm module costs every test file that does not need it.
  const { default: h5wasm } = await import("h5wasm/node");
  await h5wasm.ready;
  const path = sharedData("mouse_bladder_cell_select_2100.h5");
  if (!existsSync(path)) throw new Error(`bladder data not found at ${path}`);
  const file = new h5wasm.File(path, "r");
  try {
    const ds = file.get("X") as Dataset;
    const nGenes = ds.shape![1]!;
    const values = ds.slice([[0, nCells], []]) as ArrayLike<number>;
    return csrFromDense(values, nCells, nGenes);
  } finally {
    file.close();
  }
}

/**
 * Element-wise |actual − expected| ≤ rel·|expected| + abs, NaN only where NaN is expected. Reports
 * the worst element, which says far more than a generic array diff.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rel = 1e-5, abs = 0 }: { rel?: number; abs?: number } = {},
): void {
  expect(actual.length).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        worst = i;
        worstExcess = Infinity;
        break;
      }
      continue;
    }
    const excess = Math.abs(a - e) - (rel * Math.abs(e) + abs);
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: got ${actual[worst]}, expected ${expected[worst]} (rel ${rel}, abs ${abs})`);
  }
}
