"""Other clusterings of one training's embeddings, from `bench:trajectory --dump DIR`.

    /usr/bin/python3 packages/engine/bench/readouts.py DIR [--from-epoch 100] [--data FILE.h5]

Scores, against the labels, clusterings of the final model's z that the engine does not use (k-means with
more starts, Ward, a Gaussian mixture, spectral clustering of a 15-NN graph) and a consensus of the k-means
partitions of the checkpoints from --from-epoch on, to tell whether the distance to a bar is in how the
embedding is cut or in the embedding itself. With --data (the scDeepCluster X/Y file the training
read) it also compares Seurat-style graph clusterings (SNN of the 20 nearest neighbours, Louvain at the
resolution giving k) of the input's 30 principal components, of z, and of the union of both graphs:
is what a PCA graph finds missing from z, or only cut differently? Labels are only scored against.
Needs Debian's python3-sklearn (and python3-h5py, python3-networkx for --data).
"""
import argparse
import glob
import os
import warnings

import numpy as np
from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.mixture import GaussianMixture

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("dir")
parser.add_argument("--from-epoch", type=int, default=100)
parser.add_argument("--data", help="the scDeepCluster X/Y .h5 file the training read, for the graph readouts")
args = parser.parse_args()
warnings.filterwarnings("ignore", category=FutureWarning)

truth = np.load(os.path.join(args.dir, "truth.npy"))
k = len(np.unique(truth))
z = np.load(os.path.join(args.dir, "z-final.npy"))


def report(name, labels):
    print(f"| {name} | {adjusted_rand_score(truth, labels):.4f} | {normalized_mutual_info_score(truth, labels):.4f} |", flush=True)


print(f"# {args.dir}: {len(truth)} cells, k {k}")
print("| clustering of the final z | ARI | NMI |")
print("|---|---|---|")
report("k-means, 10 starts", KMeans(k, n_init=10, random_state=0).fit_predict(z))
report("k-means, 100 starts", KMeans(k, n_init=100, random_state=0).fit_predict(z))
report("Ward", AgglomerativeClustering(k, linkage="ward").fit_predict(z))
report("Gaussian mixture (full covariance)", GaussianMixture(k, covariance_type="full", n_init=3, random_state=0).fit(z).predict(z))
report("spectral, 15-NN graph", SpectralClustering(k, affinity="nearest_neighbors", n_neighbors=15, assign_labels="cluster_qr", random_state=0).fit_predict(z))

epoch_of = lambda path: int(os.path.basename(path)[len("z-e"):-len(".npy")])
checkpoints = sorted((p for p in glob.glob(os.path.join(args.dir, "z-e*.npy")) if epoch_of(p) >= args.from_epoch), key=epoch_of)
if checkpoints:
    partitions = [KMeans(k, n_init=10, random_state=0).fit_predict(np.load(p)) for p in checkpoints]
    for p, labels in zip(checkpoints, partitions):
        report(f"k-means of epoch {epoch_of(p)}'s z", labels)
    # Each cell described by its cluster in every checkpoint: clustering these memberships is a
    # consensus of the partitions (co-association up to a constant for the Hamming distance).
    memberships = np.concatenate([np.eye(k)[labels] for labels in partitions], axis=1)
    report(f"consensus of {len(partitions)} checkpoints, k-means", KMeans(k, n_init=10, random_state=0).fit_predict(memberships))
    report(f"consensus of {len(partitions)} checkpoints, average linkage", AgglomerativeClustering(k, linkage="average", metric="hamming").fit_predict(memberships))


def preprocessed_pcs(path, n_pcs=30):
    """The reference's preprocessing (counts rounded up, median library size, log1p, genes z-scored), then PCA."""
    import h5py
    from sklearn.decomposition import PCA

    with h5py.File(path) as f:
        x = np.ceil(f["X"][()].astype(np.float64))
    x = x[:, x.sum(0) > 0]
    library = x.sum(1, keepdims=True)
    x = np.log1p(x / library * np.median(library))
    x = (x - x.mean(0)) / x.std(0, ddof=1)
    return PCA(n_pcs, random_state=0).fit_transform(x)


def snn_edges(emb, n_neighbors=20, prune=1 / 15):
    """Seurat's shared-nearest-neighbour graph: Jaccard overlap of kNN sets (self included), pruned below 1/15."""
    from sklearn.neighbors import NearestNeighbors

    knn = NearestNeighbors(n_neighbors=n_neighbors).fit(emb).kneighbors(emb, return_distance=False)
    sets = [set(row) for row in knn]
    edges = {}
    for i, row in enumerate(knn):
        for j in row:
            if j == i:
                continue
            shared = len(sets[i] & sets[j])
            jaccard = shared / (2 * n_neighbors - shared)
            if jaccard >= prune:
                edges[(min(i, j), max(i, j))] = jaccard
    return edges


def louvain_at_k(edges, n, k, seed=0):
    """Louvain (networkx) at the resolution, found by bisection, whose clustering is closest to k clusters."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((a, b, w) for (a, b), w in edges.items())
    lo, hi, best = 0.01, 5.0, None
    for _ in range(25):
        resolution = (lo + hi) / 2
        communities = nx.community.louvain_communities(graph, resolution=resolution, seed=seed)
        labels = np.empty(n, int)
        for c, members in enumerate(communities):
            labels[list(members)] = c
        if best is None or abs(len(communities) - k) < abs(best[0] - k):
            best = (len(communities), labels)
        if len(communities) == k:
            break
        lo, hi = (resolution, hi) if len(communities) < k else (lo, resolution)
    return best


if args.data:
    pca_edges = snn_edges(preprocessed_pcs(args.data))
    z_edges = snn_edges(z)
    union = {e: pca_edges.get(e, 0) + z_edges.get(e, 0) for e in set(pca_edges) | set(z_edges)}
    for name, edges in [("input's 30 PCs", pca_edges), ("final z", z_edges), ("union of both graphs", union)]:
        found, labels = louvain_at_k(edges, len(truth), k)
        report(f"graph (SNN, Louvain) of the {name}, {found} clusters", labels)
