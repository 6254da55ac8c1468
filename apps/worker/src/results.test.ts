import { pp } from "@scfnccl/engine";
import { describe, expect, it } from "vitest";
import { decodeCellsFile } from "@scfnccl/platform/cells";
import { markerRows, markersCsv } from "@scfnccl/platform";
import { cellsFile, computeMarkers, computeUmap } from "./results.ts";

// 40 cells × 5 genes in two clusters: gene 2 only in cluster 0, gene 4 only in cluster 1.
const n = 40;
const dense = Array.from({ length: n * 5 }, (_, i) => {
  const cell = Math.floor(i / 5);
  const gene = i % 5;
  const c = cell < 20 ? 0 : 1;
  if (gene === 2) return c === 0 ? 5 + (cell % 3) : 0;
  if (gene === 4) return c === 1 ? 4 + (cell % 2) : 0;
  return 1 + ((cell + gene) % 3);
});
const data = {
  counts: pp.csrFromDense(dense, n, 5),
  cells: Array.from({ length: n }, (_, i) => `c${i}`),
  genes: ["A", "B", "CD79A", "D", "NKG7"],
  labels: Array.from({ length: n }, (_, i) => (i < 20 ? "B" : i === 39 ? "" : "NK")),
  labelKey: "obs/cell_type",
  source: "test.h5ad",
};
const clustering = {
  cells: Int32Array.from({ length: n }, (_, i) => i),
  clusters: Int32Array.from({ length: n }, (_, i) => (i < 20 ? 0 : 1)),
  k: 2,
  embedding: Float32Array.from({ length: n * 3 }, (_, i) => Math.floor(i / 3) + (i % 3) * 0.1),
  dim: 3,
};

describe("run results", () => {
  it("ranks each cluster's own gene first, with BH-adjusted p-values and expression shares, under the display names", () => {
    const names = ["a", "b", "CD79A", "d", "NKG7"];
    const { groups, top } = computeMarkers(data, clustering, names, { top: 3 });
    const markers = top;
    expect(markers[0]![0]).toMatchObject({ gene: "CD79A", pctIn: 1, pctOut: 0 });
    expect(markers[1]![0]).toMatchObject({ gene: "NKG7", pctIn: 1, pctOut: 0 });
    expect(markers[0]![0]!.logFoldChange).toBeGreaterThan(0);
    for (const list of markers) for (const m of list) expect(m.pvalAdj).toBeGreaterThanOrEqual(m.pval);
    expect(markers[0]![0]!.geneId).toBe("CD79A");
    // Stored whole: every gene of every cluster, the filter applied only when shown.
    expect(groups.map((g) => g.scores.length)).toEqual([5, 5]);
    const csv = markersCsv(groups.map((g) => [String(g.group), markerRows(g, names, data.genes, { top: 5, filter: null })] as const));
    expect(csv.split("\n")[0]).toBe("group,rank,names,gene_id,scores,logfoldchanges,pvals,pvals_adj,log10_pvals,log10_pvals_adj,pct_nz_group,pct_nz_reference");
    expect(csv.split("\n")[1]).toMatch(/^0,1,CD79A,CD79A,/);
    expect(csv.trim().split("\n")).toHaveLength(11);
  });

  it("gives no markers when one cluster holds every cell", () => {
    expect(computeMarkers(data, { ...clustering, clusters: new Int32Array(n), k: 1 }, data.genes)).toEqual({ groups: [], top: [[]] });
  });

  it("encodes UMAP, clusters, cells and labels in one file that decodes to the same arrays", async () => {
    const umap = await computeUmap(clustering, { seed: 1 });
    expect(umap).toHaveLength(2 * n);
    expect(await computeUmap(clustering, { seed: 1 })).toEqual(umap);
    const bytes = cellsFile(data, clustering, umap);
    // Decoded from an unaligned copy, as a download may give it.
    const shifted = new Uint8Array(bytes.length + 1).subarray(1);
    shifted.set(bytes);
    const f = decodeCellsFile(shifted);
    expect(f.header).toMatchObject({ n, k: 2, nComponents: 2, labelKey: "obs/cell_type", labelNames: ["B", "NK"] });
    for (const a of Object.values(f.header.arrays)) expect(a!.offset % 4).toBe(0);
    expect(f.umap).toEqual(umap);
    expect(f.cluster).toEqual(clustering.clusters);
    expect(f.cell).toEqual(clustering.cells);
    expect(f.label![0]).toBe(0);
    expect(f.label![39]).toBe(-1);
  });
});
