"""The rows SEDG makes for a few configurations, as digests: run under several kernel settings.

``python -m tests.sedg.kernel_probe [--cpu K|all]`` prints one JSON object, configuration name →
SHA-256 of the resampled rows; with ``--cpu K`` the process runs on that one CPU (so on one
thread: sedg sizes its thread pools by the CPUs a process may use, not by ``OMP_NUM_THREADS``),
with ``--cpu all`` on every CPU of the machine (a test worker may have been kept to one).
``tests/sedg/test_portable_rows.py`` runs it under several thread counts and instruction sets and
asks for one answer. The configurations cover every step where a machine's
floating-point rounding could reach a choice: the similarity of candidates under each embedding
(PCA, AE, VAE, SEDG's own NNModel, row by row and value by value), a second round that
retrains the embedding on the first round's rows, importances and out-of-fold losses of a forest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from sedg import SEDGSampler
from sedg.datasets import make_grades

#: name → SEDGSampler parameters (n_synthetic 60 unless given).
CONFIGURATIONS = {
    "pca_nn, PaSS, imbalance, two rounds replacing": {
        "feature_modification": "pca_nn", "sample_selection": "pass", "feature_selection": "imbalance",
        "n_features": 3, "iterations": 2, "iteration_mode": "replace"},
    "pca_cosine, PPSS, mdi": {
        "feature_modification": "pca_cosine", "sample_selection": "ppss", "feature_selection": "importance",
        "feature_importance": "mdi", "n_features": 3},
    "ae embedding_nn, RSS": {
        "feature_modification": "embedding_nn", "embedding": "ae", "sample_selection": "rss",
        "feature_selection": "random", "n_features": 3, "latent_dim": 4},
    "vae embedding_nn, two rounds replacing (the SEDG pin)": {
        "sample_selection": "pass", "member_replacement": False, "samples_per_draw": 3,
        "feature_selection": "imbalance", "n_features": 2, "feature_modification": "embedding_nn",
        "embedding": "vae", "latent_dim": 4, "carry_replacements": False, "iterations": 2,
        "iteration_mode": "replace", "n_synthetic": 100},
    "vae embedding_cosine with PCA": {
        "feature_modification": "embedding_cosine", "embedding": "vae", "embedding_pca": True,
        "pca_components": 3, "n_features": 2},
    "own NNModel embedding, rows": {
        "feature_modification": "embedding_nn", "embedding": "nnmodel", "n_features": 2},
    "own NNModel embedding, values": {
        "feature_modification": "embedding_cosine", "embedding": "nnmodel",
        "feature_comparison": "feature", "n_features": 2},
    "PeSS out of fold, permutation": {
        "sample_selection": "pess", "diagnostics": "out_of_fold", "feature_selection": "importance",
        "feature_importance": "permutation", "feature_modification": "pca_nn", "n_features": 2},
}


def digests() -> dict[str, str]:
    """SHA-256 of each configuration's resampled rows on a fixed table and seed."""
    data = make_grades(n_samples=240, seed=0)
    forest = RandomForestClassifier(n_estimators=20, random_state=0)
    out = {}
    for name, params in CONFIGURATIONS.items():
        sampler = SEDGSampler(**{"n_synthetic": 60, **params}, classifier=forest,
                              discrete_features=data.discrete_indices, random_state=3)
        X_res, y_res = sampler.fit_resample(data.X, data.y)
        rows = np.column_stack([X_res, y_res]).astype(np.float64)
        out[name] = hashlib.sha256(np.ascontiguousarray(rows).tobytes()).hexdigest()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu", default=None)
    cpu = parser.parse_args().cpu
    if cpu == "all":
        try:
            os.sched_setaffinity(0, range(os.cpu_count() or 1))
        except OSError:  # a container that allows fewer: those it allows
            pass
    elif cpu is not None:
        os.sched_setaffinity(0, {int(cpu)})
    print(json.dumps(digests()))
