"""The measures of made rows against answers known in advance (fixed seeds)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation.quality import QUALITY_COLUMNS, made_row_quality


def _real(rng: np.random.Generator, n: int, shift: float = 0.0):
    """Two classes apart on the first column, a correlated second column, a nominal third."""
    y = np.repeat([0, 1], n // 2)
    first = rng.normal(size=n) + 3.0 * y + shift
    second = first + rng.normal(scale=0.5, size=n)
    third = rng.integers(0, 3, size=n).astype(float)
    return np.column_stack([first, second, third]), y


@pytest.fixture
def split():
    rng = np.random.default_rng(0)
    X_train, y_train = _real(rng, 600)
    X_holdout, _ = _real(rng, 200)
    return rng, X_train, y_train, X_holdout


def test_copies_of_training_rows_are_flagged_on_privacy_for_every_row(split):
    rng, X_train, y_train, X_holdout = split
    copied = rng.choice(len(y_train), size=150, replace=False)
    quality = made_row_quality(X_train, y_train, X_holdout, X_train[copied], y_train[copied], [2])
    assert quality["quality_dcr_close_share"] == 1.0
    assert quality["quality_label_agreement"] > 0.9


def test_rows_of_the_real_distribution_are_hard_to_tell_apart(split):
    rng, X_train, y_train, X_holdout = split
    X_made, y_made = _real(rng, 300)
    quality = made_row_quality(X_train, y_train, X_holdout, X_made, y_made, [2])
    assert abs(quality["quality_detection_auc"] - 0.5) < 0.1
    assert quality["quality_column_distance"] < 0.15
    assert quality["quality_correlation_distance"] < 0.1
    assert quality["quality_dcr_close_share"] < 0.2  # about the held-out rows' own 5 %
    assert quality["quality_label_agreement"] > 0.9


def test_rows_of_a_shifted_distribution_score_clearly_worse(split):
    rng, X_train, y_train, X_holdout = split
    X_same, y_same = _real(rng, 300)
    X_shifted, y_shifted = _real(rng, 300, shift=2.0)
    same = made_row_quality(X_train, y_train, X_holdout, X_same, y_same, [2])
    shifted = made_row_quality(X_train, y_train, X_holdout, X_shifted, y_shifted, [2])
    assert shifted["quality_detection_auc"] > 0.7 > same["quality_detection_auc"] + 0.1
    assert shifted["quality_column_distance"] > same["quality_column_distance"] + 0.2
    assert shifted["quality_column_distance_worst"] >= shifted["quality_column_distance"]
    assert shifted["quality_label_agreement"] < same["quality_label_agreement"]


def test_a_nominal_column_of_one_category_is_its_total_variation(split):
    _, X_train, y_train, X_holdout = split
    X_made, y_made = X_train[:200].copy(), y_train[:200]  # class 0 only
    X_made[:, 2] = 0.0
    real = X_train[y_train == 0, 2]
    total_variation = 1.0 - np.mean(real == 0.0)  # all the made rows' mass on one category
    quality = made_row_quality(X_train, y_train, X_holdout, X_made, y_made, [2])
    numeric = made_row_quality(X_train[:, :2], y_train, X_holdout[:, :2], X_made[:, :2], y_made)
    assert quality["quality_column_distance"] == pytest.approx(
        (2 * numeric["quality_column_distance"] + total_variation) / 3)
    assert quality["quality_column_distance_worst"] == quality["quality_column_distance"]


def test_no_rows_made_is_nan_everywhere(split):
    _, X_train, y_train, X_holdout = split
    quality = made_row_quality(X_train, y_train, X_holdout, np.zeros((0, 3)), np.zeros(0), [2])
    assert list(quality) == list(QUALITY_COLUMNS) and all(math.isnan(v) for v in quality.values())


def test_rows_made_for_the_wrong_class_disagree(split):
    rng, X_train, y_train, X_holdout = split
    X_made, y_made = _real(rng, 200)
    quality = made_row_quality(X_train, y_train, X_holdout, X_made, 1 - y_made, [2])
    assert quality["quality_label_agreement"] < 0.1


def test_the_subsample_is_bounded_and_seeded(split):
    rng, X_train, y_train, X_holdout = split
    X_made, y_made = _real(rng, 2000)
    first = made_row_quality(X_train, y_train, X_holdout, X_made, y_made, [2], max_rows=100, random_state=3)
    again = made_row_quality(X_train, y_train, X_holdout, X_made, y_made, [2], max_rows=100, random_state=3)
    assert first == again
