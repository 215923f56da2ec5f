"""What samplers built on other libraries share: the extra they need, and made rows kept valid."""

from __future__ import annotations

import importlib
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

import joblib
import numpy as np

from sedg._errors import SedgInputError

__all__ = ["ColumnLimits", "column_indices", "library_errors", "require_extra"]


def require_extra(module: str, extra: str, method: str) -> ModuleType:
    """Import ``module``, or say in one line which extra installs it.

    Examples
    --------
    >>> require_extra("numpy", "none", "a doctest").__name__
    'numpy'
    >>> require_extra("nomodule", "ctgan", "method 'ctgan'")
    Traceback (most recent call last):
    ...
    sedg._errors.SedgInputError: method 'ctgan' needs the nomodule package: pip install 'sedg-search[ctgan]'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SedgInputError(
            f"{method} needs the {module} package: pip install 'sedg-search[{extra}]'") from None


def column_indices(name: str, indices, n_columns: int) -> list[int]:
    """``indices`` (a parameter such as ``discrete_features``; None is none) as sorted distinct
    column numbers, each one of ``n_columns``, or one line saying which is not.

    Examples
    --------
    >>> column_indices("nominal_features", [3, 0, 3], 4)
    [0, 3]
    >>> column_indices("discrete_features", [0, 4], 4)
    Traceback (most recent call last):
    ...
    sedg._errors.SedgInputError: discrete_features [0, 4] out of range for 4 columns
    """
    columns = sorted({int(i) for i in indices or []})
    if columns and (columns[0] < 0 or columns[-1] >= n_columns):
        raise SedgInputError(f"{name} {columns} out of range for {n_columns} columns")
    return columns


@contextmanager
def library_errors(what: str):
    """Inside: a library's own failure on these rows (a ``ValueError`` of a mixture fit, an
    assertion on shapes) becomes one :class:`SedgInputError` naming ``what``, so the search
    records the configuration as invalid instead of a traceback; its chatter is silenced, and
    its joblib pools run in this process (``ctgan`` asks for every CPU in processes of its
    own; a trial keeps to its share)."""
    with warnings.catch_warnings(), joblib.parallel_config(backend="sequential"):
        warnings.simplefilter("ignore")
        try:
            yield
        except SedgInputError:
            raise
        except (ValueError, AssertionError, IndexError, KeyError, ZeroDivisionError,
                np.linalg.LinAlgError) as error:
            raise SedgInputError(f"{what} failed on these rows: {type(error).__name__}: {error}") from None


@dataclass(frozen=True)
class ColumnLimits:
    """Each column's training range, and which columns hold only whole numbers (discrete codes,
    counts, ordinal scores): made rows are kept inside the one and rounded in the other.

    Examples
    --------
    >>> X = np.array([[0.0, 1.5], [2.0, 2.5]])
    >>> limits = ColumnLimits.of(X)
    >>> limits.whole.tolist()
    [True, False]
    >>> limits.apply(np.array([[2.6, 9.0], [-1.0, 2.0]])).tolist()
    [[2.0, 2.5], [0.0, 2.0]]
    """

    low: np.ndarray
    high: np.ndarray
    whole: np.ndarray

    @classmethod
    def of(cls, X: np.ndarray) -> ColumnLimits:
        X = np.asarray(X, dtype=float)
        finite = np.where(np.isfinite(X), X, np.nan)
        return cls(low=np.nanmin(finite, axis=0), high=np.nanmax(finite, axis=0),
                   whole=np.all(np.isnan(finite) | (finite == np.round(finite)), axis=0))

    def apply(self, X_new: np.ndarray) -> np.ndarray:
        """``X_new`` with whole-number columns rounded and every column clipped to its range."""
        X_new = np.array(X_new, dtype=float)
        X_new[:, self.whole] = np.round(X_new[:, self.whole])
        return np.clip(X_new, self.low, self.high)
