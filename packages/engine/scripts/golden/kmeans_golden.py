#!/usr/bin/python3
"""Golden values for packages/engine/src/tl/kmeans.ts: sklearn KMeans on seeded Gaussian blobs.

Run: /usr/bin/python3 packages/engine/scripts/golden/kmeans_golden.py
Writes packages/engine/src/tl/__golden__/kmeans.json. The data are stored rounded to 4 decimals and
fitted as float32 → float64, i.e. exactly the values a Float32Array parsed from the JSON holds.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "tl", "__golden__", "kmeans.json")


def case(name, X, k):
    X = np.round(X, 4)
    X32 = X.astype(np.float32).astype(np.float64)
    km = KMeans(n_clusters=k, n_init=10, random_state=0, init="k-means++", algorithm="lloyd").fit(X32)
    inertias = [
        KMeans(n_clusters=k, n_init=10, random_state=s, algorithm="lloyd").fit(X32).inertia_ for s in range(1, 6)
    ]
    print(f"{name}: inertia {km.inertia_:.6f}, n_iter {km.n_iter_}, other seeds {np.round(inertias, 4).tolist()}")
    n, d = X.shape
    return {
        "name": name,
        "n": n,
        "d": d,
        "k": k,
        "data": X.ravel().tolist(),
        "inertia": float(km.inertia_),
        "labels": km.labels_.tolist(),
        "centroids": km.cluster_centers_.ravel().tolist(),
        "nIter": int(km.n_iter_),
    }


cases = []
X, y = make_blobs(n_samples=600, n_features=10, centers=6, cluster_std=1.0, center_box=(-10, 10), random_state=42)
cases.append(case("separated blobs 600x10 k=6", X, 6) | {"truth": y.tolist()})
X, y = make_blobs(n_samples=600, n_features=10, centers=6, cluster_std=3.0, center_box=(-5, 5), random_state=7)
cases.append(case("overlapping blobs 600x10 k=6", X, 6) | {"truth": y.tolist()})
X, y = make_blobs(
    n_samples=[300, 120, 60, 15], n_features=5, cluster_std=[1.5, 1.0, 0.8, 0.5], center_box=(-8, 8), random_state=3
)
cases.append(case("unbalanced blobs 495x5 k=4", X, 4) | {"truth": y.tolist()})

with open(OUT, "w") as f:
    json.dump(
        {"generator": "scripts/golden/kmeans_golden.py", "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__}, "cases": cases},
        f,
    )
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
