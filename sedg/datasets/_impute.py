"""Missing values filled inside a split, from its training part only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sedg.datasets.base import TabularData

__all__ = ["SplitImputation", "fill_value", "impute_split"]


@dataclass(frozen=True)
class SplitImputation:
    """What :func:`impute_split` filled: per imputed feature, its fill value and cell count."""

    fill_values: dict[str, float]
    counts: dict[str, int]
    strategies: dict[str, str]

    def describe(self, non_finite: dict[str, int] | None = None) -> str | None:
        """One line for a results row (``None`` when nothing was missing); ``non_finite``: the
        features whose ``inf`` values the loader read as missing, said beside their count."""
        if not self.counts:
            return None
        non_finite = non_finite or {}
        parts = [f"{name}: {self.counts[name]} by {self.strategies[name]}"
                 + (f" (the data held {non_finite[name]} inf, read as missing)" if name in non_finite else "")
                 for name in self.counts]
        return "; ".join(parts)


def fill_value(observed: np.ndarray, discrete: bool) -> float:
    """The fill of a feature from its observed training values: the median, or for a discrete
    feature the most frequent code (ties: the smallest); 0 when nothing was observed.

    Examples
    --------
    >>> fill_value(np.array([1.0, 2.0, 10.0]), discrete=False), fill_value(np.array([2.0, 1, 1]), True)
    (2.0, 1.0)
    """
    if observed.size == 0:
        return 0.0
    if discrete:
        codes, frequency = np.unique(observed, return_counts=True)
        return float(codes[np.argmax(frequency)])
    return float(np.median(observed))


def impute_split(
    data: TabularData, X_train: np.ndarray, X_test: np.ndarray
) -> tuple[np.ndarray, np.ndarray, SplitImputation]:
    """Fill the NaN cells of both parts with values learnt from ``X_train`` alone.

    Continuous features take the training median, discrete ones (codes) the
    training part's most frequent code, so a filled cell is always a valid
    code and no statistic of the test part leaks into its filling. Ties take
    the smallest code. A feature missing in every training row has nothing to
    learn from; it is filled with 0 (the first code of a discrete feature).

    Examples
    --------
    >>> import numpy as np
    >>> from sedg.datasets import TabularData
    >>> data = TabularData(X=np.array([[1.0, 0], [np.nan, 1], [3.0, 1], [np.nan, np.nan]]),
    ...                    y=np.array([0, 1, 0, 1]), feature_names=("x", "c"),
    ...                    feature_kinds=("continuous", "nominal"),
    ...                    categories={1: np.array(["a", "b"])})
    >>> train, test, info = impute_split(data, data.X[:3], data.X[3:])
    >>> test.tolist(), info.describe()
    ([[2.0, 1.0]], 'x: 2 by median; c: 1 by most frequent')
    """
    missing_train, missing_test = np.isnan(X_train), np.isnan(X_test)
    columns = np.flatnonzero(missing_train.any(axis=0) | missing_test.any(axis=0))
    X_train, X_test = X_train.copy(), X_test.copy()
    fill_values, counts, strategies = {}, {}, {}
    for column in columns:
        name = data.feature_names[column]
        observed = X_train[~missing_train[:, column], column]
        discrete = bool(data.discrete_mask[column])
        value = fill_value(observed, discrete)
        X_train[missing_train[:, column], column] = value
        X_test[missing_test[:, column], column] = value
        fill_values[name] = value
        counts[name] = int(missing_train[:, column].sum() + missing_test[:, column].sum())
        strategies[name] = "most frequent" if discrete else "median"
    return X_train, X_test, SplitImputation(fill_values, counts, strategies)
