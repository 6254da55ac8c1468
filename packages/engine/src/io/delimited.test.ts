/**
 * CSV/TSV count tables: the shared CellBench files (gzip, genes × cells, header without a field above
 * the row names, labels in a separate metadata file), and small tables for each layout and error.
 */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { csrToDense } from "../pp/csr.ts";
import { readDataset, readDelimited } from "./index.ts";
import { inputErrorOf, makeTempDir, sameCsr } from "./testFiles.ts";
import { sharedData } from "../test-support/sharedData.ts";

const DATA = sharedData() + "/";
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
let fileNo = 0;
const file = (text: string, { gzip = false, ext = "csv" } = {}) => {
  const p = tmp.path(`t${fileNo++}.${ext}${gzip ? ".gz" : ""}`);
  writeFileSync(p, gzip ? gzipSync(text) : text);
  return p;
};

const problem = inputErrorOf;

/** From the data README: cells, genes and class sizes of cell_line_demuxlet. */
const CELLBENCH: [string, number, number, Record<string, number>][] = [
  ["sc_celseq2", 274, 28204, { H1975: 112, H2228: 81, HCC827: 81 }],
  ["sc_dropseq", 225, 15127, { H1975: 86, HCC827: 70, H2228: 69 }],
  ["sc_celseq2_5cl_p1", 297, 15564, { A549: 103, H838: 51, H1975: 50, H2228: 50, HCC827: 43 }],
  ["sc_celseq2_5cl_p2", 307, 14078, { A549: 107, H838: 71, H2228: 44, H1975: 44, HCC827: 41 }],
  ["sc_celseq2_5cl_p3", 305, 13426, { A549: 118, H838: 75, H2228: 41, HCC827: 36, H1975: 35 }],
];

describe("shared CellBench CSVs", () => {
  for (const [name, nCells, nGenes, classes] of CELLBENCH) {
    it(`${name}: genes × cells detected, labels from the metadata file`, async () => {
      const d = await readDataset(`${DATA}CellBench_${name}.count.csv.gz`, {
        labelsFile: `${DATA}CellBench_${name}.metadata.csv.gz`,
        labelKey: "cell_line_demuxlet",
      });
      expect([d.counts.nRows, d.counts.nCols]).toEqual([nCells, nGenes]);
      expect(d.genes.every((g) => /^(ENSG\d+|ERCC-\d+)$/.test(g))).toBe(true);
      const tally: Record<string, number> = {};
      for (const l of d.labels!) tally[l] = (tally[l] ?? 0) + 1;
      expect(tally).toEqual(classes);
      expect(d.labelKey).toBe(`CellBench_${name}.metadata.csv.gz:cell_line_demuxlet`);
      expect(d.warnings).toBeUndefined();
    });
  }

  it("sc_celseq2 has the same counts and names as the anndata-written h5ad of it", async () => {
    const csv = await readDataset(`${DATA}CellBench_sc_celseq2.count.csv.gz`);
    const h5ad = await readDataset(`${DATA}formats/CellBench_sc_celseq2.h5ad`);
    expect(csv.genes).toEqual(h5ad.genes);
    expect(csv.cells).toEqual(h5ad.cells);
    expect(sameCsr(csv.counts, h5ad.counts)).toBe(true);
  });
});

describe("CSV/TSV layouts", () => {
  const DENSE = [1, 0, 2, 0, 3, 0]; // 2 cells × 3 genes
  it("cells × genes and genes × cells, comma or tab, with or without a corner field, gzip or not", async () => {
    const layouts = [
      { text: "cell,ENSG00000000001,ENSG00000000002,ENSG00000000003\nc1,1,0,2\nc2,0,3,0\n", cellsByGenes: true },
      { text: "ENSG00000000001\tENSG00000000002\tENSG00000000003\nc1\t1\t0\t2\nc2\t0\t3\t0\n", cellsByGenes: true },
      { text: '"","c1","c2"\r\n"ENSG00000000001",1,0\r\n"ENSG00000000002",0,3\r\n"ENSG00000000003",2,0\r\n', cellsByGenes: false },
      { text: "c1,c2\nENSG00000000001,1,0\nENSG00000000002,0,3\nENSG00000000003,2,0", cellsByGenes: false },
    ];
    for (const { text, cellsByGenes } of layouts) {
      for (const gzip of [false, true]) {
        const d = await readDataset(file(text, { gzip }));
        expect(Array.from(csrToDense(d.counts))).toEqual(DENSE);
        expect(d.cells).toEqual(["c1", "c2"]);
        expect(d.genes).toEqual(["ENSG00000000001", "ENSG00000000002", "ENSG00000000003"]);
        expect(cellsByGenes || d.counts.nRows === 2).toBe(true);
      }
    }
  });

  it("orientation from the label file's cell names, or as told; a guess is said in a warning", async () => {
    const text = "x,a,b,c\nu,1,0,2\nv,0,3,0\n";
    const guessed = await readDataset(file(text));
    expect(guessed.cells).toEqual(["u", "v"]);
    expect(guessed.warnings?.[0]).toMatch(/could not tell cells from genes by their names; took the columns \(the longer axis\) as genes/);
    const labels = file("cell,cell_type\nb,B\na,T\nc,T\n");
    const byLabels = await readDataset(file(text), { labelsFile: labels });
    expect(byLabels.cells).toEqual(["a", "b", "c"]);
    expect(byLabels.labels).toEqual(["T", "B", "T"]);
    expect(byLabels.warnings).toBeUndefined();
    const told = await readDelimited(file(text), { orientation: "genes-by-cells" });
    expect(told.cells).toEqual(["a", "b", "c"]);
    expect(Array.from(csrToDense(told.counts))).toEqual([1, 0, 0, 3, 2, 0]);
  });

  it("errors name the line and column; non-integer values are a warning", async () => {
    const ragged = file("c1,c2\ng1,1,0\ng2,3\n");
    expect((await problem(readDataset(ragged))).problem).toBe("line 3 has 2 fields; expected 3 (a name and 2 values)");
    const word = file("c1,c2\ng1,1,NA\n");
    expect((await problem(readDataset(word))).problem).toBe("line 2, column 'c2': 'NA' is not a number");
    const negative = file("c1,c2\ng1,1,-4\n");
    expect((await problem(readDataset(negative))).problem).toBe("line 2, column 'c2': '-4' is negative; expected non-negative counts");
    const headerOnly = file("c1,c2\n");
    expect((await problem(readDataset(headerOnly))).problem).toBe("the table has a header but no rows");
    const dupGenes = file("c1,c2\ng1,1,0\ng1,0,1\ng3,1,1\n");
    expect((await problem(readDataset(dupGenes))).problem).toBe("row names (gene names) has 1 duplicate (first: 'g1' at positions 0 and 1)");
    const fractional = await readDataset(file("c1,c2\ng1,1.5,0\ng2,0,2.25\ng3,1,1\n"));
    expect(fractional.warnings).toContain("the table has 2 non-integer values (first at cell 0, gene 0: 1.5); expected raw counts, read as they are");
    const unknownLabel = file("cell,group,batch\nc1,T,1\nc2,B,1\n");
    const e = await problem(readDataset(file("c1,c2\ng1,1,0\ng2,0,1\ng3,1,1\n"), { labelsFile: unknownLabel }));
    expect(e.problem).toBe("cannot tell which column holds the labels (columns: group, batch); name one with labelKey");
    expect(e.file).toBe(unknownLabel);
  });
});

describe("long text reads", () => {
  it("report progress by bytes read and stop when aborted", async () => {
    const path = `${DATA}CellBench_sc_dropseq.count.csv.gz`;
    const seen: number[] = [];
    await readDataset(path, { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1);
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1]!)).toBe(true);
    const controller = new AbortController();
    controller.abort();
    await expect(readDataset(path, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });
});
