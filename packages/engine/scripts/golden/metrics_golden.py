#!/usr/bin/python3
"""Golden values for packages/engine/src/metrics: sklearn/scipy scores on seeded label pairs.

Run: /usr/bin/python3 packages/engine/scripts/golden/metrics_golden.py
Writes packages/engine/src/metrics/__golden__/metrics.json.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix
from sklearn.preprocessing import LabelEncoder

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "metrics", "__golden__", "metrics.json")


def acc(y, p):
    c = contingency_matrix(y, p)
    r, k = linear_sum_assignment(c, maximize=True)
    return float(c[r, k].sum()) / len(y)


def noisy(rng, y, flip, k):
    """Copy of y with a fraction `flip` of entries replaced by uniform draws from 0..k-1."""
    p = y.copy()
    m = rng.random(len(y)) < flip
    p[m] = rng.integers(0, k, m.sum())
    return p


rng = np.random.default_rng(20240601)
cases = []


def add(name, y, p):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.int64)
    cases.append(
        {
            "name": name,
            "labels": y.tolist(),
            "pred": p.tolist(),
            "acc": acc(y, p),
            "nmi": float(normalized_mutual_info_score(y, p)),
            "ari": float(adjusted_rand_score(y, p)),
        }
    )


y = rng.integers(0, 5, 500)
add("random 5 vs 5 (independent)", y, rng.integers(0, 5, 500))
add("noisy 5 vs 5", y, noisy(rng, y, 0.3, 5))
y = rng.integers(0, 4, 400)
add("4 labels vs 7 clusters", y, (y * 2 + rng.integers(0, 2, 400)) % 7)
y = rng.integers(0, 8, 300)
add("8 labels vs 3 clusters", y, noisy(rng, y // 3, 0.1, 3))
y = rng.choice(4, 1000, p=[0.8, 0.15, 0.04, 0.01])
add("unbalanced labels, noisy prediction", y, noisy(rng, y, 0.2, 6))
y = rng.choice(3, 600, p=[0.9, 0.09, 0.01])
add("very unbalanced, prediction splits the big class", y, np.where(y == 0, rng.integers(0, 3, 600), y + 2))
y = rng.integers(0, 6, 200)
add("identical labelings", y, y)
perm = rng.permutation(6)
add("identical up to relabelling", y, perm[y])
add("both one cluster", np.zeros(50), np.zeros(50) + 3)
add("labels one cluster, prediction several", np.zeros(60), rng.integers(0, 4, 60))
add("prediction one cluster, labels several", rng.integers(0, 4, 60), np.full(60, 7))
add("every sample its own cluster", np.arange(40), rng.permutation(40))
add("own clusters vs one cluster", np.arange(30), np.zeros(30))
y = rng.choice(np.array([-3, 7, 100, 2**20]), 250)
add("arbitrary non-contiguous codes", y, noisy(rng, np.searchsorted(np.unique(y), y) * 13 - 5, 0.25, 9))
add("two samples, different labels", [0, 1], [1, 1])
y = rng.integers(0, 15, 20000)
add("large 15 classes vs 18 clusters", y, noisy(rng, y, 0.4, 18))

strings = ["T cell", "B cell", "NK", "b cell", "10", "9", "Monocyte", "T cell", "NK", "Ünicode", "zeta", "10"]
enc = LabelEncoder()
codes = enc.fit_transform(strings)

with open(OUT, "w") as f:
    json.dump(
        {
            "generator": "scripts/golden/metrics_golden.py",
            "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "sklearn": sklearn.__version__},
            "cases": cases,
            "labelEncoder": {"values": strings, "codes": codes.tolist(), "classes": enc.classes_.tolist()},
        },
        f,
    )
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
