/**
 * The h5ad writer, checked two ways: read back by our reader, and by the real anndata (Debian's
 * python3-anndata, which .ci/run installs) through /usr/bin/python3.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { csrFromDense } from "../pp/csr.ts";
import { rankGenes } from "../tl/rankGenes.ts";
import { rankGenesGroupsUns, readDataset, readH5ad, writeH5ad } from "./index.ts";
import { makeTempDir, sameCsr } from "./testFiles.ts";
import { sharedData } from "../test-support/sharedData.ts";

const FORMATS = sharedData("formats") + "/";
const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

/** What anndata sees in an h5ad, as JSON. */
function anndataView(path: string): Record<string, unknown> {
  const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
import anndata, numpy as np, scipy.sparse as sp
def conv(o):
    if isinstance(o, dict) or hasattr(o, "keys"):
        return {k: conv(o[k]) for k in o.keys()}
    return o.tolist() if hasattr(o, "tolist") else o
a = anndata.read_h5ad(sys.argv[1])
X = a.X
out = {
  "shape": list(a.shape), "sparse": sp.issparse(X), "nnz": int(X.nnz), "sum": float(X.sum()),
  "row0": X[0].toarray().ravel().tolist()[:8],
  "obs_names": a.obs_names.tolist()[:3], "var_names": a.var_names.tolist()[:3],
  "obs": {c: str(a.obs[c].dtype) for c in a.obs.columns},
  "categories": {c: [str(x) for x in a.obs[c].cat.categories] for c in a.obs.columns if str(a.obs[c].dtype) == "category"},
  "first": {c: (None if (isinstance(v, float) and np.isnan(v)) else (v.item() if hasattr(v, "item") else v)) for c in a.obs.columns for v in [a.obs[c].iloc[0]]},
  "missing": {c: int(a.obs[c].isna().sum()) for c in a.obs.columns},
  "obsm": {k: list(v.shape) for k, v in a.obsm.items()},
  "obsm_row0": {k: [float(x) for x in v[0]] for k, v in a.obsm.items()},
  "uns": conv(dict(a.uns)),
}
print(json.dumps(out))
`;
  return JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8" })) as Record<string, unknown>;
}

describe("writeH5ad", () => {
  const dense = [1, 0, 2, 0, 0, 3, 4, 5, 0, 0, 0, 6];
  const content = {
    counts: csrFromDense(dense, 4, 3),
    cells: ["c1", "c2", "c3", "c4"],
    genes: ["CD3E", "MS4A1", "LYZ"],
    obs: {
      scfnccl: ["2", "10", "2", "1"],
      cell_type: ["T", "", "B", "T"],
      n_counts: Float32Array.of(3, 3, 9, 6),
    },
    obsm: { X_scfnccl: { values: Float32Array.from({ length: 8 }, (_, i) => i / 2), nCols: 2 }, X_umap: { values: new Float32Array(8).fill(1), nCols: 2 } },
    uns: { scfnccl: { seed: 0, k: 3, epochs: 200, backend: "wasm", settings: { learningRate: 0.05 }, genesUsed: 2000, drop: false, classes: ["B", "T"] } },
  };

  it("writes counts, obs (categoricals with missing values), obsm and uns that our reader reads back", async () => {
    const p = tmp.path("out.h5ad");
    await writeH5ad(p, content, { sliceValues: 2 });
    const d = await readH5ad(p, { labelKey: "scfnccl" });
    expect(sameCsr(d.counts, content.counts)).toBe(true);
    expect(d.cells).toEqual(content.cells);
    expect(d.genes).toEqual(content.genes);
    expect(d.labels).toEqual(["2", "10", "2", "1"]);
    expect((await readDataset(p)).labels).toEqual(["T", "", "B", "T"]);
  });

  it("is read unchanged by the real anndata", () => {
    const p = tmp.path("anndata.h5ad");
    return writeH5ad(p, content, { sliceValues: 2 }).then(() => {
      const view = anndataView(p);
      expect(view).toMatchObject({
        shape: [4, 3],
        sparse: true,
        nnz: 6,
        sum: 21,
        row0: [1, 0, 2],
        obs_names: ["c1", "c2", "c3"],
        var_names: ["CD3E", "MS4A1", "LYZ"],
        obs: { scfnccl: "category", cell_type: "category", n_counts: "float32" },
        categories: { scfnccl: ["1", "2", "10"], cell_type: ["B", "T"] },
        first: { scfnccl: "2", cell_type: "T", n_counts: 3 },
        missing: { scfnccl: 0, cell_type: 1, n_counts: 0 },
        obsm: { X_scfnccl: [4, 2], X_umap: [4, 2] },
        obsm_row0: { X_scfnccl: [0, 0.5], X_umap: [1, 1] },
        uns: { scfnccl: { seed: 0, k: 3, epochs: 200, backend: "wasm", settings: { learningRate: 0.05 }, genesUsed: 2000, drop: 0, classes: ["B", "T"] } },
      });
    });
  });

  it("round-trips a shared h5ad through our reader, our writer and anndata", async () => {
    const d = await readDataset(FORMATS + "CellBench_sc_celseq2.h5ad");
    const p = tmp.path("celseq2.h5ad");
    await writeH5ad(p, { counts: d.counts, cells: d.cells, genes: d.genes, obs: { cell_type: d.labels! } }, { sliceValues: 500_000 });
    expect(sameCsr((await readH5ad(p)).counts, d.counts)).toBe(true);
    expect(anndataView(p)).toMatchObject({ shape: [274, 28204], nnz: 1954979, sum: 10321416, categories: { cell_type: ["H1975", "H2228", "HCC827"] } });
  });

  it("writes uns['rank_genes_groups'] in scanpy's layout: rank_genes_groups_df's fields, shapes, dtypes and each group's first gene", async () => {
    // Six cells, two groups: gene A is group 0's marker, C group 1's, B is everywhere.
    const x = csrFromDense([5, 1, 0, 4, 1, 0, 6, 1, 0, 0, 1, 3, 0, 1, 4, 1, 1, 5], 6, 3);
    const genes = ["ENSG_A", "ENSG_B", "ENSG_C"];
    const groups = rankGenes(x, [0, 0, 0, 1, 1, 1]);
    const p = tmp.path("markers.h5ad");
    await writeH5ad(p, {
      counts: x,
      cells: ["a", "b", "c", "d", "e", "f"],
      genes,
      obs: { leiden: ["0", "0", "0", "1", "1", "1"] },
      var: { gene_symbols: ["A", "B", "C"] },
      uns: { rank_genes_groups: rankGenesGroupsUns(genes, groups.map((g) => [String(g.group), g] as const), { groupby: "leiden", method: "wilcoxon" }) },
    });
    // scanpy.get.rank_genes_groups_df, step by step (scanpy itself is not a Debian package).
    const script = `
import json, sys, warnings
warnings.simplefilter("ignore")
import anndata, pandas as pd
a = anndata.read_h5ad(sys.argv[1])
r = a.uns["rank_genes_groups"]
out = {"params": {k: (v.item() if hasattr(v, "item") else v) for k, v in r["params"].items()},
       "dtypes": {c: [str(r[c].dtype[g]) for g in r[c].dtype.names] for c in ["names", "scores", "logfoldchanges", "pvals", "pvals_adj"]},
       "shapes": {c: list(r[c].shape) for c in ["names", "scores", "logfoldchanges", "pvals", "pvals_adj"]},
       "pts": [list(r["pts"].shape), r["pts"].index.tolist(), r["pts"].columns.tolist()], "pts_rest": list(r["pts_rest"].shape),
       "var": a.var["gene_symbols"].astype(str).tolist()}
colnames = ["names", "scores", "logfoldchanges", "pvals", "pvals_adj"]
group = list(r["names"].dtype.names)
d = [pd.DataFrame(r[c])[group] for c in colnames]
d = pd.concat(d, axis=1, names=[None, "group"], keys=colnames)
d = d.stack(level=1).reset_index()
d["group"] = pd.Categorical(d["group"], categories=group)
d = d.sort_values(["group", "level_0"]).drop(columns="level_0")
pts = r["pts"][group].rename_axis(index="names")
d = d.merge(pts.reset_index().melt(id_vars="names", var_name="group", value_name="pct_nz_group"), on=["names", "group"], how="left")
out["first"] = {g: d[d["group"] == g].iloc[0][["names", "scores", "pct_nz_group"]].tolist() for g in group}
out["rows"] = len(d)
print(json.dumps(out, default=float))
`;
    const view = JSON.parse(execFileSync("/usr/bin/python3", ["-c", script, p], { encoding: "utf8" })) as Record<string, unknown>;
    const top = (g: number) => groups[g]!.order[0]!;
    expect(view).toMatchObject({
      params: { groupby: "leiden", reference: "rest", method: "wilcoxon", use_raw: 0, corr_method: "benjamini-hochberg" },
      dtypes: { names: ["<U6", "<U6"], scores: ["float32", "float32"], logfoldchanges: ["float32", "float32"], pvals: ["float64", "float64"], pvals_adj: ["float64", "float64"] },
      shapes: { names: [3], scores: [3], logfoldchanges: [3], pvals: [3], pvals_adj: [3] },
      pts: [[3, 2], genes, ["0", "1"]],
      pts_rest: [3, 2],
      var: ["A", "B", "C"],
      rows: 6,
    });
    const first = view["first"] as Record<string, [string, number, number]>;
    expect(first["0"]![0]).toBe("ENSG_A");
    expect(first["1"]![0]).toBe("ENSG_C");
    expect(first["0"]![1]).toBeCloseTo(groups[0]!.scores[top(0)]!, 5);
    expect(first["1"]![2]).toBe(1);
  });
});
