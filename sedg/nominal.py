"""Nominal features in interpolating samplers: categories are taken, never interpolated.

SMOTE draws a synthetic row on the segment between a row and one of its
neighbours. On the integer code of a nominal feature that is meaningless: between
``Mjob=at_home`` (code 0) and ``Mjob=teacher`` (code 4) lie ``health``, ``other``
and ``services``, a job neither parent has. imbalanced-learn's answer is SMOTENC
(SMOTEN when every feature is nominal): a synthetic row takes, for each nominal
feature, the most frequent category among the nearest neighbours of the row it
was made from. Samplers with no mixed-data form (borderline SMOTE, ADASYN) get the
same rule after the fact (:func:`take_nominal_values`). ``nominal="interpolate"``
keeps the old behaviour (interpolated codes, snapped to the nearest valid one),
for reproducing a paper's protocol.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.neighbors import NearestNeighbors

__all__ = ["NOMINAL_HANDLING", "DenseNeighbors", "smote_for", "take_nominal_values"]

#: How an interpolating sampler treats nominal features: as categories (the default), or as
#: numbers to interpolate (the papers' protocol, which ran SMOTE on codes).
NOMINAL_HANDLING = ("category", "interpolate")


def smote_for(nominal: Sequence[int], n_features: int, **parameters):
    """imbalanced-learn's SMOTE for a table with ``nominal`` feature columns: SMOTE when there are
    none, SMOTEN when every feature is nominal, SMOTENC otherwise; ``parameters`` are SMOTE's
    (``sampling_strategy``, ``k_neighbors``, ``random_state``).

    Examples
    --------
    >>> type(smote_for([1], 3, k_neighbors=3)).__name__, type(smote_for([0, 1], 2)).__name__
    ('SMOTENC', 'SMOTEN')
    """
    from imblearn.over_sampling import SMOTE, SMOTEN, SMOTENC

    nominal = sorted(int(i) for i in nominal)
    if not nominal:
        return SMOTE(**parameters)
    if len(nominal) == n_features:
        return SMOTEN(**parameters)
    k = parameters.pop("k_neighbors", 5)
    return SMOTENC(categorical_features=nominal, k_neighbors=DenseNeighbors(n_neighbors=k + 1),
                   **parameters)


class DenseNeighbors(NearestNeighbors):
    """scikit-learn's ``NearestNeighbors`` searching dense rows.

    SMOTENC hands its neighbour search a sparse matrix (the one-hot nominal columns beside
    the continuous ones), which scikit-learn can only search by brute force through sparse
    products: on a class of 21,000 rows that took 44 s of a 62 s resample. The same rows,
    dense, go to a tree or to BLAS; the distances and so the neighbours are the same.
    """

    def fit(self, X, y=None):
        return super().fit(_dense(X))

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        return super().kneighbors(None if X is None else _dense(X), n_neighbors, return_distance)


def _dense(X):
    return X.toarray() if sparse.issparse(X) else X


def take_nominal_values(X: np.ndarray, y: np.ndarray, X_new: np.ndarray, y_new: np.ndarray,
                        nominal: Sequence[int], k: int = 5) -> np.ndarray:
    """``X_new`` with each nominal value replaced by the most frequent one among the row's ``k``
    nearest rows of ``X`` of its own class (distance on the other features; on all of them when
    every feature is nominal), ties going to the nearest. SMOTENC takes the most frequent value
    among the neighbours of the row a synthetic row was made from; a synthetic row lies between
    that row and one of its neighbours, so its own nearest rows are that neighbourhood.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [0.1, 4.0], [0.2, 4.0], [5.0, 1.0]])
    >>> y = np.array([0, 0, 0, 1])
    >>> take_nominal_values(X, y, np.array([[0.15, 2.0]]), np.array([0]), nominal=[1], k=2)
    array([[0.15, 4.  ]])
    """
    nominal = [int(i) for i in nominal]
    if not nominal or len(X_new) == 0:
        return X_new
    X_new = np.array(X_new, dtype=float, copy=True)
    others = [i for i in range(X.shape[1]) if i not in nominal] or list(range(X.shape[1]))
    for label in np.unique(y_new):
        members, made = X[y == label], np.flatnonzero(y_new == label)
        search = NearestNeighbors(n_neighbors=min(k, len(members))).fit(members[:, others])
        nearest = search.kneighbors(X_new[made][:, others], return_distance=False)  # nearest first
        for column in nominal:
            values = members[nearest, column]  # rows x k, nearest first
            X_new[made, column] = [_most_frequent(row) for row in values]
    return X_new


def _most_frequent(values: np.ndarray) -> float:
    """The most frequent value; among equally frequent ones, the first (the nearest row's)."""
    unique, first, counts = np.unique(values, return_index=True, return_counts=True)
    tied = counts == counts.max()
    return float(unique[tied][np.argmin(first[tied])])
