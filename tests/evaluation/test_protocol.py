from __future__ import annotations

import math

import numpy as np
import pytest
from imblearn import FunctionSampler

from evaluation import (
    CLASSIFIERS,
    EvaluationConfig,
    InvalidConfiguration,
    MemoryArtifacts,
    evaluate,
)
from evaluation.splits import make_splits
from sedg import SedgInputError


def test_identity_resampler_gives_zero_improvement(student_por):
    result = evaluate(student_por, classifier="random_forest", resampler=FunctionSampler())
    for name, value in result.deltas.items():
        assert value == 0.0 or math.isnan(value), name
    assert result.n_synthetic == 0


def test_baseline_is_fitted_once_per_key(grades):
    store = MemoryArtifacts()
    first = evaluate(grades, classifier="blrr", resampler="smote", artifacts=store)
    second = evaluate(grades, classifier="blrr", resampler="gmcsmote", artifacts=store)
    third = evaluate(grades, classifier="blrr", resampler="gmcsmote", seed=1, artifacts=store)
    # one baseline per split (5 repeated holdouts), shared by the second configuration
    assert (first.baseline_cache_hits, second.baseline_cache_hits, third.baseline_cache_hits) == (0, 5, 0)
    assert store.computed["baseline"] == 10 and store.hits["baseline"] == 5
    # The shared baseline is what the second configuration would have computed itself, and it
    # depends on the seed (so the equality is not of a constant).
    alone = evaluate(grades, classifier="blrr", resampler="gmcsmote", artifacts=MemoryArtifacts())
    np.testing.assert_equal(second.fold_baselines, alone.fold_baselines)  # NaN equals NaN
    np.testing.assert_equal(second.metrics, alone.metrics)
    assert alone.baseline_cache_hits == 0
    assert third.fold_baselines != first.fold_baselines


def test_cv_keeps_folds_and_improvement_is_metric_minus_baseline(student_por):
    result = evaluate(student_por, classifier="blrr", resampler="gmcsmote", protocol="cv")
    assert len(result.fold_metrics) == 5
    for name in ("accuracy", "qwk", "macro_auc"):
        assert result.deltas[f"delta_{name}"] == pytest.approx(
            result.metrics[name] - result.baseline[name]
        )
        assert result.metrics[name] == pytest.approx(np.nanmean([f[name] for f in result.fold_metrics]))


def test_every_configuration_sees_the_same_splits_and_each_repeat_its_own(student_por):
    first = make_splits(student_por.y, "repeated_holdout", seed=3)
    again = make_splits(student_por.y, "repeated_holdout", seed=3)
    assert len(first) == 5
    for (train, test), (train_again, test_again) in zip(first, again):
        np.testing.assert_array_equal(train, train_again)
        np.testing.assert_array_equal(test, test_again)
    tests = {tuple(test) for _, test in first}
    assert len(tests) == 5  # every repeat its own split
    assert tests.isdisjoint({tuple(test) for _, test in make_splits(
        student_por.y, "repeated_holdout", seed=3, stream=1)})  # confirmation never reuses them
    cv = make_splits(student_por.y, "repeated_cv", seed=3, repeats=2)
    assert len(cv) == 10 and np.array_equal(np.sort(np.concatenate([t for _, t in cv[:5]])),
                                            np.arange(student_por.y.size))


def test_repeated_protocol_pairs_seeds_and_reports_standard_errors(grades):
    seen = []
    result = evaluate(grades, classifier="blrr", resampler="smote", protocol="repeated_holdout",
                      repeats=4, on_split=lambda split, seed, *values: seen.append((split, seed)))
    other = evaluate(grades, classifier="blrr", resampler="gmcsmote", protocol="repeated_holdout",
                     repeats=4)
    assert [seed for _, seed in seen] == result.split_seeds == other.split_seeds
    assert len(set(result.split_seeds)) == 4
    deltas = np.array([split["delta_qwk"] for split in result.split_deltas])
    assert result.deltas["delta_qwk"] == pytest.approx(deltas.mean())
    # Nadeau and Bengio's corrected standard error: J = 4 splits of 60/40.
    corrected = deltas.std(ddof=1) * np.sqrt(1 / 4 + 0.4 / 0.6)
    assert result.standard_errors["delta_qwk_se"] == pytest.approx(corrected)
    assert result.standard_errors["delta_qwk_se"] > deltas.std(ddof=1) / 2  # the naive one
    row = result.to_row()
    assert row["n_splits"] == 4 and row["delta_qwk_se"] > 0


def test_holdout_puts_single_member_classes_in_training(student_por):
    (train, test), = make_splits(student_por.y, "holdout", seed=0)
    assert len(test) == pytest.approx(0.4 * (649 - 2), abs=1)
    for label in (1, 5):
        assert label in student_por.y[train] and label not in student_por.y[test]
    result = evaluate(student_por, classifier="blrr")
    assert math.isnan(result.metrics["class_auc_1"])


@pytest.mark.parametrize("classifier", sorted(CLASSIFIERS))
def test_all_classifiers_with_none_smote_gmcsmote(student_por, classifier):
    store = MemoryArtifacts()
    for resampler in ("none", "smote", "gmcsmote"):
        result = evaluate(student_por, classifier=classifier, resampler=resampler, artifacts=store,
                          protocol="holdout")
        assert np.isfinite(result.metrics["accuracy"]) and np.isfinite(result.metrics["qwk"])
        assert np.isfinite(result.deltas["delta_macro_auc"])
    assert store.computed["baseline"] == 1


@pytest.mark.parametrize(("fields", "message"), [
    ({"classifier": "svm"}, "unknown classifier 'svm'; choose one of svm_ovr"),
    ({"resampler": "smot"}, "unknown resampler 'smot'"),
    ({"protocol": "loo"}, "unknown protocol 'loo'"),
    ({"seed": -1}, "seed must be a non-negative integer"),
    ({"test_size": 1.5}, "test_size must be between 0 and 1"),
    ({"n_folds": 1}, "n_folds must be an integer >= 2"),
    ({"repeats": 0}, "repeats must be an integer >= 1"),
])
def test_bad_configuration_is_rejected(fields, message):
    with pytest.raises(SedgInputError, match=message):
        EvaluationConfig(**fields)


def test_invalid_parameter_values_are_invalid_configurations(grades):
    with pytest.raises(InvalidConfiguration, match="'cap' parameter of GMCSMOTE"):
        evaluate(grades, classifier="blrr", resampler="gmcsmote", resampler_params={"cap": 0})
    with pytest.raises(InvalidConfiguration, match="'C' parameter of SVC"):
        evaluate(grades, classifier="svm_ovo", classifier_params={"C": -1.0})
    with pytest.raises(SedgInputError, match="invalid parameter for classifier 'random_forest'"):
        evaluate(grades, classifier="random_forest", classifier_params={"trees": 3})


def test_sedg_warm_start_continues_the_samplers_model(student_por):
    store = MemoryArtifacts()
    result = evaluate(
        student_por, classifier="nnmodel", resampler="sedg", artifacts=store, protocol="holdout",
        resampler_params={"usage_start": "warm", "feature_modification": "random", "n_synthetic": 50},
    )
    assert result.n_synthetic == 50 and np.isfinite(result.metrics["qwk"])
    assert store.computed["fitted_classifier"] == 1  # the warm model started from the shared fit


def test_sedg_invalid_combination_is_an_invalid_configuration(grades):
    with pytest.raises(InvalidConfiguration, match="needs a tree-based classifier"):
        evaluate(grades, classifier="blrr", resampler="sedg",
                 resampler_params={"feature_selection": "importance", "feature_importance": "mdi"})


def test_missing_values_are_filled_per_split_and_reported(student_por):
    from dataclasses import replace

    X = student_por.X.copy()
    X[::6, student_por.feature_names.index("absences")] = np.nan
    holes = replace(student_por, X=X, name="holes")
    result = evaluate(holes, resampler="smote", classifier="random_forest", protocol="repeated_holdout",
                      repeats=2, seed=0)
    assert result.imputed == "absences: 109 by median"
    assert np.isfinite(result.deltas["delta_qwk"])
    assert evaluate(student_por, resampler="none", repeats=2).imputed is None
