from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sedg import SedgInputError
from sedg.datasets import encode_frame, impute_split, load_table, make_grades


def test_student_por_comma_csv(student_por):
    assert student_por.X.shape == (649, 32)
    assert student_por.class_counts[1] == 1 and student_por.class_counts[0] == 15
    kinds = dict(zip(student_por.feature_names, student_por.feature_kinds))
    assert kinds["Mjob"] == "nominal" and kinds["Medu"] == "ordinal"
    assert kinds["absences"] == "continuous"


def test_semicolon_quoted_csv_reads_the_same(student_por_path, student_por, tmp_path):
    frame = pd.read_csv(student_por_path)
    uci = tmp_path / "student-por-uci.csv"
    frame.to_csv(uci, sep=";", index=False, quoting=1)  # csv.QUOTE_ALL, like the UCI original
    assert open(uci).readline().startswith('"school";"sex"')
    data = load_table(uci, target="G3")
    np.testing.assert_array_equal(data.X, student_por.X)
    np.testing.assert_array_equal(data.y, student_por.y)


def test_parquet_reads_the_same(student_por_path, student_por, tmp_path):
    path = tmp_path / "student.parquet"
    pd.read_csv(student_por_path).to_parquet(path)
    data = load_table(path, target="G3")
    np.testing.assert_array_equal(data.X, student_por.X)


def test_decode_round_trip(student_por_path, student_por):
    original = pd.read_csv(student_por_path)
    decoded = student_por.to_frame()
    pd.testing.assert_frame_equal(decoded, original, check_dtype=False)


def test_snap_makes_generated_rows_decodable(student_por):
    rows = student_por.X[:5] + 0.4  # fractional codes, as SMOTE makes
    decoded = student_por.decode(rows)
    assert set(decoded["Mjob"]) <= set(student_por.categories[student_por.feature_names.index("Mjob")])
    age = decoded["age"].to_numpy()
    assert age.dtype.kind == "i" and age.min() >= 15 and age.max() <= 22


@pytest.mark.parametrize(
    ("content", "target", "message"),
    [
        (None, "G3", "data file not found"),
        ("", "G3", "data file is empty"),
        ("a,b\n", "b", "no rows"),
        ("a,b\n1,2\n3,4\n", "G3", "target column 'G3' not in the data"),
        ("a,b\n1,2\n3,2\n", "b", r"single class \(2\): nothing to classify"),
        ("age,b\n1,0\n2,1\nxx,0\n4,1\n", "b", "column 'age' is numeric but row 3 holds 'xx'"),
        ("a,b\n1,0\n,1\n3,0\n", "b",
         r"column 'a' has 1 missing values \(first in row 2\); pass --impute \(impute=True\)"),
        ("a,c,b\n1,,0\n2,,1\n3,,0\n", "b", "column 'c' has no value in any row; drop it"),
        ("a,b\n1,0\n2,\n3,1\n", "b", "target column 'b' has a missing value in row 2"),
        ("a,b\n1,0.11\n2,0.52\n3,0.93\n4,0.52\n5,0.37\n", "b",
         r"target column 'b' looks continuous: 3 of its 4 values occur once; bin it into classes"),
        ("a,b\n1,1.5\n2,2.5\n3,3.0\n4,1.5\n5,2.5\n6,3.0\n", "b",
         r"target column 'b' holds 1.5 in row 1: classes are whole numbers or words; round or bin"),
    ],
)
def test_bad_input_names_the_problem(tmp_path, content, target, message):
    path = tmp_path / "data.csv"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SedgInputError, match=message):
        load_table(path, target=target)


def test_a_binary_file_is_bad_input_not_a_traceback(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SedgInputError, match="cannot parse CSV file"):
        load_table(path, target="G3")


def test_make_grades_is_deterministic_and_student_shaped():
    first, second = make_grades(seed=3), make_grades(seed=3)
    np.testing.assert_array_equal(first.X, second.X)
    assert first.X.shape == (649, 30)
    assert first.fingerprint != make_grades(seed=4).fingerprint
    counts = np.array(list(first.class_counts.values()))
    labels = np.array(list(first.class_counts))
    assert labels.min() >= 0 and labels.max() <= 20
    assert counts.min() <= 15  # thin tail classes
    mode = labels[counts.argmax()]
    assert 9 <= mode <= 14  # bell around the middle
    assert set(first.feature_kinds) == {"nominal", "ordinal", "continuous"}


def test_make_grades_features_predict_the_grade(grades):
    prior = grades.X[:, grades.feature_names.index("prior_score")]
    assert np.corrcoef(prior, grades.y)[0, 1] > 0.6


def test_make_grades_grows():
    data = make_grades(n_samples=20_000, n_features=45, seed=1)
    assert data.X.shape == (20_000, 45)
    assert len(data.decode(data.X[:3]).columns) == 45


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"n_samples": 5}, "n_samples must be an integer >= 20"),
    ({"n_features": 0}, "n_features must be a positive integer"),
])
def test_make_grades_rejects_bad_sizes(kwargs, message):
    with pytest.raises(SedgInputError, match=message):
        make_grades(**kwargs)


def test_impute_keeps_missing_values_as_nan_with_codes_from_the_values_present(tmp_path):
    path = tmp_path / "holes.csv"
    path.write_text("colour,size,b\nred,1.5,0\n,2.5,1\nblue,,0\nred,4.0,1\n")
    data = load_table(path, target="b", impute=True)
    assert data.has_missing and data.categories[0].tolist() == ["blue", "red"]
    np.testing.assert_array_equal(np.isnan(data.X), [[0, 0], [1, 0], [0, 1], [0, 0]])
    decoded = data.decode(data.X)
    assert decoded["colour"].isna().tolist() == [False, True, False, False]
    assert decoded["size"].isna().tolist() == [False, False, True, False]


def test_impute_split_learns_from_the_training_part_only():
    frame = pd.DataFrame({
        "colour": ["red", "red", "blue", None, "green", "green", "green", None],
        "size": [1.5, 2.5, 9.5, np.nan, 100.5, 200.5, np.nan, 300.5],
        "b": [0, 1, 0, 1, 0, 1, 0, 1],
    })
    data = encode_frame(frame, "b", impute=True)
    train, test = np.arange(4), np.arange(4, 8)
    X_train, X_test, info = impute_split(data, data.X[train], data.X[test])
    red, green = (data.categories[0].tolist().index(name) for name in ("red", "green"))
    # The training part's median (2.5) and most frequent colour (red), though the test part
    # is mostly green and far larger.
    assert X_train[3].tolist() == [red, 2.5] and X_test[3].tolist() == [red, 300.5]
    assert X_test[2].tolist() == [green, 2.5]
    assert info.describe() == "colour: 2 by most frequent; size: 2 by median"
    assert not np.isnan(X_train).any() and not np.isnan(X_test).any()
    assert np.isnan(data.X).sum() == 4  # the table itself is untouched


_ROWS = 40


@pytest.mark.parametrize(("values", "message"), [
    ([f"{i},5" for i in range(_ROWS)], r"column 'x' holds numbers written with a decimal comma \('0,5'\): "
                                       r"it is read as a category of 40 values in 40 rows; write them"),
    ([f"2024-01-{1 + i % 28:02d}" for i in range(_ROWS)], "column 'x' holds dates: it is read as a category"),
    (pd.date_range("2024-01-01", periods=_ROWS), "column 'x' holds dates"),
    ([[i, i + 1] for i in range(_ROWS)], "column 'x' holds lists: it is read as a category of 40 values"),
    ([f"student-{i}" for i in range(_ROWS)], "column 'x' has a different value in most rows"),
])
def test_a_column_read_as_a_category_it_may_not_be_is_one_warning(values, message):
    from sedg import SedgDataWarning

    frame = pd.DataFrame({"x": values, "y": np.arange(_ROWS) % 3})
    with pytest.warns(SedgDataWarning, match=message) as seen:
        data = encode_frame(frame, "y")
    assert len(seen) == 1 and data.feature_kinds == ("nominal",)


def test_the_real_tables_read_without_a_data_warning(student_por_path):
    import warnings

    from sedg import SedgDataWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", SedgDataWarning)
        load_table(student_por_path, target="G3")
        make_grades(n_samples=500)
