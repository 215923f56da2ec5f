"""Where a search's seconds go (``run --profile``): the driver's phases and the trials' own.

The driver times its phases as they happen (start-up, searcher, store, scheduling, shutdown);
the trials' phases (data, baseline, resample, fit, score) are sums of their rows' timings.
``idle`` is what the trial slots did not spend in trials: concurrency × search wall − the sum
of trial times (Ray's scheduling, worker start-up and imports, waiting on the driver).
The searcher, the scheduler and the store callback are handed the run's profile (their
``profile`` attribute) and time themselves with :func:`timed`.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

from sedg.files import atomic_write_text

__all__ = ["DRIVER_PHASES", "PROFILE_FILE", "TRIAL_PHASES", "Profile", "read_profile", "timed"]

#: Where ``run`` saves the table, in the experiment's folder.
PROFILE_FILE = "profile.json"

#: In the order they happen; ``search`` contains ``searcher``, ``store`` and ``scheduler``.
DRIVER_PHASES = ("imports", "ray_start", "setup", "search", "searcher", "scheduler", "store",
                 "confirmation", "shutdown")
#: Summed over the trials' rows (``time_<phase>``); ``total`` is each trial's whole time.
#: ``wait`` (blocked on another trial's computation of a shared artifact) is inside the others.
TRIAL_PHASES = ("data", "baseline", "resample", "fit", "score", "quality", "wait", "total")

class Profile:
    """Seconds per phase, accumulated.

    Examples
    --------
    >>> profile = Profile()
    >>> with profile.phase("setup"):
    ...     pass
    >>> sorted(profile.seconds)
    ['setup']
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def phase(self, name: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def table(self, rows, concurrency: int) -> list[tuple[str, float, str]]:
        """``(phase, seconds, what)`` rows: the driver's phases, then the trials' sums."""
        lines = [(name, self.seconds[name], "driver") for name in DRIVER_PHASES if name in self.seconds]
        for name in TRIAL_PHASES:
            column = f"time_{name}"
            if rows is not None and column in rows:
                lines.append((f"trial {name}", float(rows[column].fillna(0).sum()), "sum over trials"))
        if rows is not None and "time_total" in rows and "search" in self.seconds:
            idle = concurrency * self.seconds["search"] - float(rows["time_total"].fillna(0).sum())
            lines.append(("idle slots", idle, f"{concurrency} slots x search - trial total"))
        return lines

    def write(self, path: Path, rows, concurrency: int) -> None:
        """Save the table as JSON beside the results; ``concurrency`` is the trials that could
        run at once (the idle slots' count)."""
        lines = [{"phase": p, "seconds": round(s, 3), "what": w} for p, s, w in self.table(rows, concurrency)]
        atomic_write_text(path, json.dumps(lines, indent=1))


def read_profile(path: Path) -> str:
    """A saved profile as aligned text, one phase a line."""
    lines = json.loads(Path(path).read_text())
    width = max(len(line["phase"]) for line in lines)
    return "\n".join(f"{line['phase']:<{width}}  {line['seconds']:8.2f} s  {line['what']}" for line in lines)


def timed(phase: str):
    """Decorator of a method: its time counts to ``phase`` of ``self.profile``, if it has one."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            profile = getattr(self, "profile", None)
            if profile is None:
                return method(self, *args, **kwargs)
            with profile.phase(phase):
                return method(self, *args, **kwargs)

        return wrapper

    return decorate
