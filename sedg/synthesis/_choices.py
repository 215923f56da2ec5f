"""SEDG's choice lists that the search space needs, in a module that imports no torch."""

from __future__ import annotations

__all__ = [
    "DIAGNOSTICS", "EMBEDDINGS", "FEATURE_COMPARISONS", "FEATURE_IMPORTANCES", "FEATURE_MODIFICATIONS",
    "FEATURE_SELECTIONS", "ITERATION_MODES", "MEMBER_PROBABILITIES", "MODEL_AGNOSTIC_IMPORTANCES",
    "SAMPLE_SELECTIONS", "USAGE_STARTS",
]

SAMPLE_SELECTIONS = ("rss", "pass", "pess", "ppss")
MEMBER_PROBABILITIES = ("proportional", "inverse", "uniform", "largest", "smallest")
FEATURE_SELECTIONS = ("random", "imbalance", "importance")
FEATURE_IMPORTANCES = ("mdi", "permutation", "drop_column")
#: Importances any classifier has (mean decrease in impurity needs trees).
MODEL_AGNOSTIC_IMPORTANCES = ("permutation", "drop_column")
FEATURE_MODIFICATIONS = ("random", "pca_nn", "pca_cosine", "embedding_nn", "embedding_cosine")

#: Learned embeddings that guide modification (PCA of the raw features is the other guide).
EMBEDDINGS = ("nnmodel", "ae", "vae")
USAGE_STARTS = ("cold", "warm")
ITERATION_MODES = ("append", "replace", "replace_fraction")
#: Where PeSS/PPSS read losses and class AUCs: the trained model on its rows, or out of fold.
DIAGNOSTICS = ("in_sample", "out_of_fold")
#: Whole rows under phi, or each feature's value under its own phi_i (NNModel's input embedding).
FEATURE_COMPARISONS = ("row", "feature")
