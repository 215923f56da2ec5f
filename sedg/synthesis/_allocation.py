"""How many rows each class gets, and weights turned into probabilities."""

from __future__ import annotations

import numpy as np

__all__ = ["normalise", "shortfall_counts", "shortfall_labels"]


def normalise(weights: np.ndarray) -> np.ndarray:
    """Non-negative weights to probabilities; all zero (or not finite) gives uniform."""
    weights = np.where(np.isfinite(weights), np.clip(weights, 0.0, None), 0.0)
    total = weights.sum()
    if total <= 0:
        return np.full(weights.shape, 1.0 / weights.size)
    return weights / total


def shortfall_counts(y: np.ndarray, n_synthetic: int) -> dict:
    """Spread ``n_synthetic`` new rows over the classes in proportion to their shortfall
    from the mode (largest remainders get the rows flooring left over).

    Examples
    --------
    >>> import numpy as np
    >>> shortfall_counts(np.array([0] * 10 + [1] * 4 + [2] * 8), 30)
    {0: 0, 1: 23, 2: 7}
    """
    labels, counts = np.unique(y, return_counts=True)
    shortfall = counts.max() - counts
    if shortfall.sum() == 0:  # already balanced: spread evenly
        shortfall = np.ones_like(counts)
    share = shortfall / shortfall.sum()
    extra = np.floor(share * n_synthetic).astype(int)
    left = n_synthetic - extra.sum()
    extra[np.argsort(-(share * n_synthetic - extra), kind="stable")[:left]] += 1
    return {label: int(add) for label, add in zip(labels.tolist(), extra)}


def shortfall_labels(y: np.ndarray, n_synthetic: int) -> np.ndarray:
    """The label of each of the ``n_synthetic`` new rows, class by class in the order of
    :func:`shortfall_counts`, in ``y``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> shortfall_labels(np.array([0] * 4 + [1] * 2 + [2] * 3), 3)
    array([1, 1, 2])
    """
    counts = shortfall_counts(y, n_synthetic)
    return np.repeat(np.array(list(counts), dtype=y.dtype), list(counts.values()))
