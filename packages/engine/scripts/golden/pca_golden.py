#!/usr/bin/python3
"""Golden values for packages/engine/src/pp/pca.ts: the exact SVD (numpy LAPACK) of a slice of shared data.

Run: /usr/bin/python3 packages/engine/scripts/golden/pca_golden.py
Reads ../shared/data/10X_PBMC_top2000.h5 and writes packages/engine/src/pp/__golden__/pca.json.
The matrix is log1p of the raw counts of the first 600 cells × first 400 genes, centred per gene; the
test builds the same matrix from the same file, so only the SVD is compared.
"""
import json
import os

import h5py
import numpy as np

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "10X_PBMC_top2000.h5")
OUT = os.path.join(HERE, "..", "..", "src", "pp", "__golden__", "pca.json")
N_CELLS, N_GENES, N_COMPS, N_VEC, N_SCORE_ROWS = 600, 400, 30, 10, 40

with h5py.File(DATA, "r") as f:
    x = np.log1p(f["X"][:N_CELLS, :N_GENES].astype(np.float64))
xc = x - x.mean(axis=0)
u, s, vt = np.linalg.svd(xc, full_matrices=False)
scores = u * s
total_var = xc.var(axis=0, ddof=1).sum()

golden = {
    "generator": "scripts/golden/pca_golden.py",
    "versions": {"numpy": np.__version__},
    "file": "10X_PBMC_top2000.h5",
    "nCells": N_CELLS,
    "nGenes": N_GENES,
    "singularValues": s[:N_COMPS].tolist(),
    "explainedVarianceRatio": ((s[:N_COMPS] ** 2 / (N_CELLS - 1)) / total_var).tolist(),
    "components": vt[:N_VEC].ravel().tolist(),
    "nVec": N_VEC,
    "scores": scores[:N_SCORE_ROWS, :N_VEC].ravel().tolist(),
    "nScoreRows": N_SCORE_ROWS,
}
with open(OUT, "w") as f:
    json.dump(golden, f)
    f.write("\n")
print(f"wrote {os.path.normpath(OUT)}; singular values {np.round(s[:12], 3).tolist()}")
