"""The search phase's time budget, as a Ray Tune stopper whose clock starts with the phase."""

from __future__ import annotations

import time

from ray.tune.stopper import Stopper

__all__ = ["TimeBudget"]


class TimeBudget(Stopper):
    """Stop the whole search ``seconds`` after it was made (just before ``Tuner.fit``).

    Ray Tune's own ``time_budget_s`` starts its clock at the loop's first step,
    after the first trials are set up (seconds, with Ray's actors to start), so
    a budget there ran past itself by that much. When it is reached, Tune
    starts no new trial and stops the running ones. A resumed search (Tune
    unpickles the stopper) gets the budget afresh.

    Examples
    --------
    >>> TimeBudget(60).stop_all()
    False
    >>> TimeBudget(0.0).stop_all()
    True
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = float(seconds)
        self.started = time.monotonic()

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, started=time.monotonic())  # another process's clock

    def __call__(self, trial_id: str, result: dict) -> bool:
        return False  # a trial alone is never stopped by the budget

    def stop_all(self) -> bool:
        return time.monotonic() - self.started >= self.seconds
