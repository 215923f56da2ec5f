"""Classifiers at scale: the CPU share as n_jobs, and a forest whose trees stop growing with the table."""

from __future__ import annotations

from sklearn.ensemble import RandomForestClassifier

from evaluation import evaluate
from evaluation.classifiers import FOREST_ROWS, make_classifier
from sedg.datasets import make_grades
from sedg.threads import available_cpus, limited_threads


def test_the_forest_draws_a_fraction_of_the_rows_per_tree_only_on_a_large_table():
    small, large = make_grades(n_samples=2000), make_grades(n_samples=4 * FOREST_ROWS)
    assert make_classifier("random_forest", small).estimator.max_samples is None
    assert make_classifier("random_forest", large).estimator.max_samples == 0.25
    tuned = make_classifier("random_forest", large, params={"max_samples": 0.9})
    assert tuned.estimator.max_samples == 0.9  # a tuned value wins


def test_the_forest_and_xgboost_use_the_cpu_share_they_are_built_in():
    data = make_grades(n_samples=300)
    assert make_classifier("random_forest", data).estimator.n_jobs == available_cpus()
    with limited_threads(1):
        assert make_classifier("random_forest", data).estimator.n_jobs == 1
        assert make_classifier("xgboost", data).estimator.n_jobs == 1


def test_evaluate_fits_with_the_threads_it_is_given(monkeypatch):
    seen = []
    fit = RandomForestClassifier.fit
    monkeypatch.setattr(RandomForestClassifier, "fit",
                        lambda self, *a, **k: seen.append(self.n_jobs) or fit(self, *a, **k))
    result = evaluate(make_grades(n_samples=300), classifier="random_forest", resampler="random_over",
                      classifier_params={"n_estimators": 10}, repeats=2, n_jobs=1)
    assert seen == [1] * 4 and result.n_synthetic > 0


def test_the_forest_predicts_on_several_threads_exactly_as_on_one():
    import numpy as np

    from evaluation.classifiers import ReproducibleForest

    data = make_grades(n_samples=2000)
    one = RandomForestClassifier(n_estimators=30, random_state=0, n_jobs=1).fit(data.X, data.y)
    two = ReproducibleForest(n_estimators=30, random_state=0, n_jobs=2).fit(data.X, data.y)
    assert np.array_equal(one.predict_proba(data.X), two.predict_proba(data.X))
    assert np.array_equal(two.predict_proba(data.X), two.predict_proba(data.X))


def test_a_forest_pickled_under_its_old_module_still_loads():
    import pickle

    from evaluation._forest import ReproducibleForest

    data = make_grades(n_samples=80)
    fitted = ReproducibleForest(n_estimators=3, random_state=0).fit(data.X, data.y)
    # Models exported before the forest moved name it evaluation.classifiers.ReproducibleForest.
    # (Protocol 0 names a class as a line of text, so the name can be swapped in place.)
    payload = pickle.dumps(fitted, protocol=0).replace(b"evaluation._forest", b"evaluation.classifiers")
    assert b"evaluation.classifiers" in payload
    loaded = pickle.loads(payload)
    assert type(loaded) is ReproducibleForest
    assert (loaded.predict_proba(data.X) == fitted.predict_proba(data.X)).all()
