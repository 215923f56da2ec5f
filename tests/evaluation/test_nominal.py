"""Nominal features are never interpolated, and the rows a method made can be looked at."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaluation import EvaluationConfig, evaluate
from sedg import SedgInputError
from sedg.datasets import encode_frame

#: Every method that draws rows between two others (the SMOTE family and GMCSMOTE).
INTERPOLATING = ("smote", "borderline_smote", "adasyn", "smote_enn", "smote_tomek", "gmcsmote",
                 "uniform_smote")


def _unseen_in_class(data, result) -> dict[str, int]:
    """Per nominal feature, synthetic values that no training row of the same class holds on the
    split they were made on: a value only interpolation can produce (between two codes)."""
    frame = data.to_frame()
    config = EvaluationConfig(classifier="blrr", protocol="repeated_holdout", repeats=2)
    splits = config.splits(data.y)
    counts = {}
    for index in data.nominal_indices:
        name = data.feature_names[index]
        unseen = 0
        for split, made in result.synthetic.groupby("split"):
            train = frame.iloc[splits[split][0]]
            for label, rows in made.groupby(data.target):
                held = set(train.loc[train[data.target] == label, name])
                unseen += int((~rows[name].isin(held)).sum())
        counts[name] = unseen
    return counts


@pytest.fixture(scope="module")
def two_jobs_per_class():
    """Each class holds only two of five jobs, four codes apart: any interpolated job is new."""
    rng = np.random.default_rng(3)
    jobs = np.array(["at_home", "health", "other", "services", "teacher"])
    y = np.repeat([1, 2, 3], [60, 14, 8])
    job = np.where(rng.random(y.size) < 0.5, jobs[0], jobs[4]).astype(object)
    job[y == 2] = np.where(rng.random((y == 2).sum()) < 0.5, jobs[1], jobs[3])  # health/services
    frame = pd.DataFrame({"job": job, "age": rng.normal(17, 1, y.size) + y,
                          "score": rng.normal(size=y.size) + y, "grade": y})
    return encode_frame(frame, "grade", continuous=["age", "score"], name="jobs")


def _run(data, method: str, nominal: str):
    return evaluate(data, classifier="blrr", resampler=method, protocol="repeated_holdout",
                    repeats=2, resampler_params={"nominal": nominal, "k_neighbors": 3}
                    if method not in ("adasyn",) else {"nominal": nominal, "n_neighbors": 3},
                    keep_synthetic=True)


@pytest.mark.parametrize("method", INTERPOLATING)
def test_no_method_interpolates_a_nominal_feature(two_jobs_per_class, method):
    result = _run(two_jobs_per_class, method, "category")
    assert len(result.synthetic) > 0
    assert _unseen_in_class(two_jobs_per_class, result) == {"job": 0}


@pytest.mark.parametrize("method", ["smote", "borderline_smote", "gmcsmote"])
def test_the_papers_interpolation_stays_a_parameter_and_the_count_sees_it(two_jobs_per_class, method):
    result = _run(two_jobs_per_class, method, "interpolate")
    assert _unseen_in_class(two_jobs_per_class, result)["job"] > 0
    assert result.resampler_info.get("nominal") == "interpolated"


@pytest.mark.slow
@pytest.mark.parametrize("method", INTERPOLATING)
def test_zero_interpolated_nominal_values_on_student_por(student_por, method):
    params = {"n_neighbors": 5} if method == "adasyn" else {}
    result = evaluate(student_por, classifier="blrr", resampler=method, repeats=2,
                      resampler_params=params, keep_synthetic=True)  # two splits: two draws
    counts = _unseen_in_class(student_por, result)
    assert len(counts) == 17 and sum(counts.values()) == 0, counts
    assert result.resampler_info.get("nominal") in ("smotenc", "most frequent of 5 nearest")


def test_the_count_finds_interpolation_on_student_por(student_por):
    result = evaluate(student_por, classifier="blrr", resampler="smote", repeats=2,
                      resampler_params={"nominal": "interpolate"}, keep_synthetic=True)
    assert sum(_unseen_in_class(student_por, result).values()) > 0


def test_kept_synthetic_rows_are_decoded_with_target_and_split(two_jobs_per_class):
    data = two_jobs_per_class
    result = evaluate(data, classifier="blrr", resampler="smote", protocol="repeated_holdout",
                      repeats=2, resampler_params={"n_synthetic": 30, "k_neighbors": 3},
                      keep_synthetic=True)
    frame = result.synthetic
    assert list(frame.columns) == [*data.feature_names, "grade", "split"]
    assert set(frame["job"]) <= {"at_home", "health", "other", "services", "teacher"}
    # Small classes are first replicated to k + 1 rows; those copies count as made too.
    assert frame.groupby("split").size().tolist() == [result.n_synthetic] * 2
    assert set(frame["grade"]) <= {2, 3}  # only the classes below the mode grow
    none = evaluate(data, classifier="blrr", resampler="none", repeats=2, keep_synthetic=True)
    assert none.synthetic.empty and list(none.synthetic.columns) == list(frame.columns)


def test_an_unknown_nominal_handling_is_refused(two_jobs_per_class):
    with pytest.raises(SedgInputError, match="smote: nominal must be one of category, interpolate, "
                                             "got 'sideways'"):
        evaluate(two_jobs_per_class, classifier="blrr", resampler="smote",
                 resampler_params={"nominal": "sideways"})
