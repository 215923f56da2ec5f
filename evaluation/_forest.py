"""A random forest whose probabilities do not depend on thread timing."""

from __future__ import annotations

import numpy as np
from joblib import Parallel, delayed
from sklearn.ensemble import RandomForestClassifier
from sklearn.utils.validation import check_is_fitted

from sedg.threads import resolve_n_jobs

__all__ = ["ReproducibleForest"]


class ReproducibleForest(RandomForestClassifier):
    """scikit-learn's random forest, whose probabilities do not depend on thread timing.

    With ``n_jobs > 1`` scikit-learn adds the trees' probabilities in whatever order the
    threads finish, so the same model's probabilities differ in their last bits from one
    call to the next, and equal seeds would not give equal metrics. Here the threads share
    the rows instead: each sums every tree's probabilities for its own rows, tree by tree
    in one order, which is what one thread computes for every row.
    """

    def predict_proba(self, X):
        check_is_fitted(self)
        X = self._validate_X_predict(X)
        threads = min(resolve_n_jobs(self.n_jobs), X.shape[0])
        parts = np.array_split(np.arange(X.shape[0]), max(1, threads))
        done = Parallel(n_jobs=len(parts), prefer="threads")(
            delayed(self._summed_proba)(X[rows]) for rows in parts)
        return np.vstack(done) / len(self.estimators_)

    def _summed_proba(self, X) -> np.ndarray:
        # Each tree's ``predict_proba(X, check_input=False)`` is ``tree_.predict(X)[:, :n_classes_]``
        # after checks the forest has made once for all trees (scikit-learn 1.6 to 1.9); those
        # checks cost more than the prediction on a few hundred rows, 200 times per call
        # (permutation importance makes about a thousand calls). The sums are the same numbers
        # (tests/evaluation/test_large_tables.py compares them with scikit-learn's forest).
        total = np.zeros((X.shape[0], self.n_classes_), dtype=np.float64)
        for tree in self.estimators_:
            total += tree.tree_.predict(X)[:, :tree.n_classes_]
        return total
