"""Other clusterings of one training's embeddings, from `bench:trajectory --dump DIR`.

    /usr/bin/python3 packages/engine/bench/readouts.py DIR [--from-epoch 100]

Scores, against the labels, clusterings of the final model's z that the engine does not use (k-means with
more starts, Ward, a Gaussian mixture, spectral clustering of a 15-NN graph) and a consensus of the k-means
partitions of the checkpoints from --from-epoch on, to tell whether the distance to a bar is in how the
embedding is cut or in the embedding itself. Labels are only scored against. Needs Debian's
python3-sklearn.
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
