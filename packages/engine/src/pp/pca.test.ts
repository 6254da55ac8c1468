import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { readDataset } from "../io/readDataset.ts";
import { createRng } from "../random.ts";
import { InputError } from "../errors.ts";
import { pca } from "./pca.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA = sharedData() + "/";
const golden = JSON.parse(readFileSync(new URL("./__golden__/pca.json", import.meta.url), "utf8")) as {
  file: string;
  nCells: number;
  nGenes: number;
  singularValues: number[];
  explainedVarianceRatio: number[];
  components: number[];
  nVec: number;
  scores: number[];
  nScoreRows: number;
};

describe("pca", () => {
  let x: Float64Array;
  beforeAll(async () => {
    // The golden's matrix: log1p of the raw counts of the first cells × first genes.
    const data = await readDataset(`${DATA}${golden.file}`);
    const { nCells: n, nGenes: d } = golden;
    const m = data.counts;
    x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let k = m.indptr[i]!; k < m.indptr[i + 1]!; k++) {
        const j = m.indices[k]!;
        if (j < d) x[i * d + j] = Math.log1p(m.data[k]!);
      }
    }
  });

  it("matches numpy's exact SVD up to sign on shared PBMC data", () => {
    const { nCells: n, nGenes: d, nVec } = golden;
    const r = pca({ x, nRows: n, nCols: d }, { nComps: 30, seed: 0 });
    expect(r.nComps).toBe(30);
    // A randomised SVD converges fastest for the leading components: the top ones are exact to rounding,
    // the tail (within the 10 oversampled directions of the sketch) to ~1e-3, as sklearn's randomized_svd.
    const relErr = (a: number, b: number) => Math.abs(a / b - 1);
    for (let c = 0; c < 30; c++) {
      const tol = c < 5 ? 1e-9 : c < 12 ? 1e-4 : 1e-2;
      expect(relErr(r.singularValues[c]!, golden.singularValues[c]!)).toBeLessThan(tol);
      expect(relErr(r.explainedVarianceRatio[c]!, golden.explainedVarianceRatio[c]!)).toBeLessThan(2 * tol);
    }
    for (let c = 0; c < nVec; c++) {
      let dot = 0;
      for (let f = 0; f < d; f++) dot += r.components[c * d + f]! * golden.components[c * d + f]!;
      expect(1 - Math.abs(dot)).toBeLessThan(c < 5 ? 1e-9 : 1e-4);
      if (c >= 5) continue;
      const sign = Math.sign(dot);
      for (let i = 0; i < golden.nScoreRows; i++) {
        expect(r.scores[i * 30 + c]!).toBeCloseTo(sign * golden.scores[i * nVec + c]!, 4);
      }
    }
  });

  it("gives the same result for the same seed and the same subspace for another", () => {
    const { nCells: n, nGenes: d } = golden;
    const a = pca({ x, nRows: n, nCols: d }, { nComps: 10, seed: 3 });
    const b = pca({ x, nRows: n, nCols: d }, { nComps: 10, seed: 3 });
    const c = pca({ x, nRows: n, nCols: d }, { nComps: 10, seed: 4 });
    expect(Array.from(a.scores)).toEqual(Array.from(b.scores));
    // Signs are fixed by the loadings, so a different sketch gives the same leading components.
    for (let k = 0; k < 3 * d; k++) expect(c.components[k]!).toBeCloseTo(a.components[k]!, 6);
  });

  it("centres implicitly: a constant offset per column does not change the result", () => {
    const rng = createRng(1);
    const n = 80;
    const d = 12;
    const base = Float64Array.from({ length: n * d }, () => rng.normal());
    const shifted = base.map((v, k) => v + 100 * (k % d));
    const a = pca({ x: base, nRows: n, nCols: d }, { nComps: 5 });
    const b = pca({ x: shifted, nRows: n, nCols: d }, { nComps: 5 });
    for (let c = 0; c < 5; c++) expect(b.singularValues[c]!).toBeCloseTo(a.singularValues[c]!, 8);
  });

  it("rejects a matrix whose size does not match its shape", () => {
    expect(() => pca({ x: new Float32Array(5), nRows: 2, nCols: 3 })).toThrow(InputError);
    expect(() => pca({ x: new Float32Array(3), nRows: 1, nCols: 3 })).toThrow(/at least 2 rows/);
  });
});
