#!/usr/bin/env python3
"""Writes a large synthetic sparse h5ad for `pnpm bench:io` (default 1,000,000 cells x 20,000 genes,
about 2% non-zero, i.e. ~400 million stored counts, ~3.2 GB uncompressed).

Written with h5py straight to the anndata on-disk spec (X csr_matrix, obs/var dataframes with a
categorical obs column), a block of cells at a time, so it needs well under 1 GB of memory. Seeded:
the same arguments give the same file. Usage:

    /usr/bin/python3 packages/engine/scripts/make_big_h5ad.py /tmp/scfnccl-1m.h5ad [--cells N] [--genes G]
        [--density 0.02] [--seed 0] [--gzip]

Write it under /tmp, never into the repository.
"""
import argparse
import sys
import time

import h5py
import numpy as np


def string_attrs(obj, encoding_type, version):
    obj.attrs["encoding-type"] = encoding_type
    obj.attrs["encoding-version"] = version


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--cells", type=int, default=1_000_000)
    p.add_argument("--genes", type=int, default=20_000)
    p.add_argument("--density", type=float, default=0.02)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--block", type=int, default=2_000, help="cells generated per block")
    p.add_argument("--gzip", action="store_true", help="gzip level 1 (smaller file, slower to write and read)")
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    # 8-bit draws are the cheapest way to get a Bernoulli(density) mask: keep draws below this threshold.
    threshold = int(round(a.density * 256))
    compression = {"compression": "gzip", "compression_opts": 1} if a.gzip else {}
    chunk = (1 << 20,)
    started = time.time()
    with h5py.File(a.out, "w") as f:
        string_attrs(f, "anndata", "0.1.0")
        x = f.create_group("X")
        string_attrs(x, "csr_matrix", "0.1.0")
        x.attrs["shape"] = np.array([a.cells, a.genes], dtype=np.int64)
        data = x.create_dataset("data", shape=(0,), maxshape=(None,), dtype=np.float32, chunks=chunk, **compression)
        indices = x.create_dataset("indices", shape=(0,), maxshape=(None,), dtype=np.int32, chunks=chunk, **compression)
        indptr = np.zeros(a.cells + 1, dtype=np.int64)
        nnz = 0
        for start in range(0, a.cells, a.block):
            end = min(a.cells, start + a.block)
            mask = rng.integers(0, 256, size=(end - start, a.genes), dtype=np.uint8) < threshold
            rows, cols = np.nonzero(mask)  # row-major: columns come sorted within each row
            counts = (1 + rng.poisson(1.0, size=rows.size)).astype(np.float32)
            indptr[start + 1 : end + 1] = nnz + np.cumsum(np.bincount(rows, minlength=end - start))
            data.resize((nnz + rows.size,))
            indices.resize((nnz + rows.size,))
            data[nnz:] = counts
            indices[nnz:] = cols.astype(np.int32)
            nnz += rows.size
            if (start // a.block) % 50 == 0:
                print(f"{end:,} / {a.cells:,} cells, {nnz:,} non-zeros, {time.time() - started:.0f} s", file=sys.stderr)
        x.create_dataset("indptr", data=indptr, chunks=chunk if a.cells + 1 > chunk[0] else None, **compression)

        obs = f.create_group("obs")
        string_attrs(obs, "dataframe", "0.2.0")
        obs.attrs["_index"] = "_index"
        obs.attrs["column-order"] = np.array(["cell_type"], dtype=object)
        str_dt = h5py.string_dtype()
        obs.create_dataset("_index", data=np.array([f"cell{i}" for i in range(a.cells)], dtype=object), dtype=str_dt)
        string_attrs(obs["_index"], "string-array", "0.2.0")
        cat = obs.create_group("cell_type")
        string_attrs(cat, "categorical", "0.2.0")
        cat.attrs["ordered"] = False
        cat.create_dataset("codes", data=rng.integers(0, 8, size=a.cells, dtype=np.int8))
        cat.create_dataset("categories", data=np.array([f"type_{i}" for i in range(8)], dtype=object), dtype=str_dt)
        string_attrs(cat["codes"], "array", "0.2.0")
        string_attrs(cat["categories"], "string-array", "0.2.0")

        var = f.create_group("var")
        string_attrs(var, "dataframe", "0.2.0")
        var.attrs["_index"] = "_index"
        var.attrs["column-order"] = np.array([], dtype=np.float64)
        var.create_dataset("_index", data=np.array([f"gene{j}" for j in range(a.genes)], dtype=object), dtype=str_dt)
        string_attrs(var["_index"], "string-array", "0.2.0")
        for name in ["layers", "obsm", "obsp", "varm", "varp", "uns"]:
            string_attrs(f.create_group(name), "dict", "0.1.0")
    print(f"wrote {a.out}: {a.cells:,} x {a.genes:,}, {nnz:,} non-zeros ({nnz / (a.cells * a.genes):.2%}) in {time.time() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
