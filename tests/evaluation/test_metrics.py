from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, roc_auc_score

from evaluation.metrics import (
    class_auc,
    compute_metrics,
    improvements,
    minority_labels,
    quadratic_weighted_kappa,
)


def test_qwk_by_hand():
    # observed disagreement: one pair (2, 1) with weight 1; expected: 20/4 = 5 -> 1 - 1/5
    assert quadratic_weighted_kappa([0, 1, 2, 2], [0, 1, 2, 1], [0, 1, 2]) == pytest.approx(0.8)


def test_qwk_matches_sklearn_on_consecutive_labels():
    rng = np.random.default_rng(0)
    truth, pred = rng.integers(0, 6, 200), rng.integers(0, 6, 200)
    expected = cohen_kappa_score(truth, pred, weights="quadratic")
    assert quadratic_weighted_kappa(truth, pred, np.arange(6)) == pytest.approx(expected)


def test_qwk_uses_label_values_for_gaps():
    # Predicting 5 for a 1 is 4 steps away, not 1, even though 2..4 never occur.
    near = quadratic_weighted_kappa([1, 5, 6, 6], [1, 6, 6, 6], [1, 5, 6])
    far = quadratic_weighted_kappa([1, 5, 6, 6], [5, 5, 6, 6], [1, 5, 6])
    assert near > far


def test_qwk_undefined_is_nan():
    assert math.isnan(quadratic_weighted_kappa([2, 2], [2, 2], [1, 2, 3]))


def test_class_auc_by_hand_and_absent_class():
    labels = np.array([0, 1, 2])
    y = np.array([0, 0, 1, 1])  # class 2 absent from the test part
    probabilities = np.array([[0.8, 0.2, 0.0], [0.3, 0.7, 0.0], [0.4, 0.6, 0.0], [0.1, 0.9, 0.0]])
    aucs = class_auc(y, probabilities, labels)
    # class 0: positives 0.8, 0.3 vs negatives 0.4, 0.1 -> pairs won: 2 + 1 = 3 of 4
    assert aucs[0] == pytest.approx(0.75)
    assert aucs[1] == pytest.approx(roc_auc_score(y == 1, probabilities[:, 1]))
    assert math.isnan(aucs[2])
    metrics = compute_metrics(y, np.array([0, 1, 1, 1]), probabilities, labels)
    assert metrics["accuracy"] == 0.75
    assert metrics["macro_auc"] == pytest.approx((aucs[0] + aucs[1]) / 2)
    assert math.isnan(metrics["class_auc_2"])


def test_class_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 150)
    probabilities = np.round(rng.random((150, 4)), 1)
    aucs = class_auc(y, probabilities, np.arange(4))
    for label in range(4):
        assert aucs[label] == pytest.approx(roc_auc_score(y == label, probabilities[:, label]))


def test_improvements_and_minority():
    metrics = {"accuracy": 0.5, "qwk": 0.7, "macro_auc": 0.8, "class_auc_0": 0.9, "class_auc_1": np.nan}
    baseline = {"accuracy": 0.4, "qwk": 0.75, "macro_auc": 0.8, "class_auc_0": 0.6, "class_auc_1": np.nan}
    deltas = improvements(metrics, baseline, minority=[0, 1])
    assert deltas["delta_accuracy"] == pytest.approx(0.1)
    assert deltas["delta_qwk"] == pytest.approx(-0.05)
    assert math.isnan(deltas["delta_class_auc_1"])
    assert deltas["delta_minority_auc"] == pytest.approx(0.3)
    assert minority_labels({"a": 1, "b": 5, "c": 9}) == ["a"]


def test_imbalance_metrics_equal_scikit_learns_on_random_predictions():
    import warnings

    from sklearn.metrics import balanced_accuracy_score, f1_score, matthews_corrcoef

    rng = np.random.default_rng(0)
    for _ in range(200):
        k = int(rng.integers(2, 6))
        labels = np.arange(k) * 3  # gapped, as grades are
        n = int(rng.integers(2, 30))
        truth = rng.choice(labels, n)
        predicted = rng.choice(labels[: rng.integers(1, k + 1)], n)  # some classes never predicted
        values = compute_metrics(truth, predicted, rng.random((n, k)), labels)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = {"balanced_accuracy": balanced_accuracy_score(truth, predicted),
                        "macro_f1": f1_score(truth, predicted, average="macro", zero_division=0),
                        "mcc": matthews_corrcoef(truth, predicted)}
        for name, value in expected.items():
            assert values[name] == pytest.approx(value, abs=1e-12), (name, truth, predicted)
