from __future__ import annotations

import numpy as np
import pytest
from imblearn.pipeline import make_pipeline
from sklearn.tree import DecisionTreeClassifier

from sedg import GMCSMOTE, SedgInputError
from sedg.gmcsmote import gaussian_targets


def _data(counts: dict, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.repeat(list(counts), list(counts.values()))
    return rng.normal(size=(y.size, 4)), y


def test_histogram_matches_hand_computed_counts():
    # Labels 0..6, mode 3 with 60. After replication to 6: {0: 6, 1: 6, 2: 20, 3: 60, 4: 30, 5: 8, 6: 6}.
    # d=3: min(60/3, 2.5*6)=15; d=2: min(30, 15)=15; d=1: min(60, 50)=50 and min(60, 75)=60;
    # label 5, d=2: min(30, 20)=20; label 6, d=3: min(20, 15)=15.
    X, y = _data({0: 2, 1: 6, 2: 20, 3: 60, 4: 30, 5: 8, 6: 1})
    sampler = GMCSMOTE(random_state=0)
    _, y_res = sampler.fit_resample(X, y)
    assert dict(zip(*np.unique(y_res, return_counts=True))) == {
        0: 15, 1: 15, 2: 50, 3: 60, 4: 60, 5: 20, 6: 15
    }
    assert sampler.replicated_ == {0: 4, 6: 5}
    assert sampler.k_neighbors_ == 5


def test_value_distance_uses_label_gaps():
    counts = {0: 10, 10: 40, 11: 100, 12: 40}
    by_index = gaussian_targets(counts, distance="index")
    by_value = gaussian_targets(counts)  # the paper's reading is the default
    assert by_index[0] == 25  # d=2: min(50, 25)
    assert by_value[0] == 10  # d=11: min(9.09, 25) is below the count, so it stays
    assert by_value[12] == by_index[12] == 100


def test_original_rows_come_first_and_smote_stays_in_class_range():
    X, y = _data({0: 10, 1: 30, 2: 12})
    X_res, y_res = GMCSMOTE(random_state=1).fit_resample(X, y)
    np.testing.assert_array_equal(X_res[: len(y)], X)
    new = X_res[len(y):][y_res[len(y):] == 0]
    members = X[y == 0]
    assert np.all(new >= members.min(axis=0) - 1e-9) and np.all(new <= members.max(axis=0) + 1e-9)


def test_small_k_is_adapted_and_recorded():
    X, y = _data({0: 3, 1: 20, 2: 4})
    sampler = GMCSMOTE(min_samples=3, k_neighbors=5, random_state=0)
    sampler.fit_resample(X, y)
    assert sampler.k_neighbors_ == 2


def test_works_in_an_imblearn_pipeline():
    X, y = _data({0: 8, 1: 30, 2: 9})
    pipeline = make_pipeline(GMCSMOTE(random_state=0), DecisionTreeClassifier(random_state=0))
    assert pipeline.fit(X, y).predict(X).shape == y.shape


@pytest.mark.parametrize(("params", "message"), [
    ({"cap": 0.5}, "'cap' parameter of GMCSMOTE must be"),
    ({"distance": "far"}, "'distance' parameter of GMCSMOTE must be"),
    ({"min_samples": 1}, "'min_samples' parameter of GMCSMOTE must be"),
])
def test_invalid_parameters_are_rejected(params, message):
    X, y = _data({0: 8, 1: 30})
    with pytest.raises(ValueError, match=message):
        GMCSMOTE(**params).fit_resample(X, y)


def test_value_distance_needs_numeric_labels():
    X, y = _data({0: 8, 1: 30})
    with pytest.raises(SedgInputError, match="needs numeric class labels"):
        GMCSMOTE(distance="value").fit_resample(X, np.where(y == 0, "low", "high"))
