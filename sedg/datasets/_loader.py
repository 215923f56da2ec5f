"""Reading CSV and Parquet tables into :class:`TabularData`."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from sedg._errors import SedgDataWarning, SedgInputError
from sedg.datasets._reading import COMPRESSED, read_frame
from sedg.datasets.base import TabularData

__all__ = ["encode_frame", "load_table", "read_frame"]


def load_table(
    path: str | Path,
    target: str = "target",
    *,
    discrete: Iterable[str] = (),
    continuous: Iterable[str] = (),
    max_discrete_values: int = 10,
    name: str | None = None,
    impute: bool = False,
    label_order: Iterable[str] | None = None,
) -> TabularData:
    """Load a CSV (comma, semicolon or tab, quoted or not; ``.gz``, ``.bz2``, ``.xz``) or Parquet table.

    Parameters
    ----------
    path : str or Path
        ``.parquet``/``.pq`` files are read as Parquet, anything else as CSV
        with its delimiter detected from the header line (compressed by its
        suffix); an Excel workbook, a zip archive or a directory is refused.
    target : str, default="target"
        The class column.
    discrete, continuous : iterable of str
        Columns to force to one kind; the rest are inferred: strings and
        booleans are nominal, integer columns with at most
        ``max_discrete_values`` distinct values ordinal, the rest continuous.
    max_discrete_values : int, default=10
    name : str, optional
        Name of the data set; the file's stem by default.
    impute : bool, default=False
        Keep missing feature values as NaN in ``X`` (discrete codes are
        learnt from the values present), to be filled inside each split from
        its training part (:func:`sedg.datasets.impute_split`; the search's
        ``--impute``). Without it a missing value is an error.
    label_order : sequence of str, optional
        The target's labels, lowest first, when they are words
        (``["poor", "fair", "good"]``): QWK, BLRR and GMCSMOTE read the labels
        as a scale, and words sort alphabetically, so a word target without it
        is refused. Numeric labels keep their numeric order (an order that
        differs is refused).

    Returns
    -------
    TabularData

    Raises
    ------
    SedgInputError
        Missing or empty file, unknown target column, a target with one class
        or with most classes of one member, a word target without
        ``label_order`` or one that lists other labels, missing feature values without
        ``impute``, a column with no value at all, or non-numeric values in a
        numeric column.

    Examples
    --------
    >>> from sedg.datasets import load_table
    >>> data = load_table("../shared/data/student-por.csv", target="G3")  # doctest: +SKIP
    >>> data.describe()  # doctest: +SKIP
    'student-por: 649 rows, 32 features (17 nominal, 13 ordinal, 2 continuous), 17 classes, ...'
    """
    path = Path(path)
    frame = read_frame(path)
    return encode_frame(
        frame,
        target,
        discrete=discrete,
        continuous=continuous,
        max_discrete_values=max_discrete_values,
        name=name or (Path(path.stem).stem if path.suffix.lower() in COMPRESSED else path.stem),
        impute=impute,
        label_order=label_order,
    )


def encode_frame(
    frame: pd.DataFrame,
    target: str,
    *,
    discrete: Iterable[str] = (),
    continuous: Iterable[str] = (),
    max_discrete_values: int = 10,
    name: str = "table",
    impute: bool = False,
    label_order: Iterable[str] | None = None,
) -> TabularData:
    """Encode a DataFrame with a class column into :class:`TabularData` (see :func:`load_table`)."""
    if target not in frame.columns:
        shown = ", ".join(map(str, frame.columns[:40]))
        raise SedgInputError(f"target column {target!r} not in the data (columns: {shown})")
    discrete, continuous = set(discrete), set(continuous)
    unknown = (discrete | continuous) - set(frame.columns)
    if unknown:
        raise SedgInputError(f"columns not in the data: {', '.join(sorted(unknown))}")
    y, label_names = _encode_target(frame[target], target, label_order)
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
        raise SedgInputError("the data has no feature columns besides the target")
    columns, kinds, categories, integers, non_finite = [], [], {}, set(), {}
    for index, column_name in enumerate(features.columns):
        column = features[column_name]
        present = _present(column, column_name, impute)
        infinite = int((column.notna().to_numpy() & ~present).sum())
        if infinite:
            non_finite[str(column_name)] = infinite
        kind, values = _infer_kind(
            column[present], column_name, column_name in discrete, column_name in continuous,
            max_discrete_values,
        )
        kinds.append(kind)
        encoded = np.full(len(column), np.nan)
        if kind == "continuous":
            encoded[present] = values.astype(float)
            if np.all(np.mod(values, 1) == 0):
                integers.add(index)
        else:
            uniques, codes = np.unique(values, return_inverse=True)
            categories[index] = uniques
            encoded[present] = codes
        columns.append(encoded)
    return TabularData(
        X=np.column_stack(columns),
        y=y,
        feature_names=tuple(map(str, features.columns)),
        feature_kinds=tuple(kinds),
        categories=categories,
        integer_features=frozenset(integers),
        target=target,
        name=name,
        label_names=label_names,
        non_finite=non_finite,
    )


def _encode_target(column: pd.Series, target: str, label_order) -> tuple[np.ndarray, tuple | None]:
    """The class column as labels: numbers as they are, words as their ranks in ``label_order``
    (with the words returned as the label names)."""
    if column.isna().any():
        row = int(np.flatnonzero(column.isna().to_numpy())[0])
        raise SedgInputError(f"target column {target!r} has a missing value in row {row + 1}")
    values = column.to_numpy()
    numeric = pd.to_numeric(column, errors="coerce")
    if not numeric.isna().any():
        values = numeric.to_numpy()
        if not np.isfinite(values).all():
            row = int(np.flatnonzero(~np.isfinite(values))[0])
            raise SedgInputError(f"target column {target!r} holds {column.iloc[row]} in row {row + 1}")
        if np.all(np.mod(values, 1) == 0):
            values = values.astype(np.int64)
    else:
        values = column.astype(str).str.strip().to_numpy()
    labels, counts = np.unique(values, return_counts=True)
    if labels.size < 2:
        raise SedgInputError(
            f"target column {target!r} has a single class ({labels.tolist()[0]!r}): nothing to classify"
        )
    if np.mean(counts == 1) > 0.5:  # a continuous measurement, not classes
        raise SedgInputError(
            f"target column {target!r} looks continuous: {int(np.sum(counts == 1))} of its "
            f"{labels.size} values occur once; bin it into classes first (e.g. pandas.cut)"
        )
    if np.issubdtype(values.dtype, np.floating):  # whole numbers became integers above
        row = int(np.flatnonzero(np.mod(values, 1) != 0)[0])
        raise SedgInputError(
            f"target column {target!r} holds {column.iloc[row]} in row {row + 1}: classes are whole "
            "numbers or words; round or bin the values, or write them as words and give their "
            "order with --label-order")
    return _ordered(values, labels, target, label_order)


def _ordered(values: np.ndarray, labels: np.ndarray, target: str, label_order) -> tuple:
    numeric = np.issubdtype(labels.dtype, np.number)
    shown = ", ".join(map(str, labels[:20])) + (", ..." if labels.size > 20 else "")
    if label_order is None:
        if numeric:
            return values, None
        raise SedgInputError(
            f"target column {target!r} holds words ({shown}), which have no order of their own: give "
            "it, lowest first, with --label-order A,B,... (label_order=[...])")
    order = [str(label).strip() for label in label_order]
    repeated = sorted({label for label in order if order.count(label) > 1})
    if repeated:
        raise SedgInputError(f"--label-order names {', '.join(repeated)} more than once")
    found = [str(label) for label in labels.tolist()]
    if set(order) != set(found):
        absent, unknown = sorted(set(found) - set(order)), sorted(set(order) - set(found))
        parts = ([f"leaves out {', '.join(absent)}"] if absent else []) + (
            [f"names {', '.join(unknown)}, not in the data"] if unknown else [])
        raise SedgInputError(
            f"--label-order {' and '.join(parts)}; target column {target!r} holds {shown}")
    if numeric:
        if order != found:
            raise SedgInputError(
                f"target column {target!r} is numeric and keeps its numeric order ({shown}); "
                "drop --label-order, or recode the labels")
        return values, None
    rank = {label: position for position, label in enumerate(order)}
    return np.array([rank[label] for label in values.tolist()], dtype=np.int64), tuple(order)


def _present(column: pd.Series, name: str, impute: bool) -> np.ndarray:
    """Mask of the rows where ``column`` has a finite value; missing ones only with ``impute``,
    which treats ``inf`` as missing too (no model can use it, and no split can fill it)."""
    present = column.notna().to_numpy()
    infinite = np.isinf(pd.to_numeric(column, errors="coerce").to_numpy(dtype=float))
    if infinite.any():
        if not impute:
            row, count = int(np.flatnonzero(infinite)[0]), int(infinite.sum())
            raise SedgInputError(
                f"column {name!r} holds {column.iloc[row]} in row {row + 1} ({count} non-finite "
                f"value{'s' if count > 1 else ''}); fix or drop them, or pass --impute (impute=True) "
                "to treat them as missing")
        present = present & ~infinite
    if present.all():
        return present
    if not present.any():
        raise SedgInputError(f"column {name!r} has no value in any row; drop it")
    if not impute:
        row = int(np.flatnonzero(~present)[0])
        raise SedgInputError(
            f"column {name!r} has {int((~present).sum())} missing values (first in row {row + 1}); "
            "pass --impute (impute=True) to fill them inside each split from its training part"
        )
    return present


#: Rows from which a category with more values than half the rows is called out (a small table
#: has few rows for each value anyway).
MIN_ROWS_FOR_IDENTIFIERS = 20


def _infer_kind(
    column: pd.Series, name: str, force_discrete: bool, force_continuous: bool, limit: int
) -> tuple[str, np.ndarray]:
    if pd.api.types.is_bool_dtype(column):
        return "nominal", column.astype(str).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(column):
        _coerced(name, "holds dates", "turn them into numbers (days since a date, a month, a "
                 "weekday) or drop the column", column)
        return "nominal", column.astype(str).to_numpy()
    if column.dtype == object and column.map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
        _coerced(name, "holds lists", "spread them over columns of their own or drop the column",
                 column)
        return "nominal", column.astype(str).to_numpy()
    if pd.api.types.is_numeric_dtype(column):
        values = column.to_numpy(dtype=float)
        whole = bool(np.all(np.mod(values, 1) == 0))
        few = np.unique(values).size <= limit
        if force_discrete or (not force_continuous and whole and few):
            return "ordinal", values.astype(np.int64) if whole else values
        return "continuous", values
    text = column.astype(str).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    bad = numeric.isna().to_numpy()
    # Mostly numbers with a few words is a broken numeric column, not a category.
    if bad.any() and bad.mean() < 0.5 and not force_discrete:
        row = int(np.flatnonzero(bad)[0])
        raise SedgInputError(
            f"column {name!r} is numeric but row {row + 1} holds {text.iloc[row]!r}"
        )
    if not bad.any():
        return _infer_kind(numeric, name, force_discrete, force_continuous, limit)
    if force_continuous:
        raise SedgInputError(f"column {name!r} holds text and cannot be continuous")
    head = text.head(1000)  # enough to tell; a large table is not read twice
    if head.str.fullmatch(r"[-+]?\d+,\d+").mean() >= 0.5:
        _coerced(name, f"holds numbers written with a decimal comma ({head.iloc[0]!r})",
                 "write them with decimal points (pandas.read_csv(..., decimal=','), then save)", text)
    elif pd.to_datetime(head, errors="coerce", format="ISO8601").notna().all():
        _coerced(name, "holds dates", "turn them into numbers (days since a date, a month, a "
                 "weekday) or drop the column", text)
    elif len(text) >= MIN_ROWS_FOR_IDENTIFIERS and text.nunique() > len(text) / 2 and not force_discrete:
        _coerced(name, "has a different value in most rows (an identifier, or free text?)",
                 "drop it if it names rows", text)
    return "nominal", text.to_numpy()


def _coerced(name: str, what: str, remedy: str, column: pd.Series) -> None:
    """Say that column ``name`` is read as a category although it ``what``."""
    warnings.warn(f"column {name!r} {what}: it is read as a category of {column.astype(str).nunique()} "
                  f"values in {len(column)} rows; {remedy}", SedgDataWarning, stacklevel=4)
