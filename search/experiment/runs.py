"""Each time a driver worked on an experiment (``run``, ``extend``, ``resume``): how long its
search phase and its confirmation took, kept apart in ``runs.json`` and said in one line."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from sedg.files import atomic_write_text

__all__ = ["RUNS_FILE", "Timing", "read_runs", "record_run", "timing_of"]

RUNS_FILE = "runs.json"


@dataclass
class Timing:
    """Wall-clock seconds of one phase (``None`` until it ends)."""

    name: str
    seconds: float | None = None


@contextmanager
def timing_of(name: str) -> Iterator[Timing]:
    """Time the block; the seconds are set even when it raises."""
    timing, started = Timing(name), time.perf_counter()
    try:
        yield timing
    finally:
        timing.seconds = time.perf_counter() - started


def read_runs(experiment_dir) -> list[dict]:
    """The experiment's runs, oldest first (empty for an experiment from before ``runs.json``)."""
    try:
        runs = json.loads((experiment_dir / RUNS_FILE).read_text())
    except (OSError, ValueError):
        return []
    return runs if isinstance(runs, list) else []


def record_run(settings, command: str, searched: Timing, confirmed: Timing,
               asked: int | None = None, deadline=None, resources: dict | None = None) -> dict:
    """Append this run to ``runs.json`` and print its line: the search phase, then the
    confirmation, timed apart; the trials this command asked for (``num_samples``: an
    ``extend``'s added ones, none for a ``resume``) and the experiment's planned total. With a
    ``deadline`` (:class:`search.tune.deadline.Deadline`), the seconds since the command began
    (``command_seconds``), which the budget bounds. ``resources`` (Ray's
    ``cluster_resources()``) gives the CPUs and GPUs the seconds were spent on
    (``cluster_cpus``, ``cluster_gpus``)."""
    entry = {"command": command, "ended_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
             "search_seconds": round(searched.seconds or 0.0, 3),
             "confirmation_seconds": round(confirmed.seconds or 0.0, 3),
             "time_budget_s": settings.time_budget_s, "num_samples": asked,
             "planned_total": settings.num_samples}
    if deadline is not None:
        entry["command_seconds"] = round(deadline.elapsed(), 3)
    if resources is not None:
        entry["cluster_cpus"] = resources.get("CPU", 0.0)
        entry["cluster_gpus"] = resources.get("GPU", 0.0)
    directory = settings.experiment_dir
    atomic_write_text(directory / RUNS_FILE, json.dumps([*read_runs(directory), entry], indent=1))
    budget = f" of a {settings.time_budget_s:g}s budget" if settings.time_budget_s else ""
    so_far = (f"; {entry['command_seconds']:.1f}s since the command began"
              if "command_seconds" in entry else "")
    print(f"{command}: search phase {entry['search_seconds']:.1f}s{budget}; confirmation "
          f"{entry['confirmation_seconds']:.1f}s{so_far}", flush=True)
    return entry
