"""--tune-classifier: each classifier's own parameters as search dimensions (<classifier>__<param>)."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest

from evaluation import CLASSIFIERS, MemoryArtifacts, evaluate, make_classifier
from search import SearchSettings
from search._parameters import classifier_parameters
from search.recipe import tuned_classifier_params
from search.space import define_space
from sedg import DiskArtifacts, artifact_counts
from sedg.datasets import make_grades


def _draw(space, seed: int = 0) -> dict:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    trial = study.ask()
    constants = space(trial)
    return {**trial.params, **constants}


def test_without_the_flag_the_space_has_no_classifier_parameters():
    config = _draw(define_space(["smote"], ["nnmodel"]))
    assert not any("__" in name for name in config)


@pytest.mark.parametrize("classifier", sorted(CLASSIFIERS))
def test_every_classifier_takes_the_parameters_its_space_suggests(classifier):
    config = _draw(define_space(["none"], [classifier], tune_classifier=True), seed=3)
    params = tuned_classifier_params(config, classifier)
    assert params and set(config) >= {f"{classifier}__{name}" for name in params}
    assert set(classifier_parameters(classifier)) == {f"{classifier}__{name}" for name in params}
    data = make_grades(n_samples=120, seed=0)
    params = {**params, "max_epochs": 3} if classifier == "nnmodel" else params
    params = {**params, "n_estimators": 10} if "n_estimators" in params else params
    model = make_classifier(classifier, data, params=params)
    if CLASSIFIERS[classifier].embeds:  # a short network: the test is about the parameters
        model.set_params(estimator__embedder__max_epochs=3)
    model.fit(data.X, data.y)
    assert model.predict_proba(data.X[:5]).shape == (5, len(data.labels))


def test_the_flag_is_a_run_option():
    assert SearchSettings(tune_classifier=True, methods=("none",)).tune_classifier
    assert not SearchSettings(methods=("none",)).tune_classifier


def test_baselines_are_keyed_by_the_classifier_parameters():
    data, store = make_grades(n_samples=150, seed=0), MemoryArtifacts()
    common = {"classifier": "random_forest", "resampler": "none", "protocol": "holdout",
              "artifacts": store}
    evaluate(data, classifier_params={"n_estimators": 20}, **common)
    evaluate(data, classifier_params={"n_estimators": 20}, **common)
    evaluate(data, classifier_params={"n_estimators": 30}, **common)
    assert store.computed["baseline"] == 2 and store.hits["baseline"] == 1


@pytest.mark.slow
def test_a_tuned_nnmodel_search_stores_its_parameters_and_shares_baselines_per_set(cli, tmp_path):
    from search.recipe import SEARCH, evaluation_config

    cli("run", "--num-samples", "3", "--num-cpus", "2", "--storage-path", str(tmp_path),
        "--name", "tuned", "--methods", "none,random_over", "--classifier", "nnmodel",
        "--tune-classifier", "--repeats", "2", "--confirm-top", "0", "--searcher", "random")
    rows = pd.read_parquet(tmp_path / "tuned" / "results")
    columns = [name for name in rows.columns if name.startswith("nnmodel__")]
    assert set(columns) == set(classifier_parameters("nnmodel"))
    assert rows[columns].notna().all().all() and len(rows) == 3
    distinct = rows[columns].drop_duplicates()
    counts = artifact_counts(tmp_path / "tuned" / "artifacts")
    assert counts["baseline"]["computed"] == rows["n_splits"].sum() == 2 * len(distinct)
    # The same parameter set finds its baselines (keyed by the set, not only the classifier).
    settings = SearchSettings.load(tmp_path / "tuned")
    row = {**rows.iloc[0].to_dict(), "method": "none"}
    store = DiskArtifacts(tmp_path / "tuned" / "artifacts")
    evaluate(make_grades(n_samples=settings.grades_samples, seed=0),
             evaluation_config(row, settings, SEARCH), artifacts=store)
    assert artifact_counts(tmp_path / "tuned" / "artifacts")["baseline"]["hit"] == 2
    assert np.isfinite(rows["delta_qwk"]).all()
