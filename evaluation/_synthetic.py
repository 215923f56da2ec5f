"""The rows a resampler made, told apart from the training rows it was given, and shown decoded."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from sedg.datasets import TabularData

__all__ = ["made_rows", "synthetic_frame"]


def made_rows(X_train: np.ndarray, y_train: np.ndarray, X_res: np.ndarray, y_res: np.ndarray) -> np.ndarray:
    """Indices of the rows of ``(X_res, y_res)`` a resampler made: its output less the training
    rows, as a multiset (a copy of a training row is made once the original is used up; values
    compared to 6 decimals, as standardising and back changes the last bits).

    Examples
    --------
    >>> X = np.array([[1.0], [2.0]])
    >>> made_rows(X, np.array([0, 1]), np.array([[1.0], [2.0], [2.0], [1.5]]), np.array([0, 1, 1, 1]))
    array([2, 3])
    """
    def keys(X, y):
        return [(row.tobytes(), label) for row, label in zip(np.round(X, 6) + 0.0, np.asarray(y).tolist())]

    left = Counter(keys(X_train, y_train))
    made = []
    for index, key in enumerate(keys(X_res, y_res)):
        if left[key] > 0:
            left[key] -= 1
        else:
            made.append(index)
    return np.array(made, dtype=int)


def synthetic_frame(data: TabularData, made: list) -> pd.DataFrame:
    """The rows made on every split, decoded, with the target and the split they were made on."""
    parts = []
    for index, X_made, y_made in made:
        frame = data.decode(X_made)
        frame[data.target] = data.name_labels(y_made)
        frame["split"] = index
        parts.append(frame)
    columns = [*data.feature_names, data.target, "split"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
