"""A time budget that bounds the whole command: Ray's start, the search and the confirmation.

``--time-budget SECONDS`` is the wall time of ``run`` or ``extend`` from the moment the command
began (the process's start, for the command line) to its last line. It is spent in order:

1. **Before the search**: reading the data and starting (or joining) Ray, measured rather than
   planned. A budget already spent then is refused before anything is written.
2. **The search**: what is left, less the confirmation's share and :data:`CLOSING_S`. The
   share, when the search confirms anything, is :data:`CONFIRMATION_SHARE` of the budget and
   at least :data:`CONFIRMATION_MIN_S`. Ray Tune starts no trial after the search's part and
   stops the running ones (:class:`search.tune.budget.TimeBudget`).
3. **The confirmation**: from the search's end to the deadline. Its fresh splits run in rounds
   (every configuration's first split, then each one's second, ...); at the deadline the splits
   not done are cancelled and each configuration is confirmed on the splits it finished (two at
   least), which the output says, rather than the command overrunning.
4. **Closing**: Ray's shutdown and the tables printed, :data:`CLOSING_S`.

A ``resume`` gets the search's budget afresh (Ray Tune restores its stopper) and an unbounded
confirmation: it continues a command whose budget was already counted.

Examples
--------
>>> deadline = Deadline(60.0, started=0.0)
>>> deadline.search_seconds(now=10.0)  # 60 - 10 elapsed - 3 closing - 15 confirmation
32.0
>>> deadline.left(now=55.0)
2.0
>>> Deadline.needed(32.0, before=10.0)  # the inverse
60.0
"""

from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field

from sedg import SedgInputError

__all__ = ["CLOSING_S", "CONFIRMATION_MIN_S", "CONFIRMATION_SHARE", "Deadline", "command_started"]

#: The share of the budget kept for the confirmation, when the search confirms anything ...
CONFIRMATION_SHARE = 0.25
#: ... and its least seconds: the first fresh split of each configuration waits for Ray's
#: workers to import the evaluation (2.8 s here, more on a loaded machine), and Ray Tune takes up
#: to 5 s to stop the trials the search's deadline ended.
CONFIRMATION_MIN_S = 10.0
#: Seconds kept at the end for Ray's shutdown and the tables printed after the search
#: (measured here: shutdown 1.4 s, the tables 0.5 s).
CLOSING_S = 3.0
#: The search a suggested budget leaves, in seconds.
_SUGGESTED_SEARCH_S = 30.0


@dataclass(frozen=True)
class Deadline:
    """The end of a command's time budget, on the monotonic clock.

    Parameters
    ----------
    seconds : float
        The budget, ``--time-budget``.
    started : float
        When the command began (``time.monotonic()``; default: now).
    confirms : bool
        Whether the command confirms anything (and keeps the confirmation's share).
    """

    seconds: float
    started: float = field(default_factory=time.monotonic)
    confirms: bool = True

    @classmethod
    def of(cls, settings, started: float | None = None) -> Deadline | None:
        """The deadline of a command run under ``settings`` (None without a time budget)."""
        if settings.time_budget_s is None:
            return None
        return cls(settings.time_budget_s, time.monotonic() if started is None else started,
                   confirms=settings.confirm_top > 0)

    @staticmethod
    def needed(search_seconds: float, before: float, confirms: bool = True) -> float:
        """The least budget that leaves the search ``search_seconds`` when ``before`` seconds
        pass before it begins."""
        rest = search_seconds + before + CLOSING_S
        if not confirms:
            return rest
        return max(rest / (1 - CONFIRMATION_SHARE), rest + CONFIRMATION_MIN_S)

    @property
    def confirmation_seconds(self) -> float:
        """The seconds kept for the confirmation."""
        return max(CONFIRMATION_SHARE * self.seconds, CONFIRMATION_MIN_S) if self.confirms else 0.0

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the command began."""
        return (time.monotonic() if now is None else now) - self.started

    def left(self, now: float | None = None) -> float:
        """Seconds of work left before the deadline, the closing kept aside (negative: past)."""
        return self.seconds - CLOSING_S - self.elapsed(now)

    def search_seconds(self, now: float | None = None) -> float:
        """The seconds the search may take from ``now``: what is left less the confirmation's share."""
        return max(0.0, self.left(now) - self.confirmation_seconds)

    def check_started(self, flag: str = "--time-budget") -> None:
        """Refuse a budget spent before the search could begin (reading the data, Ray's start)."""
        if self.left() > 0:
            return
        elapsed = self.elapsed()
        enough = math.ceil(self.needed(_SUGGESTED_SEARCH_S, elapsed, self.confirms))
        raise SedgInputError(
            f"{flag} {self.seconds:g} is spent before the search begins: reading the data and "
            f"starting Ray took {elapsed:.1f}s and {CLOSING_S:g}s are kept for Ray's shutdown; "
            f"{flag} {enough} leaves the search about {_SUGGESTED_SEARCH_S:g}s (nothing was written)")


def command_started() -> float:
    """When this process began, on the monotonic clock (Linux's ``/proc``; elsewhere: now), so
    that a command's budget counts the interpreter's start and its imports too."""
    now = time.monotonic()
    try:
        with open("/proc/self/stat") as stat:
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])  # field 22: start, in ticks after boot
        with open("/proc/uptime") as uptime:
            since_boot = float(uptime.read().split()[0])
        age = since_boot - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return now
    return now - age if 0 <= age < 3600 else now
