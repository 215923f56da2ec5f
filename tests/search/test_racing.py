"""The racing rule, step by step, without Ray's controller."""

from __future__ import annotations

from types import SimpleNamespace

from ray.tune.schedulers import TrialScheduler

from search.tune.racing import RacingScheduler, significantly_worse


def _report(scheduler, trial_id, split, value):
    return scheduler.on_trial_result(None, SimpleNamespace(trial_id=trial_id),
                                     {"split": split, "split_value": value})


def test_a_trial_worse_on_every_shared_split_is_stopped_after_two():
    scheduler = RacingScheduler("delta_qwk", "max", n_splits=4, alpha=0.1)
    for split, value in enumerate([0.02, 0.05, 0.01, 0.03]):  # the incumbent runs every split
        assert _report(scheduler, "best", split, value) == TrialScheduler.CONTINUE
    assert scheduler.incumbent == "best"
    assert _report(scheduler, "bad", 0, -0.20) == TrialScheduler.CONTINUE  # one split proves nothing
    assert _report(scheduler, "bad", 1, -0.18) == TrialScheduler.STOP
    assert scheduler.stopped == {"bad"}


def test_a_trial_that_ties_runs_every_split_and_can_become_the_incumbent():
    scheduler = RacingScheduler("delta_qwk", "max", n_splits=3)
    for split, value in enumerate([0.00, 0.02, 0.01]):
        _report(scheduler, "first", split, value)
    decisions = [_report(scheduler, "second", split, value)
                 for split, value in enumerate([0.01, 0.01, 0.03])]
    assert decisions == [TrialScheduler.CONTINUE] * 3
    assert scheduler.incumbent == "second"


def test_mode_min_flips_the_comparison():
    scheduler = RacingScheduler("time_total", "min", n_splits=3, alpha=0.1)
    for split, value in enumerate([1.0, 1.1, 0.9]):
        _report(scheduler, "fast", split, value)
    _report(scheduler, "slow", 0, 5.0)
    assert _report(scheduler, "slow", 1, 5.2) == TrialScheduler.STOP


def test_the_paired_test():
    assert significantly_worse([-0.05, -0.06, -0.04], alpha=0.1)
    assert not significantly_worse([-0.05, 0.04, -0.01], alpha=0.1)
    assert not significantly_worse([-0.5], alpha=0.1)  # one pair is never enough


def test_alpha_one_half_is_smacs_rule_stop_when_the_mean_is_below():
    assert significantly_worse([-0.01, 0.005], alpha=0.5)  # mean below zero, however noisy
    assert not significantly_worse([0.01, -0.005], alpha=0.5)
