#!/usr/bin/python3
"""Golden values for packages/engine/src/io: what h5py reads from the shared scDeepCluster X/Y files.

Run: /usr/bin/python3 packages/engine/scripts/golden/io_golden.py
Writes packages/engine/src/io/__golden__/io.json (kept tiny: a few entries per file, not the matrices).

Per file: shape, dtype of X and Y, nnz, sum and max of X, label classes with their sizes (labels
printed as the TS reader prints them: integer-valued floats without ".0"), and for a handful of
fixed rows the row sum, row nnz and the first few non-zero (column, value) pairs.
"""
import json
import os

import h5py
import numpy as np

DATA = "/work/shared/data"
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src", "io", "__golden__", "io.json")
FILES = [
    "10X_PBMC_top2000.h5",
    "worm_neuron_cell.h5",
    "mouse_bladder_cell_select_2100.h5",
    "mouse_bladder_cell_top2000.h5",
    "CITE_CBMC_counts_top2000.h5",
    "CITE_PBMC_counts.h5",
]


def label_str(v):
    f = float(v)
    return str(int(f)) if f.is_integer() else repr(f)


def describe(name):
    with h5py.File(os.path.join(DATA, name), "r") as f:
        x = f["X"][()]
        y = f["Y"][()]
        n, g = x.shape
        rows = sorted({0, 1, n // 2, n - 1})
        entries = []
        for r in rows:
            row = x[r].astype(np.float64)
            nz = np.flatnonzero(row)
            entries.append(
                {
                    "row": int(r),
                    "sum": float(row.sum()),
                    "nnz": int(nz.size),
                    "first": [[int(c), float(row[c])] for c in nz[:5]],
                    "last": [[int(c), float(row[c])] for c in nz[-3:]],
                }
            )
        labels = [label_str(v) for v in y]
        classes = {}
        for lab in labels:
            classes[lab] = classes.get(lab, 0) + 1
        return {
            "keys": sorted(f.keys()),
            "shape": [int(n), int(g)],
            "xDtype": str(x.dtype),
            "yDtype": str(y.dtype),
            "nnz": int(np.count_nonzero(x)),
            "sum": float(x.astype(np.float64).sum()),
            "max": float(x.max()),
            "classes": classes,
            "firstLabels": labels[:10],
            "rows": entries,
        }


def main():
    out = {
        "generator": f"h5py {h5py.__version__}, numpy {np.__version__}",
        "files": {name: describe(name) for name in FILES},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
