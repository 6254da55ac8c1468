/**
 * h5ad files written by the real anndata (Debian's python3-anndata, which .ci/run installs), so the
 * reader is checked against the reference writer's encodings and not only against our reading of
 * the spec: CSC X, raw/X, layers, boolean, nullable integer/boolean, categorical with missing values.
 */
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { csrToDense } from "../pp/csr.ts";
import { readDataset, readH5ad } from "./index.ts";
import { makeTempDir } from "./testFiles.ts";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const WRITE = `
import sys, warnings
warnings.simplefilter("ignore")
import anndata, numpy as np, pandas as pd, scipy.sparse as sp
X = sp.csc_matrix(np.array([[1, 0, 2, 0], [0, 0, 0, 3], [4, 5, 0, 0]], dtype=np.float32))
obs = pd.DataFrame({
    "cell_type": pd.Categorical(["T", None, "B"]),
    "is_doublet": np.array([True, False, True]),
    "n_genes": pd.array([2, None, 2], dtype="Int64"),
    "qc_pass": pd.array([True, None, False], dtype="boolean"),
    "score": np.array([0.5, 1.5, 2.5]),
    "donor": ["d1", "d2", "d1"],
}, index=["c1", "c2", "c3"])
a = anndata.AnnData(X=X, obs=obs, var=pd.DataFrame({"feature_name": pd.Categorical(["A", "B", "C", "B"]), "n_cells": [1, 1, 1, 1]}, index=["g1", "g2", "g3", "g4"]))
a.layers["counts"] = sp.csr_matrix(X) * 2
a.raw = a
a = a[:, ["g2", "g4"]].copy()
a.write_h5ad(sys.argv[1], compression=sys.argv[2] if len(sys.argv) > 2 else None)
`;

describe("h5ad written by anndata", () => {
  for (const compression of ["", "gzip"]) {
    it(`reads every obs encoding, CSC X, raw/X and layers${compression ? " (gzip)" : ""}`, async () => {
      const path = tmp.path(`anndata${compression}.h5ad`);
      execFileSync("/usr/bin/python3", ["-c", WRITE, path, ...(compression ? [compression] : [])], { stdio: "pipe" });
      const d = await readDataset(path);
      expect(d.cells).toEqual(["c1", "c2", "c3"]);
      expect(d.genes).toEqual(["g2", "g4"]);
      // Symbols (which may repeat) beside the unique index; the symbol column is the display name.
      expect(d.geneColumns).toEqual({ var_names: ["g2", "g4"], feature_name: ["B", "B"] });
      expect(d.geneNameColumn).toBe("feature_name");
      expect(Array.from(csrToDense(d.counts))).toEqual([0, 0, 0, 3, 5, 0]);
      expect(d.labelKey).toBe("obs/cell_type");
      expect(d.labels).toEqual(["T", "", "B"]);
      expect(d.warnings).toBeUndefined();
      const column = async (labelKey: string) => (await readH5ad(path, { labelKey })).labels;
      expect(await column("is_doublet")).toEqual(["True", "False", "True"]);
      expect(await column("n_genes")).toEqual(["2", "", "2"]);
      expect(await column("qc_pass")).toEqual(["True", "", "False"]);
      expect(await column("score")).toEqual(["0.5", "1.5", "2.5"]);
      expect(await column("donor")).toEqual(["d1", "d2", "d1"]);
      const raw = await readH5ad(path, { matrix: "raw/X" });
      expect(raw.genes).toEqual(["g1", "g2", "g3", "g4"]);
      expect(Array.from(csrToDense(raw.counts))).toEqual([1, 0, 2, 0, 0, 0, 0, 3, 4, 5, 0, 0]);
      const layer = await readH5ad(path, { matrix: "layers/counts" });
      expect(Array.from(csrToDense(layer.counts))).toEqual([0, 0, 0, 6, 10, 0]);
    });
  }
});
