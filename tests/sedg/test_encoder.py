"""TableEncoder: new rows encoded exactly as the training table was, or one clear line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sedg import SedgInputError
from sedg.datasets import TableEncoder, encode_frame, impute_split, read_frame


@pytest.fixture(scope="module")
def raw(student_por_path):
    return read_frame(student_por_path)


def test_the_encoding_is_the_loaders_whatever_the_column_order(student_por, raw):
    encoder = TableEncoder.from_data(student_por).fit(raw)
    assert np.array_equal(encoder.transform(raw), student_por.X)
    shuffled = raw[list(reversed(raw.columns))].drop(columns=["G3"])  # any order, no target
    assert np.array_equal(encoder.transform(shuffled), student_por.X)
    # A few rows alone, with values in another order, keep the training codes.
    assert np.array_equal(encoder.transform(raw.iloc[[5, 1, 3]]), student_por.X[[5, 1, 3]])


@pytest.mark.parametrize(("change", "message"), [
    (lambda f: f.drop(columns=["Mjob"]), "column 'Mjob' is missing from the data"),
    (lambda f: f.assign(Mjob=["pilot"] + list(f["Mjob"][1:])),
     "column 'Mjob' holds 'pilot' in row 1, a value the model never saw (it knows at_home, "),
    (lambda f: f.assign(absences=["many"] + list(f["absences"][1:])),
     "column 'absences' is numeric but row 1 holds 'many'"),
    (lambda f: f.assign(age=[np.nan] + list(f["age"][1:])),
     "column 'age' has a missing or non-finite value (nan) in row 1 and the model was trained "
     "without --impute"),
    (lambda f: f.assign(absences=[np.inf] + list(f["absences"][1:])),
     "column 'absences' has a missing or non-finite value (inf) in row 1"),
])
def test_bad_rows_are_one_line(student_por, raw, change, message):
    encoder = TableEncoder.from_data(student_por).fit(raw)
    with pytest.raises(SedgInputError) as error:
        encoder.transform(change(raw.copy()))
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_imputation_is_learnt_from_the_training_rows_as_a_split_fills(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"job": rng.choice(["a", "b", "c"], 40), "score": rng.normal(size=40),
                          "grade": np.repeat([1, 2], 20)})
    frame.loc[[1, 5, 9], "job"] = None
    frame.loc[[2, 7], "score"] = np.nan
    data = encode_frame(frame, "grade", impute=True)
    train, test = np.arange(30), np.arange(30, 40)
    encoder = TableEncoder.from_data(data, impute=True).fit(frame.iloc[train])
    X_train, X_test, _ = impute_split(data, data.X[train], data.X[test])
    assert np.array_equal(encoder.transform(frame.iloc[train]), X_train)
    assert np.array_equal(encoder.transform(frame.iloc[test]), X_test)
    holes = frame.iloc[test].copy()
    holes.iloc[0, 0], holes.iloc[1, 1] = None, np.nan  # missing only in the new rows: filled alike
    filled = encoder.transform(holes)
    codes, counts = np.unique(data.X[train][~np.isnan(data.X[train][:, 0]), 0], return_counts=True)
    assert filled[0, 0] == codes[np.argmax(counts)]  # the training part's most frequent code
    assert filled[1, 1] == pytest.approx(np.median(data.X[train][~np.isnan(data.X[train][:, 1]), 1]))
