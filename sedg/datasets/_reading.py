"""Reading a data file into a raw DataFrame: CSV (comma, semicolon or tab; plain or compressed)
or Parquet; anything else is named for what it is."""

from __future__ import annotations

import bz2
import csv
import gzip
import lzma
from pathlib import Path

import pandas as pd

from sedg._errors import SedgInputError

__all__ = ["read_frame"]

PARQUET_SUFFIXES = {".parquet", ".pq"}
#: Compressed CSV: what pandas infers from the suffix, and how to read its header line.
COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
#: File signatures of formats that are not read, and what to do instead.
REFUSED = {
    b"PK\x03\x04": "a zip archive or an Excel .xlsx workbook",
    b"\xd0\xcf\x11\xe0": "an Excel .xls workbook",
}
DELIMITERS = (",", ";", "\t")


def read_frame(path: str | Path) -> pd.DataFrame:
    """The raw table of a CSV (comma, semicolon or tab; ``.gz``, ``.bz2`` or ``.xz`` compressed)
    or Parquet file, as :func:`~sedg.datasets.load_table` reads it.

    Raises
    ------
    SedgInputError
        Missing, empty, unparsable or unsupported file (an Excel workbook, a zip archive, a
        directory), or a table without rows.

    Examples
    --------
    >>> read_frame("../shared/data/student-por.csv").shape  # doctest: +SKIP
    (649, 33)
    """
    path = Path(path)
    if path.is_dir():
        raise SedgInputError(f"{path} is a directory, not a data file")
    if path.exists() and not path.is_file():
        raise SedgInputError(f"data file {path} is not a regular file (a pipe or a device): save "
                             "the table to a file first")
    if not path.is_file():
        raise SedgInputError(f"data file not found: {path}")
    if path.stat().st_size == 0:
        raise SedgInputError(f"data file is empty: {path}")
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        try:
            frame = pd.read_parquet(path)
        except Exception as error:  # pyarrow raises many types for a bad file
            raise SedgInputError(f"cannot read Parquet file {path}: {error}") from None
    else:
        _refuse_other_formats(path, suffix)
        frame = _read_csv(path, COMPRESSED.get(suffix, open))
    if frame.shape[0] == 0:
        raise SedgInputError(f"data file has no rows: {path}")
    _refuse_repeated_names([str(name) for name in frame.columns])
    return frame


def _refuse_repeated_names(names: list[str]) -> None:
    """pandas renames a repeated column (``x``, ``x.1``) without a word: which one is meant?"""
    names = [name.strip() for name in names]
    repeated = [name for index, name in enumerate(names) if name in names[:index]]
    if repeated:
        raise SedgInputError(f"column {repeated[0]!r} appears more than once in the header; "
                             "rename or drop the copies")


def _refuse_other_formats(path: Path, suffix: str) -> None:
    with path.open("rb") as handle:
        head = handle.read(4)
    if suffix in {".xlsx", ".xls", ".xlsm", ".ods"} or any(head.startswith(s) for s in REFUSED):
        what = next((name for signature, name in REFUSED.items() if head.startswith(signature)),
                    "a spreadsheet workbook")
        raise SedgInputError(f"{path} is {what}, not a CSV or Parquet file: save the sheet as CSV "
                             "(or Parquet) and pass that")
    if head.startswith(b"\x1f\x8b") and suffix not in COMPRESSED:
        raise SedgInputError(f"{path} is gzip-compressed: name it with a .gz suffix (data.csv.gz)")


def _read_csv(path: Path, opener) -> pd.DataFrame:
    try:
        with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
            header = handle.readline()
        delimiter = _detect_delimiter(header)
        _refuse_repeated_names(next(csv.reader([header.rstrip("\r\n")], delimiter=delimiter), []))
        return pd.read_csv(path, sep=delimiter, quotechar='"', skipinitialspace=True,
                           encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise SedgInputError(f"data file is empty: {path}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, EOFError, lzma.LZMAError) as error:
        raise SedgInputError(f"cannot parse CSV file {path}: {error}") from None


def _detect_delimiter(header: str) -> str:
    r"""Comma, semicolon or tab, whichever splits the header (outside quotes) more.

    Examples
    --------
    >>> _detect_delimiter("a\tb\tc"), _detect_delimiter('"x;y",b')
    ('\t', ',')
    """
    counts = {
        delimiter: len(next(csv.reader([header], delimiter=delimiter), []))
        for delimiter in DELIMITERS
    }
    return max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))
