"""A column read as something it may not be is one warning line on the command line, beside
the command's own output (here, the one-line refusal of a class the data does not have)."""

from __future__ import annotations

import pandas as pd

from search.cli import main
from sedg.datasets import read_frame


def test_a_decimal_comma_column_is_one_warning_line(student_por_path, tmp_path, capsys):
    frame = read_frame(student_por_path)
    frame["fee"] = [f"{index % 50},{index % 10}" for index in range(len(frame))]
    data = tmp_path / "with-commas.csv"
    frame.to_csv(data, index=False)
    assert main(["run", "--data", str(data), "--target", "G3", "--metric", "delta_class_auc_99",
                 "--storage-path", str(tmp_path / "store")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0].startswith("sedg-search: warning: column 'fee' holds numbers written with a "
                               "decimal comma ('0,0'): it is read as a category of ")
    assert len(lines) == 2 and lines[1].startswith("sedg-search: error: ")
    assert not (tmp_path / "store").exists()
    assert isinstance(pd.read_csv(data), pd.DataFrame)  # the file is left as it was
