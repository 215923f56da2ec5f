"""The coverage benchmark's arithmetic: intervals, their coverage, and the implied correlation."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.coverage import CASES, KINDS, interval, summarise, wilson


def test_an_interval_is_t_times_the_corrected_standard_error():
    splits = [0.01, 0.03, 0.02, 0.04]
    low, high = interval(splits, ratio=0.0)
    half = 2.3533634 * np.std(splits, ddof=1) / 2  # t(0.95, 3)
    assert (low, high) == pytest.approx((0.025 - half, 0.025 + half))
    wide_low, wide_high = interval(splits, ratio=0.4 / 0.6)
    assert wide_high - wide_low == pytest.approx((high - low) * np.sqrt(0.25 + 0.4 / 0.6) / 0.5)


def test_wilson_interval_of_a_share():
    low, high = wilson(54, 60)
    assert low < 0.9 < high and wilson(60, 60)[1] == pytest.approx(1.0)


def test_correlated_splits_are_found_out_and_the_correction_covers_them():
    """Splits that share a data-set effect (correlation 0.4): the naive interval misses the truth
    far more often than 10 %, Nadeau-Bengio's holds, and the implied correlation is near 0.4."""
    rng = np.random.default_rng(0)
    truth, j = 0.05, 10
    products = []
    for _ in range(400):
        shared = rng.normal(0, np.sqrt(0.4) * 0.05)  # the data set's own effect
        splits = truth + shared + rng.normal(0, np.sqrt(0.6) * 0.05, j)
        products.append({name: {"splits": splits.tolist(), "ratio": 0.4 / 0.6} for name, *_ in CASES})
    truths = [{f"{method} at {share}": truth for method in ("random_over", "smote", "gmcsmote")
               for share in ("40% test", "20% test")}]
    truths = truths * 3
    row = summarise(truths, products)[0]
    assert row["naive_coverage"] < 0.6 and 0.85 <= row["nadeau_bengio_coverage"] <= 0.95
    assert row["implied_correlation"] == pytest.approx(0.4, abs=0.08)
    assert set(KINDS) == {"naive", "nadeau_bengio", "half_correlation"}
