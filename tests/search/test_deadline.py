"""The time budget's division of a command (search.tune.deadline): pure arithmetic on a clock."""

from __future__ import annotations

import time

import pytest

from search.settings import SearchSettings
from search.tune.deadline import CLOSING_S, CONFIRMATION_MIN_S, CONFIRMATION_SHARE, Deadline, command_started
from sedg import SedgInputError


def test_the_search_gets_what_is_left_after_the_closing_and_the_confirmations_share():
    deadline = Deadline(100.0, started=0.0)
    assert deadline.confirmation_seconds == CONFIRMATION_SHARE * 100.0
    assert deadline.search_seconds(now=5.0) == 100.0 - 5.0 - CLOSING_S - 25.0
    assert deadline.left(now=5.0) == 100.0 - 5.0 - CLOSING_S
    assert deadline.search_seconds(now=90.0) == 0.0  # never negative: Tune stops at once


def test_a_short_budget_keeps_the_confirmations_least_seconds_and_none_without_a_confirmation():
    assert Deadline(20.0, started=0.0).confirmation_seconds == CONFIRMATION_MIN_S
    unconfirmed = Deadline(20.0, started=0.0, confirms=False)
    assert unconfirmed.confirmation_seconds == 0.0
    assert unconfirmed.search_seconds(now=2.0) == 20.0 - 2.0 - CLOSING_S


@pytest.mark.parametrize("confirms", [True, False])
@pytest.mark.parametrize("search, before", [(30.0, 4.0), (5.0, 1.0), (200.0, 10.0)])
def test_needed_is_the_inverse_of_search_seconds(search, before, confirms):
    budget = Deadline.needed(search, before, confirms)
    deadline = Deadline(budget, started=0.0, confirms=confirms)
    assert deadline.search_seconds(now=before) == pytest.approx(search)


def test_of_follows_the_settings():
    assert Deadline.of(SearchSettings(num_samples=2)) is None
    deadline = Deadline.of(SearchSettings(time_budget_s=60.0, confirm_top=0), started=12.5)
    assert (deadline.seconds, deadline.started, deadline.confirms) == (60.0, 12.5, False)


def test_a_budget_spent_before_the_search_is_refused_with_a_budget_that_would_do():
    deadline = Deadline(5.0, started=time.monotonic() - 4.0)
    with pytest.raises(SedgInputError) as raised:
        deadline.check_started()
    message = str(raised.value)
    assert message.startswith("--time-budget 5 is spent before the search begins: reading the data "
                              "and starting Ray took 4.0s and 3s are kept for Ray's shutdown; "
                              "--time-budget ")
    assert message.endswith(" leaves the search about 30s (nothing was written)")
    suggested = int(message.split("; --time-budget ")[1].split()[0])
    assert Deadline(suggested, started=0.0).search_seconds(now=4.0) >= 30.0
    Deadline(60.0).check_started()  # time left: nothing said


def test_the_command_started_with_this_process():
    started = command_started()
    assert started <= time.monotonic()
    assert time.monotonic() - started < 3600
