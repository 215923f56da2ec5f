"""Train/test splits of the two papers' protocols, safe for 1-member classes."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.model_selection import StratifiedKFold, train_test_split

__all__ = ["N_FOLDS", "PROTOCOLS", "TEST_SIZE", "make_splits", "n_splits"]

#: The SEDG paper's holdout (40 % test) and the GMCSMOTE paper's 5-fold cross-validation.
PROTOCOLS = ("holdout", "cv")
TEST_SIZE = 0.4
N_FOLDS = 5


def make_splits(
    y: np.ndarray, protocol: str, *, seed: int, test_size: float = TEST_SIZE, n_folds: int = N_FOLDS
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Index pairs ``(train, test)``: one for ``holdout``, ``n_folds`` for ``cv``.

    ``holdout`` (SEDG paper): a stratified split with ``test_size`` of the rows
    in the test part. Classes with a single member cannot be stratified; they
    go to the training part whole, so the model can learn them and their
    class-AUC on the test part is NaN.

    ``cv`` (GMCSMOTE paper): stratified k-fold with shuffling. Classes with
    fewer members than folds are spread over as many folds as they have
    members (scikit-learn's rule); the other folds lack them.

    Both depend only on ``y`` and ``seed``, so every trial of a search with the
    same seed sees the same splits.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([0] * 10 + [1] * 10 + [2])
    >>> [(train.size, test.size) for train, test in make_splits(y, "holdout", seed=0)]
    [(13, 8)]
    """
    y = np.asarray(y)
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}")
    if protocol == "holdout":
        labels, counts = np.unique(y, return_counts=True)
        single = np.isin(y, labels[counts < 2])
        common = np.flatnonzero(~single)
        train, test = train_test_split(
            common, test_size=test_size, stratify=y[common], random_state=seed
        )
        return [(np.sort(np.concatenate([train, np.flatnonzero(single)])), np.sort(test))]
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The least populated class")
        return [(train, test) for train, test in folds.split(np.zeros(y.size), y)]


def n_splits(protocol: str, n_folds: int = N_FOLDS) -> int:
    """How many (train, test) pairs ``protocol`` evaluates."""
    return n_folds if protocol == "cv" else 1
