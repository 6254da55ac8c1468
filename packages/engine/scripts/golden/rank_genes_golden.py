#!/usr/bin/python3
"""Golden values for packages/engine/src/tl/rankGenes.ts: scipy's tests on shared PBMC data.

Run: /usr/bin/python3 packages/engine/scripts/golden/rank_genes_golden.py
Reads ../shared/data/10X_PBMC_top2000.h5 and writes packages/engine/src/tl/__golden__/rankGenes.json.
Expression is LogNormalize as the engine computes it (float32 counts / (total / 1e4) rounded to float32,
log1p rounded to float32) over all genes; the tests use the first N_GENES genes, each label group vs the
rest: mannwhitneyu(method='asymptotic', use_continuity=False) (two-sided, tie-corrected, scanpy's
Wilcoxon), Welch's ttest_ind(equal_var=False), Benjamini–Hochberg over the genes (as statsmodels'
fdr_bh, which scanpy uses), scanpy's log2 fold change and the fractions of cells expressing.
"""
import json
import os

import h5py
import numpy as np
import scipy
from scipy.stats import mannwhitneyu, ttest_ind
from scipy.stats import norm as normal

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data", "10X_PBMC_top2000.h5")
OUT = os.path.join(HERE, "..", "..", "src", "tl", "__golden__", "rankGenes.json")
N_GENES = 150

with h5py.File(DATA, "r") as f:
    counts = f["X"][()].astype(np.float32).astype(np.float64)
    labels = f["Y"][()].astype(int)
totals = counts.sum(axis=1)
norm = (counts / (totals / 1e4)[:, None]).astype(np.float32)
x = np.log1p(norm.astype(np.float64)).astype(np.float32).astype(np.float64)[:, :N_GENES]


def bh(p):
    n = len(p)
    order = np.argsort(p)
    adj = p[order] * n / np.arange(1, n + 1)
    adj = np.minimum.accumulate(adj[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(adj, 1)
    return out


groups = []
for code in sorted(set(labels.tolist())):
    mask = labels == code
    a, b = x[mask], x[~mask]
    mwu = [mannwhitneyu(a[:, j], b[:, j], method="asymptotic", use_continuity=False, alternative="two-sided") for j in range(N_GENES)]
    wp = np.array([r.pvalue for r in mwu])
    # mannwhitneyu's z (scanpy's `scores`): its sign from U against its mean, its size from the two-sided p.
    # Where p underflows to 0 the z is not recoverable from p: written as 0, and the test skips those genes.
    wz = np.array([np.sign(r.statistic - mask.sum() * (~mask).sum() / 2) * normal.isf(r.pvalue / 2) if r.pvalue > 0 else 0.0 for r in mwu])
    with np.errstate(invalid="ignore", divide="ignore"):
        tt = ttest_ind(a, b, equal_var=False)
    tstat = np.where(np.isnan(tt.statistic), 0.0, tt.statistic)
    tp = np.where(np.isnan(tt.pvalue), 1.0, tt.pvalue)
    lfc = np.log2((np.expm1(a.mean(axis=0)) + 1e-9) / (np.expm1(b.mean(axis=0)) + 1e-9))
    groups.append(
        {
            "label": str(code),
            "n": int(mask.sum()),
            "wilcoxonZ": wz.tolist(),
            "wilcoxonP": wp.tolist(),
            "wilcoxonPAdj": bh(wp).tolist(),
            "tScore": tstat.tolist(),
            "tP": tp.tolist(),
            "tPAdj": bh(tp).tolist(),
            "logFoldChange": lfc.tolist(),
            "pctIn": (a > 0).mean(axis=0).tolist(),
            "pctOut": (b > 0).mean(axis=0).tolist(),
        }
    )
    print(f"group {code}: n={mask.sum()}, min Wilcoxon p {wp.min():.3e}, min t-test p {tp.min():.3e}")

with open(OUT, "w") as f:
    json.dump({"generator": "scripts/golden/rank_genes_golden.py", "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
               "file": "10X_PBMC_top2000.h5", "nGenes": N_GENES, "groups": groups}, f)
    f.write("\n")
print(f"wrote {os.path.normpath(OUT)}")
