#!/usr/bin/python3
"""Golden values for packages/engine/src/pp.

Run with the system Python (numpy, scipy, h5py from Debian):

    /usr/bin/python3 packages/engine/scripts/golden/pp_golden.py

scanpy, pandas and skmisc are not installed here, so this script re-implements, in plain numpy,
the definitions the TypeScript code follows:

* scanpy.pp.filter_genes / filter_cells / normalize_total / log1p / scale,
* scanpy.pp.highly_variable_genes flavor='seurat' (`_highly_variable_genes_single_batch`), including
  pandas.cut's bin edges and pandas groupby mean/std, and flavor='seurat_v3',
* skmisc's loess (dloess by Cleveland, Grosse and Shyu) with its default surface='interpolate':
  k-d tree (ehg126/ehg124), pseudo-inverse local fits at the vertices (ehg127, here with numpy's
  SVD) and cubic Hermite blending (ehg128). Not checked against skmisc itself (not installed).

Intermediate matrices are stored as float32 where the TypeScript code stores them as float32
(normalised and log1p data); every statistic is computed in float64.

Writes compact JSON into packages/engine/src/pp/__golden__/:
  small.json    a seeded negative-binomial count matrix (stored in full) and every pp output on it
  bladder.json  outputs on the first 300 cells of /work/shared/data/mouse_bladder_cell_select_2100.h5
                (the test reads the same cells itself)
"""

import json
import math
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "src", "pp", "__golden__"))
DATA = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "..", "shared", "data"))
BLADDER = os.path.join(DATA, "mouse_bladder_cell_select_2100.h5")


# ---------------------------------------------------------------------------------------------
# scanpy definitions


def filter_genes(X, min_counts=None, min_cells=None):
    keep = np.ones(X.shape[1], dtype=bool)
    if min_counts is not None:
        keep &= X.sum(axis=0, dtype=np.float64) >= min_counts
    if min_cells is not None:
        keep &= (X > 0).sum(axis=0) >= min_cells
    return np.flatnonzero(keep)


def filter_cells(X, min_counts=None, min_genes=None):
    keep = np.ones(X.shape[0], dtype=bool)
    if min_counts is not None:
        keep &= X.sum(axis=1, dtype=np.float64) >= min_counts
    if min_genes is not None:
        keep &= (X > 0).sum(axis=1) >= min_genes
    return np.flatnonzero(keep)


def normalize_total(X, target_sum=None):
    """scanpy: X / (counts / target), counts of 0 replaced by 1; target = median of nonzero totals."""
    counts = X.sum(axis=1, dtype=np.float64)
    if target_sum is None:
        target_sum = float(np.median(counts[counts > 0]))
    factors = counts / target_sum
    divisor = np.where(counts == 0, 1.0, factors)
    out = (X.astype(np.float64) / divisor[:, None]).astype(np.float32)
    return out, factors, target_sum


def log1p(X):
    return np.log1p(X.astype(np.float64)).astype(np.float32)


def mean_var(X):
    """scanpy _get_mean_var: E[x^2] - E[x]^2, times n/(n-1)."""
    X = X.astype(np.float64)
    n = X.shape[0]
    mean = X.sum(axis=0) / n
    mean_sq = (X * X).sum(axis=0) / n
    return mean, (mean_sq - mean**2) * (n / (n - 1))


def pandas_cut_codes(values, n_bins):
    """pandas.cut(values, n_bins).codes for float values (right=True)."""
    mn, mx = float(np.nanmin(values)), float(np.nanmax(values))
    if mn == mx:
        mn -= 0.001 * abs(mn) if mn != 0 else 0.001
        mx += 0.001 * abs(mx) if mx != 0 else 0.001
        bins = np.linspace(mn, mx, n_bins + 1, endpoint=True)
    else:
        bins = np.linspace(mn, mx, n_bins + 1, endpoint=True)
        bins[0] -= (mx - mn) * 0.001
    ids = bins.searchsorted(values, side="left")
    ids[values == bins[0]] = 1
    codes = ids - 1
    codes[np.isnan(values) | (ids == len(bins)) | (ids == 0)] = -1
    return codes


def hvg_seurat(X, n_top_genes=None, n_bins=20, min_mean=0.0125, max_mean=3, min_disp=0.5, max_disp=np.inf):
    X = np.expm1(X.astype(np.float64))
    mean, var = mean_var(X)
    mean[mean == 0] = 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        dispersion = var / mean
        dispersion[dispersion == 0] = np.nan
        dispersion = np.log(dispersion)
    mean = np.log1p(mean)
    codes = pandas_cut_codes(mean, n_bins)
    avg = np.full(n_bins, np.nan)
    dev = np.full(n_bins, np.nan)
    for b in range(n_bins):
        d = dispersion[(codes == b) & ~np.isnan(dispersion)]
        if d.size >= 1:
            avg[b] = d.mean()
        if d.size >= 2:
            dev[b] = d.std(ddof=1)
    # one gene per bin: std NaN -> std = mean, mean = 0
    one = np.isnan(dev)
    dev[one] = avg[one]
    avg[one] = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        norm = np.where(codes >= 0, (dispersion - avg[codes]) / dev[codes], np.nan)
    if n_top_genes is not None:
        finite = np.sort(norm[~np.isnan(norm)])[::-1]
        n = min(n_top_genes, X.shape[1], finite.size)
        cutoff = finite[n - 1]
        hv = np.nan_to_num(norm, nan=-np.inf) >= cutoff
        gap = (finite[n - 1] - finite[n]) if n < finite.size else None
    else:
        d = np.nan_to_num(norm)
        hv = (mean > min_mean) & (mean < max_mean) & (d > min_disp) & (d < max_disp)
        cutoff, gap = None, None
    return dict(means=mean, dispersions=dispersion, dispersions_norm=norm, hv=hv, cutoff=cutoff, gap=gap,
                one_gene_bins=int(np.sum(one & np.isin(np.arange(n_bins), codes))))


def loess_fit_at(xs, ys, q, nf, degree):
    """ehg127: local polynomial at q on the nf nearest points; returns (value, slope).

    As dloess: rows weighted by sqrt(tricube), columns equilibrated to unit norm, least squares by
    the SVD with singular values <= 100 * eps * sigma_1 dropped (a pseudo-inverse: with tied x a
    neighbourhood can hold fewer distinct x values than coefficients), then the scaling undone.
    """
    dist = (xs - q) ** 2
    rho = np.partition(dist, nf - 1)[nf - 1]
    inside = dist < rho
    r = np.sqrt(dist[inside] / rho)
    w = np.sqrt((1 - r**3) ** 3)
    dx = xs[inside] - q
    cols = [np.ones_like(dx), dx] + ([dx**2] if degree == 2 else [])
    B = np.stack(cols, axis=1) * w[:, None]
    norms = np.sqrt((B**2).sum(axis=0))
    norms[norms == 0] = 1
    U, S, Vt = np.linalg.svd(B / norms, full_matrices=False)
    keep = S > S[0] * 100 * np.finfo(float).eps
    z = Vt.T[:, keep] @ ((U[:, keep].T @ (ys[inside] * w)) / S[keep])
    coef = z / norms
    return coef[0], coef[1]


def loess(x, y, span=0.75, degree=2, surface="interpolate", cell=0.2):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n = x.size
    nf = min(n, int(math.floor(n * span + 1e-5)))
    if surface == "direct":
        return np.array([loess_fit_at(x, y, q, nf, degree)[0] for q in x])
    xs = np.sort(x)
    fc = int(math.floor(n * (span * cell)))
    lo, hi = xs[0], xs[-1]
    mu = 0.005 * max(hi - lo, 1e-10 * max(abs(lo), abs(hi)) + 1e-30)
    vertices = [lo - mu, hi + mu]
    nvmax = max(200, n)
    # cells: (l, u, lower vertex value, upper vertex value), 1-based positions into xs, breadth first
    cells = [(1, n, lo - mu, hi + mu)]
    p = 0
    while p < len(cells):
        l, u, vlo, vhi = cells[p]
        p += 1
        if u - l + 1 <= fc or vhi - vlo <= 0 or nvmax < len(cells) + 2 or nvmax < len(vertices) + 1:
            continue
        m = (l + u) // 2
        offset = 0
        while l <= m + offset < u:
            if xs[m + offset - 1] == xs[m + offset]:
                offset = -offset
                if offset >= 0:
                    offset += 1
            else:
                m += offset
                break
        t = xs[m - 1]
        if t == vlo or t == vhi:
            continue
        vertices.append(t)
        cells.append((l, m, vlo, t))
        cells.append((m + 1, u, t, vhi))
    vert = np.sort(np.array(vertices))
    fits = np.array([loess_fit_at(x, y, v, nf, degree) for v in vert])
    # leaf cell of z: (v_k, v_k+1], a point on a split goes to the lower cell
    k = np.clip(vert.searchsorted(x, side="left") - 1, 0, vert.size - 2)
    v0, v1 = vert[k], vert[k + 1]
    width = v1 - v0
    h = (x - v0) / width
    phi0 = (1 - h) ** 2 * (1 + 2 * h)
    phi1 = h**2 * (3 - 2 * h)
    psi0 = h * (1 - h) ** 2
    psi1 = h**2 * (h - 1)
    return phi0 * fits[k, 0] + phi1 * fits[k + 1, 0] + (psi0 * fits[k, 1] + psi1 * fits[k + 1, 1]) * width


def hvg_seurat_v3(X, n_top_genes, span=0.3):
    X = X.astype(np.float64)
    n = X.shape[0]
    mean, var = mean_var(X)
    not_const = var > 0
    est = np.zeros(X.shape[1])
    est[not_const] = loess(np.log10(mean[not_const]), np.log10(var[not_const]), span=span, degree=2)
    reg_std = np.sqrt(10**est)
    clip_val = reg_std * np.sqrt(n) + mean
    clipped = np.minimum(X, clip_val[None, :])
    norm = (n * mean**2 + (clipped**2).sum(axis=0) - 2 * clipped.sum(axis=0) * mean) / ((n - 1) * reg_std**2)
    order = np.argsort(-norm, kind="stable")
    hv = np.zeros(X.shape[1], dtype=bool)
    hv[order[:n_top_genes]] = True
    gap = norm[order[n_top_genes - 1]] - norm[order[n_top_genes]] if n_top_genes < norm.size else None
    return dict(means=mean, variances=var, variances_norm=norm, hv=hv, gap=gap, fitted=est)


def scale(X, zero_center=True, max_value=None):
    mean, var = mean_var(X)
    std = np.sqrt(var)
    std[std == 0] = 1
    Y = X.astype(np.float64)
    if zero_center:
        Y = Y - mean
    Y = Y / std
    if max_value is not None:
        Y = np.minimum(Y, max_value)
        if zero_center:
            Y = np.maximum(Y, -max_value)
    return Y.astype(np.float32), mean, std


def preprocess(counts, n_top_genes=2000, target_sum=None, empty_cells="error"):
    X = np.ceil(counts.astype(np.float64)).astype(np.float32)
    genes = filter_genes(X, min_counts=1)
    X = X[:, genes]
    cells = filter_cells(X, min_counts=1)
    if cells.size < X.shape[0] and empty_cells == "error":
        raise ValueError("empty cells")
    X = X[cells]
    Xn, factors, target = normalize_total(X, target_sum)
    Xl = log1p(Xn)
    h = hvg_seurat(Xl, n_top_genes=n_top_genes)
    sel = np.flatnonzero(h["hv"])
    x, _, _ = scale(Xl[:, sel])
    return dict(x=x, kept_cells=cells, kept_genes=genes[sel], hvg=h, genes_after_filter=genes,
                size_factors=factors, target=target)


# ---------------------------------------------------------------------------------------------
# JSON helpers: NaN -> null; float32 data written with 9 significant digits (exact round trip).


def f64(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def f32(a):
    return [None if not np.isfinite(v) else float("%.9g" % v) for v in np.asarray(a, dtype=np.float32).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def csr_data(X):
    """Non-zero values in row-major order, i.e. the data array of the CSR matrix."""
    return X[X != 0]


def write(name, obj):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"), allow_nan=False)
    print(f"wrote {path} ({os.path.getsize(path) / 1024:.0f} KiB)")


# ---------------------------------------------------------------------------------------------


def small():
    rng = np.random.default_rng(20240611)
    n_cells, n_genes = 60, 120
    # gene means spread over 3 orders of magnitude, per-cell depth varies 4x; NB with dispersion 0.5
    gene_mean = np.exp(rng.uniform(np.log(0.02), np.log(20), n_genes))
    depth = rng.uniform(0.5, 2, n_cells)
    mu = depth[:, None] * gene_mean[None, :]
    r = 2.0
    counts = rng.negative_binomial(r, r / (r + mu)).astype(np.float64)
    counts[:, [5, 17, 60]] = 0  # all-zero genes
    counts[7, :] = 0  # an empty cell
    counts[:, 90] = 3  # a constant gene (variance 0)
    counts[:, 100] *= 40  # one very high gene, alone in the top mean bin

    fg = filter_genes(counts, min_cells=3)
    fg_counts = filter_genes(counts, min_counts=15)
    fc = filter_cells(counts, min_genes=40)
    fc_counts = filter_cells(counts, min_counts=100)

    norm, factors, target = normalize_total(counts)
    norm_1e4, factors_1e4, _ = normalize_total(counts, 1e4)
    logged = log1p(norm)

    h = hvg_seurat(logged, n_top_genes=30)
    assert h["one_gene_bins"] >= 1, "the small case should exercise scanpy's one-gene-per-bin rule"
    h_all = hvg_seurat(logged, n_top_genes=10_000)
    h_cut = hvg_seurat(logged)
    v3 = hvg_seurat_v3(counts, n_top_genes=30)

    sc, sc_mean, sc_std = scale(logged, max_value=2.5)
    sc_nz, _, _ = scale(logged, zero_center=False)

    pre = preprocess(counts, n_top_genes=30, empty_cells="drop")

    lx = np.round(rng.normal(0, 1, 200), 1)  # rounded so there are ties
    ly = np.sin(lx) + rng.normal(0, 0.3, 200)

    write("small.json", {
        "about": "pp_golden.py: seeded NB counts, 60 cells x 120 genes, row-major",
        "nRows": n_cells, "nCols": n_genes, "counts": ints(counts),
        "filterGenes": {"minCells3": ints(fg), "minCounts15": ints(fg_counts)},
        "filterCells": {"minGenes40": ints(fc), "minCounts100": ints(fc_counts)},
        "normalizeTotal": {"target": target, "sizeFactors": f64(factors), "data": f32(csr_data(norm)),
                           "sizeFactors1e4": f64(factors_1e4), "data1e4": f32(csr_data(norm_1e4))},
        "log1p": {"data": f32(csr_data(logged))},
        "hvgSeurat": {"nTopGenes": 30, "means": f64(h["means"]), "dispersions": f64(h["dispersions"]),
                      "dispersionsNorm": f64(h["dispersions_norm"]), "selected": ints(np.flatnonzero(h["hv"]))},
        "hvgSeuratAll": {"selected": ints(np.flatnonzero(h_all["hv"]))},
        "hvgSeuratCutoffs": {"selected": ints(np.flatnonzero(h_cut["hv"]))},
        "hvgSeuratV3": {"nTopGenes": 30, "means": f64(v3["means"]), "variances": f64(v3["variances"]),
                        "variancesNorm": f64(v3["variances_norm"]), "selected": ints(np.flatnonzero(v3["hv"]))},
        "scale": {"maxValue": 2.5, "x": f32(sc), "mean": f64(sc_mean), "std": f64(sc_std), "xNoCenter": f32(sc_nz)},
        "preprocess": {"nTopGenes": 30, "keptCells": ints(pre["kept_cells"]), "keptGenes": ints(pre["kept_genes"]),
                       "x": f32(pre["x"])},
        "loess": {"span": 0.3, "x": f64(lx), "y": f64(ly),
                  "interpolate": f64(loess(lx, ly, span=0.3)),
                  "direct": f64(loess(lx, ly, span=0.3, surface="direct")),
                  "interpolateDegree1": f64(loess(lx, ly, span=0.5, degree=1))},
    })


def bladder():
    with h5py.File(BLADDER, "r") as f:
        counts = f["X"][:300].astype(np.float64)
    n_top = 2000
    pre = preprocess(counts, n_top_genes=n_top)
    h = pre["hvg"]
    genes = pre["genes_after_filter"]
    # a spread of genes (positions in the filtered gene list) plus the ones either side of the cutoff
    finite = np.flatnonzero(~np.isnan(h["dispersions_norm"]))
    order = finite[np.argsort(-h["dispersions_norm"][finite], kind="stable")]
    probe = np.unique(np.concatenate([np.arange(0, genes.size, 61), order[n_top - 3:n_top + 3]]))
    rows = [0, 1, 150, 299]

    v3 = hvg_seurat_v3(counts, n_top_genes=n_top)
    v3_order = np.argsort(-v3["variances_norm"], kind="stable")
    v3_probe = np.unique(np.concatenate([np.arange(0, counts.shape[1], 59), v3_order[n_top - 3:n_top + 3]]))

    print(f"bladder: {genes.size} genes with counts; seurat cutoff gap {h['gap']:.3g} at {h['cutoff']:.6g}; "
          f"seurat_v3 gap {v3['gap']:.3g}")
    write("bladder.json", {
        "about": "pp_golden.py: first 300 cells of mouse_bladder_cell_select_2100.h5",
        "nCells": 300, "nTopGenes": n_top,
        "preprocess": {"keptCells": ints(pre["kept_cells"]), "keptGenes": ints(pre["kept_genes"]),
                       "target": pre["target"], "sizeFactors": f64(pre["size_factors"]),
                       "rows": rows, "xRows": f32(pre["x"][rows]),
                       "colMeanAbs": f64(np.abs(pre["x"].astype(np.float64)).mean(axis=0))},
        "hvgSeurat": {"genesAfterFilter": ints(genes), "probe": ints(probe),
                      "means": f64(h["means"][probe]), "dispersions": f64(h["dispersions"][probe]),
                      "dispersionsNorm": f64(h["dispersions_norm"][probe]), "cutoff": h["cutoff"], "gap": h["gap"]},
        "hvgSeuratV3": {"selected": ints(np.flatnonzero(v3["hv"])), "probe": ints(v3_probe),
                        "means": f64(v3["means"][v3_probe]), "variances": f64(v3["variances"][v3_probe]),
                        "variancesNorm": f64(v3["variances_norm"][v3_probe]), "gap": v3["gap"]},
    })


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    small()
    bladder()
