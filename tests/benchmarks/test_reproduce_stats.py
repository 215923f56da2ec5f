"""The reproduction's verdicts: corrected standard errors, both questions, Holm across claims."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.reproduce._questions import answer
from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import confirmed_best, holm, paired_test, paper_max, split_means


def _trial(paper: float, honest: list[float], error: str | None = None, classifier="nnmodel") -> Trial:
    return Trial("sedg", "sedg", classifier, {}, paper={"delta_accuracy": paper},
                 honest=[{"delta_accuracy": v} for v in honest], error=error)


def test_paper_max_and_confirmed_best_read_the_paper_split_then_the_fresh_ones():
    lucky, steady = _trial(0.09, [-0.01, -0.02, 0.0]), _trial(0.02, [0.02, 0.03, 0.025])
    assert paper_max([lucky, steady], "accuracy") == 0.09
    mean, _ = confirmed_best([lucky, steady], "accuracy")
    assert np.isclose(mean, -0.01)  # the lucky one is chosen, and confirmed below zero


def test_failed_trials_are_left_out_of_the_means():
    trials = [_trial(0.01, [0.01, 0.01]), _trial(0.5, [0.5, 0.5], error="ValueError: boom")]
    np.testing.assert_allclose(split_means(trials, "accuracy"), [0.01, 0.01])
    assert paper_max(trials, "accuracy") == 0.01


def test_the_corrected_standard_error_is_nadeau_and_bengios():
    values = np.array([0.05, 0.06, 0.04, 0.05, 0.07, 0.03])
    result = paired_test(values)
    spread = values.std(ddof=1)
    assert result.naive_se == pytest.approx(spread / np.sqrt(6))
    assert result.se == pytest.approx(spread * np.sqrt(1 / 6 + 0.4 / 0.6))
    assert result.t < result.naive_t and 0 < result.p < 0.05
    # Bouckaert and Frank for 2 x 5-fold cv: J = 10, n_test / n_train = 1/4.
    assert paired_test(np.tile(values[:5], 2), 0.25).se == pytest.approx(
        np.tile(values[:5], 2).std(ddof=1) * np.sqrt(1 / 10 + 0.25))


def test_holm_is_step_down_and_monotone():
    assert holm([0.001, 0.02, 0.04, float("nan")])[:3] == pytest.approx([0.003, 0.04, 0.04])
    assert np.isnan(holm([0.001, 0.02, 0.04, float("nan")])[3])


def test_the_best_question_gives_both_levels_the_same_budget():
    """The claimed level drew many configurations, the rival one: the claimed level's max is
    taken over its first configuration only, so a lucky later draw cannot win it the claim."""
    rival = [_trial(0.01, [0.01, 0.012, 0.011, 0.01])]
    many = [_trial(0.0, [0.0, 0.0, 0.001, 0.0])] + [_trial(0.2, [0.3, 0.31, 0.29, 0.3])]
    grouped = {"mine": many, "theirs": rival}
    best = answer("best", grouped, "mine", ["theirs"], ("accuracy",))
    assert best.detail == "best of 1" and best.test.mean < 0
    average = answer("average", grouped, "mine", ["theirs"], ("accuracy",))
    assert average.test.mean > 0  # the mean over its configurations is another question


def test_a_claim_over_several_rivals_is_as_weak_as_its_weakest_comparison():
    strong, weak = _trial(0, [0.0] * 4), _trial(0, [0.08, 0.09, 0.06, 0.08])
    mine = _trial(0, [0.1, 0.11, 0.1, 0.09])
    grouped = {"mine": [mine], "strong": [strong], "weak": [weak]}
    result = answer("average", grouped, "mine", ["strong", "weak"], ("accuracy",))
    assert result.against == "weak"


def test_the_average_question_compares_within_each_classifier():
    """Level A drew the good classifier more often; within each classifier it is no better."""
    good = lambda v: _trial(0, [v] * 3, classifier="random_forest")  # noqa: E731
    poor = lambda v: _trial(0, [v] * 3, classifier="svm_ovo")  # noqa: E731
    grouped = {"a": [good(0.1), good(0.1), good(0.1), poor(0.0)], "b": [good(0.1), poor(0.0)]}
    pooled = answer("average", grouped, "a", ["b"], ("accuracy",), within=False)
    within = answer("average", grouped, "a", ["b"], ("accuracy",), within=True)
    assert pooled.test.mean > 0.02 and within.test.mean == pytest.approx(0.0)


def test_a_pool_draws_distinct_configurations_with_every_dimension():
    from benchmarks.reproduce._runs import draw_pool

    trials = draw_pool("sedg", ["sedg"], ("nnmodel",), 6, seed=0)
    assert len({tuple(sorted(t.params.items(), key=str)) for t in trials}) == 6
    assert all("sample_selection" in t.params and "feature_modification" in t.params for t in trials)
    dgm = draw_pool("dgm", ["dgm"], ("random_forest",), 2, seed=1, fixed={"model": "caae"})
    assert [t.params["model"] for t in dgm] == ["caae", "caae"]
    # A method without parameters on one classifier has one configuration, drawn once.
    assert len(draw_pool("classic", ["tomek_links"], ("blrr",), 3, seed=0)) == 1
