"""The encoded table every generator, classifier and search trial works on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from sedg._errors import SedgInputError

__all__ = ["FEATURE_KINDS", "TabularData", "named_labels", "snap_codes"]

#: ``nominal`` and ``ordinal`` features are discrete (integer codes); the rest continuous.
FEATURE_KINDS = ("nominal", "ordinal", "continuous")


@dataclass(frozen=True, eq=False)
class TabularData:
    """A numeric encoding of a table with a class target, and the way back.

    Discrete features (``nominal`` strings, ``ordinal`` integers with few
    values) are stored as integer codes ``0 .. k-1`` in the sorted order of
    their original values, kept in ``categories``; continuous features keep
    their values. The target keeps its original labels when they are numbers;
    ``labels`` is their sorted, ordered set (the order QWK uses). Labels that
    are words have no order of their own: with ``label_names`` (the words,
    lowest first) ``y`` holds each word's rank ``0 .. k-1``, so every ordinal
    computation sees the user's order; :attr:`class_names` and
    :meth:`name_labels` give the words back.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Encoded features, float64; NaN marks a missing value (only from
        ``load_table(impute=True)``; each split fills them, see
        :func:`sedg.datasets.impute_split`).
    y : ndarray of shape (n_samples,)
        Class labels, original values.
    feature_names : tuple of str
    feature_kinds : tuple of str
        One of ``FEATURE_KINDS`` per feature.
    categories : dict of int to ndarray
        For each discrete feature index, the original value of each code.
    integer_features : frozenset of int
        Continuous features whose original values were integers (decoded rounded).
    target : str
        Name of the target column.
    name : str
        Name of the data set, used in results and cache keys.
    label_names : tuple of str, optional
        The words of a word target in their order; ``y`` then holds ranks.
    non_finite : dict of str to int
        Features whose ``inf`` values were read as missing (``impute=True``), and how many.

    Examples
    --------
    >>> from sedg.datasets import make_grades
    >>> data = make_grades(n_samples=100, seed=0)
    >>> data.X.shape[0], len(data.feature_names) == data.X.shape[1]
    (100, True)
    >>> frame = data.decode(data.X[:2])
    >>> list(frame.columns) == list(data.feature_names)
    True
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    feature_kinds: tuple[str, ...]
    categories: dict[int, np.ndarray] = field(default_factory=dict)
    integer_features: frozenset[int] = frozenset()
    target: str = "target"
    name: str = "table"
    label_names: tuple[str, ...] | None = None
    non_finite: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.X.ndim != 2 or self.X.shape[0] != self.y.shape[0]:
            raise SedgInputError(
                f"X has shape {self.X.shape} but y has {self.y.shape[0]} rows"
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise SedgInputError("one feature name per column of X is required")
        unknown = set(self.feature_kinds) - set(FEATURE_KINDS)
        if unknown or len(self.feature_kinds) != self.X.shape[1]:
            raise SedgInputError(
                f"feature kinds must be one of {FEATURE_KINDS} per column, got {sorted(unknown)}"
            )
        missing = [i for i in self.discrete_indices if i not in self.categories]
        if missing:
            raise SedgInputError(f"discrete features {missing} have no categories")
        if self.label_names is not None and not np.isin(self.y, np.arange(len(self.label_names))).all():
            raise SedgInputError("with label_names, y must hold ranks 0 .. len(label_names) - 1")

    @cached_property
    def labels(self) -> np.ndarray:
        """The ordered label set of the whole table."""
        return np.unique(self.y)

    @cached_property
    def class_names(self) -> np.ndarray:
        """The labels as the data file writes them, in label order (results name classes so)."""
        return self.name_labels(self.labels)

    def name_labels(self, values) -> np.ndarray:
        """``values`` of ``y`` as the data file writes them (words for a word target)."""
        return named_labels(self.label_names, values)

    @cached_property
    def discrete_mask(self) -> np.ndarray:
        """Boolean mask of the discrete (nominal or ordinal) features."""
        return np.array([kind != "continuous" for kind in self.feature_kinds])

    @property
    def discrete_indices(self) -> list[int]:
        return [i for i, kind in enumerate(self.feature_kinds) if kind != "continuous"]

    @property
    def nominal_indices(self) -> list[int]:
        """Features whose codes are unordered categories: never interpolated (SMOTENC's rule)."""
        return [i for i, kind in enumerate(self.feature_kinds) if kind == "nominal"]

    @cached_property
    def has_missing(self) -> bool:
        """Whether ``X`` holds missing values (NaN) to impute inside each split."""
        return bool(np.isnan(self.X).any())

    @cached_property
    def cardinalities(self) -> dict[int, int]:
        """Number of codes of each discrete feature."""
        return {i: len(values) for i, values in self.categories.items()}

    @cached_property
    def class_counts(self) -> dict:
        """Members per class, in label order, keyed by :attr:`class_names`."""
        values, counts = np.unique(self.y, return_counts=True)
        return dict(zip(self.name_labels(values).tolist(), counts.tolist()))

    @cached_property
    def fingerprint(self) -> str:
        """A short content hash: equal data gives equal cache keys across processes."""
        digest = hashlib.sha256()
        digest.update(np.ascontiguousarray(self.X).tobytes())
        digest.update(np.asarray(self.y).astype(str).astype("U").tobytes())
        digest.update("\x1f".join(self.feature_names).encode())
        digest.update("\x1f".join(self.feature_kinds).encode())
        digest.update("\x1f".join(self.label_names or ()).encode())
        return digest.hexdigest()[:16]

    @cached_property
    def feature_ranges(self) -> np.ndarray:
        """Observed ``(min, max)`` of every column of ``X``, shape (n_features, 2)."""
        return np.stack([np.nanmin(self.X, axis=0), np.nanmax(self.X, axis=0)], axis=1)

    def snap(self, X: np.ndarray) -> np.ndarray:
        """Round discrete columns of generated rows to valid codes.

        Interpolating generators (SMOTE and its kin) produce fractional codes;
        snapping keeps every row decodable and valid for embedding lookups.
        """
        return snap_codes(X, self.cardinalities)

    def decode(self, X: np.ndarray) -> pd.DataFrame:
        """Turn encoded rows back into the original values and types (missing stays missing)."""
        X = self.snap(X)
        columns = {}
        for index, name in enumerate(self.feature_names):
            column = X[:, index]
            missing = np.isnan(column)
            if index in self.categories:
                values = self.categories[index][np.where(missing, 0, column).astype(int)]
            elif index in self.integer_features:
                low, high = self.feature_ranges[index]
                values = np.clip(np.rint(np.where(missing, low, column)), low, high).astype(np.int64)
            else:
                values = column
            columns[name] = pd.Series(values).where(~missing) if missing.any() else values
        return pd.DataFrame(columns)

    def to_frame(self) -> pd.DataFrame:
        """The decoded table with its target column."""
        frame = self.decode(self.X)
        frame[self.target] = self.name_labels(self.y)
        return frame

    def describe(self) -> str:
        """One line: rows, features by kind, classes and the smallest class."""
        kinds = {kind: self.feature_kinds.count(kind) for kind in FEATURE_KINDS}
        smallest = min(self.class_counts.values())
        return (
            f"{self.name}: {self.X.shape[0]} rows, {self.X.shape[1]} features "
            f"({kinds['nominal']} nominal, {kinds['ordinal']} ordinal, "
            f"{kinds['continuous']} continuous), {len(self.labels)} classes, "
            f"smallest class {smallest}"
        )


def named_labels(label_names, values) -> np.ndarray:
    """Ranks ``values`` as the words of ``label_names``; the values themselves without names.

    Examples
    --------
    >>> named_labels(("poor", "fair", "good"), [2, 0]).tolist(), named_labels(None, [3]).tolist()
    (['good', 'poor'], [3])
    """
    if label_names is None:
        return np.asarray(values)
    return np.asarray(label_names, dtype=object)[np.asarray(values, dtype=int)]


def snap_codes(X: np.ndarray, cardinalities: dict[int, int]) -> np.ndarray:
    """``X`` with each discrete column (``index: number of codes``) rounded to a valid code.

    Examples
    --------
    >>> snap_codes(np.array([[0.4, 2.6], [3.7, -1.0]]), {1: 3}).tolist()
    [[0.4, 2.0], [3.7, 0.0]]
    """
    X = np.array(X, dtype=float, copy=True)
    for index, count in cardinalities.items():
        X[:, index] = np.clip(np.rint(X[:, index]), 0, count - 1)
    return X
