import { describe, expect, it } from "vitest";
import { filterMarkers, formatP, markersCsv, passesFilter, SCANPY_FILTER, sortMarkers, type MarkerRow } from "./markers";

const row = (over: Partial<MarkerRow>): MarkerRow => ({ group: "0", gene: "G", rank: 1, score: 10, logFoldChange: 2, pval: 1e-10, pvalAdj: 1e-8, pts: 0.9, ptsRest: 0.1, ...over });

describe("marker filter (scanpy's filter_rank_genes_groups defaults)", () => {
  it("keeps a gene expressed in the group, rare outside and at least twice as high", () => {
    expect(passesFilter(row({}), SCANPY_FILTER)).toBe(true);
  });
  it("drops a gene expressed in every cell of the group and of the rest (PBMC cluster 0's old top 3)", () => {
    expect(passesFilter(row({ pts: 1, ptsRest: 1, logFoldChange: 0.3 }), SCANPY_FILTER)).toBe(false);
  });
  it("applies each bound on its own: in-group fraction, out-group fraction, fold change of exactly 2", () => {
    expect(passesFilter(row({ pts: 0.24 }), SCANPY_FILTER)).toBe(false);
    expect(passesFilter(row({ ptsRest: 0.51 }), SCANPY_FILTER)).toBe(false);
    expect(passesFilter(row({ logFoldChange: 0.99 }), SCANPY_FILTER)).toBe(false);
    expect(passesFilter(row({ logFoldChange: 1 }), SCANPY_FILTER)).toBe(true);
  });
  it("filters by a search on gene or group, and shows everything when the filter is off", () => {
    const rows = [row({ gene: "MS4A1", group: "B" }), row({ gene: "LYZ", group: "Mono", ptsRest: 0.9 })];
    expect(filterMarkers(rows, SCANPY_FILTER).map((r) => r.gene)).toEqual(["MS4A1"]);
    expect(filterMarkers(rows, null).map((r) => r.gene)).toEqual(["MS4A1", "LYZ"]);
    expect(filterMarkers(rows, null, "mono").map((r) => r.gene)).toEqual(["LYZ"]);
  });
});

describe("marker sort", () => {
  const rows = [row({ gene: "A", score: 3, group: "10" }), row({ gene: "B", score: 9, group: "2" }), row({ gene: "C", score: 3, group: "1" })];
  it("sorts numbers by value both ways, keeping the incoming order on ties", () => {
    expect(sortMarkers(rows, "score", "desc").map((r) => r.gene)).toEqual(["B", "A", "C"]);
    expect(sortMarkers(rows, "score", "asc").map((r) => r.gene)).toEqual(["A", "C", "B"]);
  });
  it("sorts group names naturally (cluster 2 before cluster 10)", () => {
    expect(sortMarkers(rows, "group", "asc").map((r) => r.group)).toEqual(["1", "2", "10"]);
  });
});

describe("marker CSV", () => {
  it("writes scanpy's rank_genes_groups_df columns with full precision and quotes names that need it", () => {
    const csv = markersCsv([row({ group: 'Cluster 1 (B, "naive")', gene: "MS4A1", pval: 1.2345678e-20 })]);
    const [head, line] = csv.trim().split("\n");
    expect(head).toBe("group,rank,names,scores,logfoldchanges,pvals,pvals_adj,pct_nz_group,pct_nz_reference,gene_id,log10_pvals,log10_pvals_adj");
    expect(line).toBe('"Cluster 1 (B, ""naive"")",1,MS4A1,10,2,1.2345678e-20,1e-8,0.9,0.1,,,');
  });
});

describe("p-value display", () => {
  it("never shows 0.0e+0", () => {
    expect(formatP(0)).toBe("< 1e-300");
    expect(formatP(0, -340.5)).toBe("3.2e-341");
    expect(formatP(3.2e-12)).toBe("3.2e-12");
    expect(formatP(0.04)).toBe("0.040");
  });
});
