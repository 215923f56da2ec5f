"""Tab-separated and compressed CSV read as the plain file does; other formats are named."""

from __future__ import annotations

import gzip
import zipfile

import pandas as pd
import pytest

from sedg import SedgInputError
from sedg.datasets import load_table, read_frame


@pytest.mark.parametrize(("name", "write"), [
    ("por.tsv", lambda frame, path: frame.to_csv(path, sep="\t", index=False)),
    ("por.csv.gz", lambda frame, path: frame.to_csv(path, index=False)),
    ("por.csv.bz2", lambda frame, path: frame.to_csv(path, index=False)),
    ("por.csv.xz", lambda frame, path: frame.to_csv(path, index=False)),
])
def test_tab_and_compressed_csv_read_as_the_csv_does(tmp_path, student_por_path, name, write):
    frame = read_frame(student_por_path)
    path = tmp_path / name
    write(frame, path)
    pd.testing.assert_frame_equal(read_frame(path), frame)
    data = load_table(path, target="G3")
    assert data.name == "por" and data.fingerprint == load_table(student_por_path, target="G3").fingerprint


def _zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sheet.xml", "<x/>")


@pytest.mark.parametrize(("name", "write", "message"), [
    ("grades.xlsx", _zip, "is a zip archive or an Excel .xlsx workbook, not a CSV or Parquet file"),
    ("grades.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60)),
     "is an Excel .xls workbook, not a CSV or Parquet file: save the sheet as CSV"),
    ("grades.csv", lambda p: p.write_bytes(gzip.compress(b"a,b\n1,2\n")),
     "is gzip-compressed: name it with a .gz suffix (data.csv.gz)"),
    ("folder", lambda p: p.mkdir(), "is a directory, not a data file"),
])
def test_other_formats_are_named_for_what_they_are(tmp_path, name, write, message):
    path = tmp_path / name
    write(path)
    with pytest.raises(SedgInputError) as error:
        read_frame(path)
    assert str(error.value).startswith(f"{path} {message}")
