"""SEDG's choice lists that the search space needs, in a module that imports no torch."""

from __future__ import annotations

__all__ = ["DIAGNOSTICS", "EMBEDDINGS", "FEATURE_COMPARISONS", "ITERATION_MODES", "USAGE_STARTS"]

#: Learned embeddings that guide modification (PCA of the raw features is the other guide).
EMBEDDINGS = ("nnmodel", "ae", "vae")
USAGE_STARTS = ("cold", "warm")
ITERATION_MODES = ("append", "replace", "replace_fraction")
#: Where PeSS/PPSS read losses and class AUCs: the trained model on its rows, or out of fold.
DIAGNOSTICS = ("in_sample", "out_of_fold")
#: Whole rows under phi, or each feature's value under its own phi_i (NNModel's input embedding).
FEATURE_COMPARISONS = ("row", "feature")
