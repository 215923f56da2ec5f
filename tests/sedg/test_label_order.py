"""Word labels have no order of their own: the user gives it, and every ordinal computation uses
it; non-finite values are refused like missing ones (or imputed)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from evaluation import evaluate, make_pipeline
from evaluation._config import EvaluationConfig
from sedg import SedgInputError
from sedg.datasets import encode_frame, load_table

WORDS = ("fail", "pass", "good", "excellent")  # alphabetically: excellent < fail < good < pass


@pytest.fixture(scope="module")
def levels(student_por):
    """student-por with G3 binned into four levels: as numbers 0..3 and as words."""
    frame = student_por.to_frame()
    codes = np.digitize(frame.pop("G3"), [10, 13, 16])
    return frame.assign(level=codes), frame.assign(level=np.asarray(WORDS)[codes])


def test_a_word_target_without_an_order_is_refused_naming_labels_and_flag(levels):
    _, words = levels
    with pytest.raises(SedgInputError) as error:
        encode_frame(words, "level")
    assert str(error.value) == (
        "target column 'level' holds words (excellent, fail, good, pass), which have no order of "
        "their own: give it, lowest first, with --label-order A,B,... (label_order=[...])")


@pytest.mark.parametrize(("order", "message"), [
    (("fail", "pass", "good"), "--label-order leaves out excellent; target column 'level' holds"),
    ((*WORDS, "top"), "--label-order names top, not in the data; target column 'level' holds"),
    (("fail", "pass", "pass", "good", "excellent"), "--label-order names pass more than once"),
])
def test_an_order_that_does_not_fit_the_labels_is_one_line(levels, order, message):
    _, words = levels
    with pytest.raises(SedgInputError) as error:
        encode_frame(words, "level", label_order=order)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)


def test_numeric_labels_keep_their_order(levels):
    numbers, _ = levels
    assert encode_frame(numbers, "level", label_order=["0", "1", "2", "3"]).label_names is None
    with pytest.raises(SedgInputError, match="is numeric and keeps its numeric order"):
        encode_frame(numbers, "level", label_order=["3", "2", "1", "0"])


def test_words_are_ranks_inside_and_words_outside(levels):
    numbers, words = levels
    data = encode_frame(words, "level", label_order=WORDS)
    np.testing.assert_array_equal(data.y, numbers["level"])
    assert data.class_names.tolist() == list(WORDS)
    assert list(data.class_counts) == list(WORDS)
    assert data.to_frame()["level"].tolist() == words["level"].tolist()


def test_every_metric_reads_the_given_order(levels):
    """Words in their order score exactly as the same grades as numbers; alphabetical order (a
    relabelling of the scale) scores QWK differently."""
    numbers, words = levels
    config = dict(classifier="blrr", resampler="gmcsmote", repeats=2)
    as_numbers = evaluate(encode_frame(numbers, "level"), **config)
    as_words = evaluate(encode_frame(words, "level", label_order=WORDS), **config)
    in_words = {re.sub(r"class_auc_(\d)$", lambda m: f"class_auc_{WORDS[int(m[1])]}", key): value
                for key, value in as_numbers.metrics.items()}
    assert as_words.metrics == in_words and "class_auc_excellent" in in_words
    alphabetical = evaluate(encode_frame(words, "level", label_order=sorted(WORDS)), **config)
    assert alphabetical.metrics["qwk"] != as_words.metrics["qwk"]


def test_a_model_of_words_answers_in_words(levels):
    numbers, words = levels
    config = EvaluationConfig(classifier="blrr", resampler="smote")
    by_number = make_pipeline(config, encode_frame(numbers, "level"))
    by_word = make_pipeline(config, encode_frame(words, "level", label_order=WORDS))
    features = words.drop(columns=["level"])
    expected = np.asarray(WORDS)[by_number.fit(features, numbers["level"]).predict(features)]
    model = by_word.fit(features, words["level"])
    assert model.classes_.tolist() == list(WORDS)
    assert model.predict(features).tolist() == expected.tolist()
    with pytest.raises(SedgInputError, match="label 'great' is not one of the model's labels"):
        by_word.fit(features.head(3), ["fail", "great", "good"])


def test_inf_is_refused_like_a_missing_value_and_imputed_with_impute(tmp_path):
    path = tmp_path / "data.csv"
    pd.DataFrame({"score": [1.5, np.inf, 2.5, -np.inf, 3.0, 2.0] * 4, "y": [0, 1] * 12}).to_csv(
        path, index=False)
    with pytest.raises(SedgInputError) as error:
        load_table(path, target="y")
    assert str(error.value) == (
        "column 'score' holds inf in row 2 (8 non-finite values); fix or drop them, or pass "
        "--impute (impute=True) to treat them as missing")
    data = load_table(path, target="y", impute=True)
    assert np.isnan(data.X[:, 0]).sum() == 8 and not np.isinf(data.X).any()
    assert data.non_finite == {"score": 8}
    imputed = evaluate(data, classifier="blrr", resampler="none", repeats=2).imputed
    assert imputed.startswith("score: ") and imputed.endswith("(the data held 8 inf, read as missing)")


def test_a_non_finite_target_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("x,y\n1,0\n2,1\n3,inf\n4,1\n")
    with pytest.raises(SedgInputError, match="target column 'y' holds inf in row 3"):
        load_table(path, target="y")
