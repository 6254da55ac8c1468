/**
 * Golden comparisons on real data: the first 300 cells of the mouse bladder set (20 670 genes, so gene
 * selection matters). The file stores the whole matrix as one gzip chunk, so it is read once here.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CsrMatrix } from "./csr.ts";
import { filterGenes } from "./filterGenes.ts";
import { highlyVariableGenes } from "./highlyVariableGenes.ts";
import { log1p } from "./log1p.ts";
import { normalizeTotal } from "./normalizeTotal.ts";
import { preprocess } from "./preprocess.ts";
import { bladderCounts, expectClose, intArray, loadGolden, num, numberArray } from "./__golden__/golden.ts";

const bladder = loadGolden("bladder.json");
const nTopGenes = num(bladder, "nTopGenes");
let counts: CsrMatrix;

beforeAll(async () => {
  counts = await bladderCounts(num(bladder, "nCells"));
});

function pick(values: Float64Array, at: number[]): Float64Array {
  return Float64Array.from(at, (i) => values[i]!);
}

describe("on 300 bladder cells", () => {
  it("highlyVariableGenes seurat selects the same genes as scanpy's definition", () => {
    const genes = filterGenes(counts, { minCounts: 1 });
    expect(Array.from(genes.kept)).toEqual(intArray(bladder, "hvgSeurat", "genesAfterFilter"));
    const normalized = normalizeTotal(genes.matrix);
    expectClose(normalized.sizeFactors, numberArray(bladder, "preprocess", "sizeFactors"), { rel: 1e-12 });
    const hvg = highlyVariableGenes(log1p(normalized.matrix), { nTopGenes });
    const probe = intArray(bladder, "hvgSeurat", "probe");
    expectClose(pick(hvg.means, probe), numberArray(bladder, "hvgSeurat", "means"), { rel: 1e-6 });
    expectClose(pick(hvg.dispersions, probe), numberArray(bladder, "hvgSeurat", "dispersions"), { rel: 1e-6, abs: 1e-6 });
    expectClose(pick(hvg.dispersionsNorm, probe), numberArray(bladder, "hvgSeurat", "dispersionsNorm"), {
      rel: 1e-5,
      abs: 1e-5,
    });
    expect(Array.from(hvg.selected, (j) => genes.kept[j]!)).toEqual(intArray(bladder, "preprocess", "keptGenes"));
  });

  it("highlyVariableGenes seurat_v3 selects the same genes as scanpy's definition", () => {
    const hvg = highlyVariableGenes(counts, { flavor: "seurat_v3", nTopGenes });
    const probe = intArray(bladder, "hvgSeuratV3", "probe");
    expectClose(pick(hvg.means, probe), numberArray(bladder, "hvgSeuratV3", "means"), { rel: 1e-12 });
    expectClose(pick(hvg.variances, probe), numberArray(bladder, "hvgSeuratV3", "variances"), { rel: 1e-9 });
    expectClose(pick(hvg.variancesNorm, probe), numberArray(bladder, "hvgSeuratV3", "variancesNorm"), { rel: 1e-8 });
    expect(Array.from(hvg.selected)).toEqual(intArray(bladder, "hvgSeuratV3", "selected"));
  });

  it("preprocess matches the reference pipeline", () => {
    const out = preprocess(counts, { nTopGenes });
    expect(Array.from(out.keptCells)).toEqual(intArray(bladder, "preprocess", "keptCells"));
    expect(Array.from(out.keptGenes)).toEqual(intArray(bladder, "preprocess", "keptGenes"));
    const rows = intArray(bladder, "preprocess", "rows");
    const xRows = new Float32Array(rows.length * out.nGenes);
    rows.forEach((r, i) => xRows.set(out.x.subarray(r * out.nGenes, (r + 1) * out.nGenes), i * out.nGenes));
    expectClose(xRows, numberArray(bladder, "preprocess", "xRows"), { rel: 1e-5, abs: 1e-5 });
    const colMeanAbs = new Float64Array(out.nGenes);
    for (let r = 0; r < out.nCells; r++) {
      for (let c = 0; c < out.nGenes; c++) colMeanAbs[c]! += Math.abs(out.x[r * out.nGenes + c]!) / out.nCells;
    }
    expectClose(colMeanAbs, numberArray(bladder, "preprocess", "colMeanAbs"), { rel: 1e-5 });
  });
});
