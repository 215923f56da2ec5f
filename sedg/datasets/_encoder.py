"""The loader's encoding as a fitted scikit-learn transformer: raw rows in, the model's matrix out."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from sedg._errors import SedgInputError
from sedg.datasets._impute import fill_value
from sedg.datasets.base import TabularData

__all__ = ["TableEncoder"]


class TableEncoder(TransformerMixin, BaseEstimator):
    """Encode a raw table exactly as the training table was encoded.

    :func:`~sedg.datasets.load_table` infers each column's kind and codes from
    the frame it reads, so a second frame with other values would be encoded
    differently. This transformer keeps the encoding learnt from the training
    table — column order, nominal categories and ordinal codes (by value, not
    position), integer columns — and, with ``impute=True``, the fill of each
    feature learnt from the training rows (median, or most frequent code, as
    :func:`~sedg.datasets.impute_split` fills a split). New rows may hold the
    columns in any order, and the target column or others besides.

    A value the training table never had, a missing column, a value that is
    not a number in a numeric column, or a missing value without ``impute``
    is a :class:`~sedg.SedgInputError` naming the column, the row and the value.

    Parameters
    ----------
    feature_names : sequence of str
        The features, in the model's column order.
    categories : dict of int to array
        For each discrete feature (by position), its values in code order.
    impute : bool, default=False
        Fill missing values (learnt in ``fit`` from the rows it is given).

    :meth:`from_data` takes both from a loaded table; the table's rows are not kept.

    Attributes
    ----------
    feature_names_in_ : ndarray of str
    fill_values_ : dict of int to float
        The fill of each feature by position (``impute=True``); empty otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> from sedg.datasets import encode_frame
    >>> frame = pd.DataFrame({"job": ["teacher", "at_home", "teacher"], "age": [15, 16, 17],
    ...                       "grade": [1, 2, 1]})
    >>> encoder = TableEncoder.from_data(encode_frame(frame, "grade")).fit(frame)
    >>> encoder.transform(pd.DataFrame({"age": [17], "job": ["at_home"]})).tolist()
    [[0.0, 2.0]]
    """

    def __init__(self, feature_names=(), categories=None, *, impute: bool = False) -> None:
        self.feature_names = feature_names
        self.categories = categories
        self.impute = impute

    @classmethod
    def from_data(cls, data: TabularData, *, impute: bool = False) -> TableEncoder:
        """The encoding of a loaded table (its rows are not kept)."""
        return cls(tuple(data.feature_names), dict(data.categories), impute=impute)

    def fit(self, X: pd.DataFrame, y=None) -> TableEncoder:
        self.feature_names_in_ = np.asarray(self.feature_names, dtype=object)
        self.n_features_in_ = len(self.feature_names_in_)
        encoded = self._encode(X, allow_missing=self.impute)
        self.fill_values_: dict[int, float] = {}
        if self.impute:  # every feature: a value missing only in new rows is filled alike
            for index in range(encoded.shape[1]):
                observed = encoded[~np.isnan(encoded[:, index]), index]
                self.fill_values_[index] = fill_value(observed, index in self._categories)
        return self

    def transform(self, X: pd.DataFrame) -> np.ndarray:
        check_is_fitted(self, "feature_names_in_")
        encoded = self._encode(X, allow_missing=self.impute)
        for index in np.flatnonzero(np.isnan(encoded).any(axis=0)):
            encoded[np.isnan(encoded[:, index]), index] = self.fill_values_[int(index)]
        return encoded

    @property
    def _categories(self) -> dict:
        return self.categories or {}

    def _encode(self, frame: pd.DataFrame, *, allow_missing: bool) -> np.ndarray:
        if not isinstance(frame, pd.DataFrame):
            raise SedgInputError("the rows to encode must be a pandas DataFrame with named columns")
        missing = [name for name in self.feature_names if name not in frame.columns]
        if missing:
            raise SedgInputError(
                f"column {missing[0]!r} is missing from the data ({len(missing)} of the model's "
                f"{len(self.feature_names)} columns are)")
        columns = [self._column(frame[name], index, name, allow_missing)
                   for index, name in enumerate(self.feature_names)]
        return np.column_stack(columns) if columns else np.empty((len(frame), 0))

    def _column(self, column: pd.Series, index: int, name: str, allow_missing: bool) -> np.ndarray:
        # inf is missing, as the loader reads it: refused, or filled with ``impute``.
        present = column.notna().to_numpy() & ~np.isinf(
            pd.to_numeric(column, errors="coerce").to_numpy(dtype=float))
        if not allow_missing and not present.all():
            row = int(np.flatnonzero(~present)[0])
            raise SedgInputError(
                f"column {name!r} has a missing or non-finite value ({column.iloc[row]}) in row "
                f"{row + 1} and the model was trained without --impute (impute=True)")
        encoded = np.full(len(column), np.nan)
        if index in self._categories:
            known = np.asarray(self._categories[index])
            values = _as_categories(column[present], known)
            lookup = {value: code for code, value in enumerate(known.tolist())}
            codes = np.array([lookup.get(value, -1) for value in values.tolist()], dtype=float)
            unseen = np.flatnonzero(codes < 0)
            if unseen.size:
                row = int(np.flatnonzero(present)[unseen[0]])
                shown = ", ".join(map(str, known[:10])) + (", ..." if len(known) > 10 else "")
                raise SedgInputError(
                    f"column {name!r} holds {values[unseen[0]]!r} in row {row + 1}, a value the model "
                    f"never saw (it knows {shown})")
            encoded[present] = codes
        else:
            numbers = pd.to_numeric(column[present], errors="coerce").to_numpy(dtype=float)
            bad = np.flatnonzero(np.isnan(numbers))
            if bad.size:
                row = int(np.flatnonzero(present)[bad[0]])
                raise SedgInputError(
                    f"column {name!r} is numeric but row {row + 1} holds {column.iloc[row]!r}")
            encoded[present] = numbers
        return encoded


def _as_categories(column: pd.Series, known: np.ndarray) -> np.ndarray:
    """Values in the form the loader stored them: text stripped, or whole numbers as integers."""
    if known.dtype.kind in "iuf":
        numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float)
        if known.dtype.kind in "iu":
            whole = np.isfinite(numbers) & (np.mod(numbers, 1) == 0)
            return np.array([int(v) if ok else str(raw) for v, ok, raw in zip(numbers, whole, column)],
                            dtype=object)
        return numbers
    return column.astype(str).str.strip().to_numpy()
