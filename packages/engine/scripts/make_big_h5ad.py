#!/usr/bin/env python3
"""Writes a large, realistic synthetic count matrix as a sparse h5ad, for `pnpm bench:io` and
`pnpm bench:scale` (default 1,000,000 cells x 20,000 genes, ~2% non-zero, i.e. ~400 million stored
counts, ~3.2 GB uncompressed).

The model (seeded, so the same arguments give the same file):
- labelled clusters (default 8) of unequal size (proportions ~ Dirichlet(2)), written as obs['cell_type'];
- per-gene base expression log-normal (heavy-tailed: a few genes with tens of counts per cell,
  most with far below one), each cluster with its own marker genes (1.5% of genes up by e^N(2, 0.5),
  0.5% down by e^-N(1.5, 0.5)) and a small shift N(0, 0.15) on every gene;
- a library size factor per cell, log-normal (sd 0.5, clipped at ±3 sd), on a grid of 2.5% steps;
- counts ~ negative binomial(mean = size factor x cluster mean, size theta_g), theta_g log-normal
  around 3, drawn exactly by inversion: one uniform per entry decides zero (u < P(0)) and, for the
  rest, the count (the NB quantile of u). The base-expression level is calibrated so the expected
  share of non-zeros is --density.

Written with h5py straight to the anndata on-disk spec (X csr_matrix, obs/var dataframes with a
categorical obs column), a block of cells at a time, so memory stays well under 1 GB whatever the
number of cells. Usage:

    /usr/bin/python3 packages/engine/scripts/make_big_h5ad.py /tmp/scfnccl-1m.h5ad [--cells N] [--genes G]
        [--density 0.02] [--clusters 8] [--seed 0] [--gzip]

Write it under /tmp, never into the repository.
"""
import argparse
import sys
import time

import h5py
import numpy as np

SIZE_STEP = 0.025  # log size factors lie on this grid, so P(0) rows can be cached per (cluster, level)
SIZE_SD = 0.5


def string_attrs(obj, encoding_type, version):
    obj.attrs["encoding-type"] = encoding_type
    obj.attrs["encoding-version"] = version


def p_zero(mean, theta):
    """NB probability of a zero: (theta / (theta + mean)) ** theta."""
    return np.exp(-theta * np.log1p(mean / theta))


class Model:
    def __init__(self, rng, genes, clusters, density):
        self.genes = genes
        self.clusters = clusters
        self.proportions = rng.dirichlet(np.full(clusters, 2.0))
        self.theta = np.exp(rng.normal(np.log(3.0), 0.5, size=genes))
        base = rng.normal(0.0, 1.8, size=genes)
        effect = rng.normal(0.0, 0.15, size=(clusters, genes))
        n_up = max(1, int(0.015 * genes))
        n_down = max(1, int(0.005 * genes))
        for c in range(clusters):
            picked = rng.choice(genes, size=n_up + n_down, replace=False)
            effect[c, picked[:n_up]] += rng.normal(2.0, 0.5, size=n_up)
            effect[c, picked[n_up:]] -= np.abs(rng.normal(1.5, 0.5, size=n_down))
        self.log_profile = base[None, :] + effect  # [clusters, genes], before the calibrated offset
        max_level = int(round(3 * SIZE_SD / SIZE_STEP))
        self.levels = np.arange(-max_level, max_level + 1)
        self.offset = self.calibrate(density)
        self.cache = {}

    def expected_density(self, offset):
        # Average P(count > 0) over clusters (by proportion) and size factors (normal quantiles).
        q = np.linspace(0.02, 0.98, 13)
        from statistics import NormalDist

        logs = np.array([NormalDist(0, SIZE_SD).inv_cdf(float(v)) for v in q])
        total = 0.0
        for c in range(self.clusters):
            m = np.exp(self.log_profile[c][None, :] + offset + logs[:, None])
            total += self.proportions[c] * float(np.mean(1 - p_zero(m, self.theta[None, :])))
        return total

    def calibrate(self, density):
        lo, hi = -20.0, 10.0
        for _ in range(40):
            mid = (lo + hi) / 2
            if self.expected_density(mid) < density:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    def log_mean(self, cluster, level):
        return self.log_profile[cluster] + self.offset + level * SIZE_STEP

    def p0_row(self, cluster, level):
        key = (int(cluster), int(level))
        row = self.cache.get(key)
        if row is None:
            row = p_zero(np.exp(self.log_mean(cluster, level)), self.theta).astype(np.float32)
            self.cache[key] = row
        return row

    def block(self, rng, n):
        """Labels and the CSR pieces (entries per row, columns, counts) and row totals of n new cells."""
        labels = rng.choice(self.clusters, size=n, p=self.proportions)
        size = np.clip(rng.normal(0.0, SIZE_SD, size=n), -3 * SIZE_SD, 3 * SIZE_SD)
        level = np.rint(size / SIZE_STEP).astype(np.int64)
        p0 = np.stack([self.p0_row(c, l) for c, l in zip(labels, level)])
        u = rng.random((n, self.genes), dtype=np.float32)
        rows, cols = np.nonzero(u >= p0)  # row-major: columns come sorted within each row
        del p0
        uu = u[rows, cols].astype(np.float64)
        del u
        mean = np.exp(self.log_profile[labels[rows], cols] + self.offset + level[rows] * SIZE_STEP)
        theta = self.theta[cols]
        counts = nb_quantile(uu, mean, theta)
        totals = np.bincount(rows, weights=counts, minlength=n)
        return labels, np.bincount(rows, minlength=n), cols.astype(np.int32), counts.astype(np.float32), totals


def nb_quantile(u, mean, theta):
    """Smallest k >= 1 with NB-CDF(k) > u, for u already known to be >= P(0) (inversion, exact)."""
    r = mean / (mean + theta)
    pmf = p_zero(mean, theta) * theta * r  # P(1)
    cdf = p_zero(mean, theta) + pmf
    k = np.ones(u.size, dtype=np.int64)
    active = np.nonzero(u >= cdf)[0]
    step = 1
    while active.size:
        step += 1
        pmf[active] *= (step - 1 + theta[active]) / step * r[active]
        cdf[active] += pmf[active]
        k[active] = step
        # Stop where u is reached, or where the tail no longer adds anything in float64 past the mode.
        a = active
        keep = (u[a] >= cdf[a]) & ~((pmf[a] < 1e-17) & (step > mean[a]))
        active = a[keep]
    return k


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--cells", type=int, default=1_000_000)
    p.add_argument("--genes", type=int, default=20_000)
    p.add_argument("--density", type=float, default=0.02, help="expected share of non-zero entries")
    p.add_argument("--clusters", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--block", type=int, default=1_000, help="cells generated per block")
    p.add_argument("--gzip", action="store_true", help="gzip level 1 (smaller file, slower to write and read)")
    a = p.parse_args()

    rng = np.random.default_rng(a.seed)
    model = Model(rng, a.genes, a.clusters, a.density)
    compression = {"compression": "gzip", "compression_opts": 1} if a.gzip else {}
    chunk = (1 << 20,)
    started = time.time()
    codes = np.empty(a.cells, dtype=np.int8 if a.clusters <= 127 else np.int32)
    totals = np.empty(a.cells, dtype=np.float64)
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
            labels, per_row, cols, counts, block_totals = model.block(rng, end - start)
            codes[start:end] = labels
            indptr[start + 1 : end + 1] = nnz + np.cumsum(per_row)
            totals[start:end] = block_totals
            data.resize((nnz + cols.size,))
            indices.resize((nnz + cols.size,))
            data[nnz:] = counts
            indices[nnz:] = cols
            nnz += cols.size
            if (start // a.block) % 100 == 0:
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
        cat.create_dataset("codes", data=codes)
        cat.create_dataset("categories", data=np.array([f"type_{i}" for i in range(a.clusters)], dtype=object), dtype=str_dt)
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
    genes_per_cell = np.diff(indptr)
    sizes = np.bincount(codes.astype(np.int64), minlength=a.clusters)
    print(
        f"wrote {a.out}: {a.cells:,} x {a.genes:,}, {nnz:,} non-zeros ({nnz / (a.cells * a.genes):.2%}) in {time.time() - started:.0f} s; "
        f"counts per cell median {np.median(totals):.0f} (5-95%: {np.percentile(totals, 5):.0f}-{np.percentile(totals, 95):.0f}), "
        f"genes per cell median {np.median(genes_per_cell):.0f}, empty cells {int(np.sum(genes_per_cell == 0))}, "
        f"cluster sizes {sizes.tolist()}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
