import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { createRng } from "../random.ts";
import { checkUnique } from "./validate.ts";

/** The plain definition: the earliest second occurrence, and how many names repeat an earlier one. */
function reference(names: string[]): string | undefined {
  const seen = new Map<string, number>();
  let duplicates = 0;
  let first: string | undefined;
  names.forEach((name, i) => {
    const at = seen.get(name);
    if (at === undefined) seen.set(name, i);
    else {
      duplicates++;
      first ??= `'${name}' at positions ${at} and ${i}`;
    }
  });
  return first && `names has ${duplicates} duplicate${duplicates === 1 ? "" : "s"} (first: ${first})`;
}

function problem(names: string[]): string | undefined {
  try {
    checkUnique(names, "names", "f.h5ad");
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problem;
  }
}

describe("checkUnique", () => {
  it("does not take names whose hashes collide for duplicates", () => {
    // FNV-1a 32-bit collisions.
    expect(problem(["costarring", "liquid", "declinate", "macallums", "altarage", "zinke"])).toBeUndefined();
    expect(problem(["liquid", "costarring", "liquid"])).toBe("names has 1 duplicate (first: 'liquid' at positions 0 and 2)");
  });

  it("reports what a plain Map reports, on random names with and without repeats", () => {
    const rng = createRng(4);
    for (let trial = 0; trial < 20; trial++) {
      const pool = 50 + rng.int(2000);
      const names = Array.from({ length: 1 + rng.int(300) }, () => `g${rng.int(pool)}`);
      expect(problem(names)).toBe(reference(names));
    }
    expect(problem(Array.from({ length: 5000 }, (_, i) => `cell${i}`))).toBeUndefined();
    expect(problem([])).toBeUndefined();
  });
});
