"""Shared helpers of the SMOTE-based samplers: replicating tiny classes."""

from __future__ import annotations

import numpy as np

__all__ = ["replicate_small_classes"]


def replicate_small_classes(
    X: np.ndarray, y: np.ndarray, min_samples: int
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Repeat the members of every class under ``min_samples`` until it has that many.

    Members are repeated in their order (deterministic), so a 1-member class
    becomes ``min_samples`` copies of that row. Returns the grown ``X``, ``y``
    (original rows first) and the number of rows added per label.

    Examples
    --------
    >>> import numpy as np
    >>> X, y, added = replicate_small_classes(np.arange(4.0)[:, None], np.array([0, 0, 0, 1]), 3)
    >>> y.tolist(), added
    ([0, 0, 0, 1, 1, 1], {1: 2})
    """
    extra_rows, extra_labels, added = [], [], {}
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        missing = min_samples - members.size
        if missing > 0:
            extra_rows.append(X[np.resize(members, missing)])
            extra_labels.append(np.full(missing, label, dtype=y.dtype))
            added[label.item() if hasattr(label, "item") else label] = int(missing)
    if not added:
        return X, y, added
    return np.vstack([X, *extra_rows]), np.concatenate([y, *extra_labels]), added
