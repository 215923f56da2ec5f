"""The reproduction's verdicts: a claim holds only on a paired difference of two standard errors."""

from __future__ import annotations

import numpy as np

from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import confirmed_best, paired, paper_max, split_means, verdict


def _trial(paper: float, honest: list[float], error: str | None = None) -> Trial:
    return Trial("sedg", "sedg", "nnmodel", {}, paper={"delta_accuracy": paper},
                 honest=[{"delta_accuracy": v} for v in honest], error=error)


def test_paper_max_and_confirmed_best_read_the_paper_split_then_the_fresh_ones():
    lucky, steady = _trial(0.09, [-0.01, -0.02, 0.0]), _trial(0.02, [0.02, 0.03, 0.025])
    assert paper_max([lucky, steady], "accuracy") == 0.09
    mean, _ = confirmed_best([lucky, steady], "accuracy")
    assert np.isclose(mean, -0.01)  # the lucky one is chosen, and confirmed below zero


def test_failed_trials_are_left_out_of_the_means_but_not_dropped_silently():
    trials = [_trial(0.01, [0.01, 0.01]), _trial(0.5, [0.5, 0.5], error="ValueError: boom")]
    np.testing.assert_allclose(split_means(trials, "accuracy"), [0.01, 0.01])
    assert paper_max(trials, "accuracy") == 0.01


def test_a_claim_holds_only_beyond_two_standard_errors():
    better = np.array([0.05, 0.06, 0.04, 0.05])
    diff, se, t = paired(better, np.zeros(4))
    assert verdict(diff, t) == "**holds**"
    diff, se, t = paired(np.array([0.05, -0.04, 0.03, -0.02]), np.zeros(4))
    assert verdict(diff, t).startswith("**does not hold** (same direction")
    diff, se, t = paired(np.zeros(4), better)
    assert verdict(diff, t) == "**does not hold**"


def test_a_pool_draws_different_configurations_with_every_dimension():
    from benchmarks.reproduce._runs import draw_pool

    trials = draw_pool("sedg", ["sedg"], ("nnmodel",), 6, seed=0)
    assert len({tuple(sorted(t.params.items(), key=str)) for t in trials}) == 6
    assert all("sample_selection" in t.params and "feature_modification" in t.params for t in trials)
    dgm = draw_pool("dgm", ["dgm"], ("random_forest",), 2, seed=1, fixed={"model": "caae"})
    assert [t.params["model"] for t in dgm] == ["caae", "caae"]
