"""Driver-side Ray Tune callbacks: write each finished trial's row, show progress."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ray.tune import Callback

from search._defaults import DISK_ERRORS, HEARTBEAT_S
from search.experiment.rows import SPLIT_KEY, partial_row, row_of
from search.experiment.store import FAILED, OK, STOPPED, ResultsStore
from search.object_store import StoreUnreachable
from search.recipe import SEARCH
from search.tune.interrupt import stop_for
from search.tune.profile import timed

__all__ = ["ProgressCallback", "StoreCallback", "restored_dir", "restoring", "trial_row"]


def trial_row(trial) -> dict | None:
    """The row a trial built so far (in its last report), or None before its first report."""
    return row_of(trial.last_result or {})


#: The folder a resumed experiment is in now, while Ray Tune unpickles its state (:func:`restoring`).
_RESTORING: ContextVar[str | None] = ContextVar("sedg_restoring", default=None)


@contextmanager
def restoring(experiment_dir) -> Iterator[None]:
    """Around ``Tuner.restore``: the store callback and the racing scheduler Tune unpickles take
    this folder, not the one they were made in (which a moved folder, or another machine's working
    copy of an object store, does not have). Tune restores them as pickled: it offers no hook."""
    token = _RESTORING.set(str(experiment_dir))
    try:
        yield
    finally:
        _RESTORING.reset(token)


def restored_dir(saved):
    """The folder an object unpickled now belongs to (see :func:`restoring`)."""
    return _RESTORING.get() or saved


def _keep_going(write, row: dict) -> None:
    """Write a row; a full disk or an object store that fails stops the search cleanly
    (:func:`search.tune.interrupt.stop_for`): this row is lost, the ones before it kept, and
    ``resume`` rebuilds it from Tune's state."""
    try:
        write(row)
    except OSError as error:
        stops = error.errno in DISK_ERRORS or isinstance(error, StoreUnreachable)
        if not stops or not stop_for(error):
            raise


class StoreCallback(Callback):
    """Turn every finished trial into one row of the results store.

    The row is built by the trial itself (``row_json`` in its final result).
    A trial that a scheduler stopped early has no final result: its row is
    ``status="stopped"`` with the objective values of its last report. A
    trial whose process died after its retries is ``status="error"``.
    """

    def __init__(self, experiment_dir: str, profile=None) -> None:
        self.experiment_dir, self.profile = experiment_dir, profile  # profile: --profile's "store"
        self._store: ResultsStore | None = None

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, experiment_dir=restored_dir(state["experiment_dir"]), _store=None)

    @property
    def store(self) -> ResultsStore:
        if self.__dict__.get("_store") is None:  # built lazily: pickled with Tune's state
            self._store = ResultsStore(self.experiment_dir)
        return self._store

    @timed("store")
    def on_trial_start(self, iteration, trials, trial, **info) -> None:
        """A trial that runs again (after a resume, or a retry) starts from its first split: the
        splits its earlier run stored go, or a racing stop sooner this time would leave them."""
        self.store.forget_evaluations(trial.trial_id, SEARCH)

    @timed("store")
    def on_trial_result(self, iteration, trials, trial, result, **info) -> None:
        if SPLIT_KEY in result:  # one evaluation per split, as the trial reports it
            _keep_going(self.store.write_evaluation, json.loads(result[SPLIT_KEY]))

    @timed("store")
    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        row = trial_row(trial)  # the final row, or the row so far of a trial stopped early
        if row is None:
            row = partial_row(trial.trial_id, trial.config, trial.last_result or {}, STOPPED, None)
        _keep_going(self.store.write, row)

    @timed("store")
    def on_experiment_end(self, trials, **info) -> None:
        """Trials the time budget stopped get no completion call from Tune: each that reported
        a split keeps the row it built so far (``status="stopped"``, its finished splits)."""
        for trial in trials:
            row = trial_row(trial)
            if row is not None and not self.store.has_row(trial.trial_id):
                _keep_going(self.store.write, row)

    @timed("store")
    def on_trial_error(self, iteration, trials, trial, **info) -> None:
        message = f"trial process failed after {trial.num_failures} attempt(s)"
        error_file = getattr(trial, "error_file", None)
        text = ""
        if error_file:
            try:
                text = open(error_file).read().strip()
            except OSError:
                pass
        lines = text.splitlines()
        if lines:
            message += ": " + lines[-1]
        row = trial_row(trial)
        if row is not None:  # keep what its finished splits said
            row |= {"status": FAILED, "error": message}
        else:
            row = partial_row(trial.trial_id, trial.config, trial.last_result or {}, FAILED, message)
        row["traceback"] = "\n".join(lines[-40:]) or None  # Ray's record: where it raised
        _keep_going(self.store.write, row)


class ProgressCallback(Callback):
    """Progress of the search, counted in split evaluations: trials done/total, errors, best
    value so far (among trials that ran every split), elapsed time and an estimate of the
    time left.

    A live bar (rich) when the stream is a terminal (``live=None``). Otherwise (a log, a
    pipe) lines: one per split evaluation (trial, split, seconds, value), one per finished
    trial, one when a trial waits for an artifact another trial is computing (read from
    ``artifacts_log``), and a heartbeat when nothing was said for ``heartbeat_s``.
    The estimate is the elapsed time per split evaluation done times those left; a trial
    stopped early counts its unrun splits as done. With a ``time_budget_s`` the time left is
    at most what the budget leaves; ``total=None`` (no trial count, only the budget) leaves
    the trial count open and the budget alone says the time left. ``best`` starts the best
    value so far (an extended search's).
    """

    def __init__(self, total: int | None, metric: str, mode: str, stream=None,
                 live: bool | None = None, splits_per_trial: int = 1, artifacts_log=None,
                 heartbeat_s: float = HEARTBEAT_S, time_budget_s: float | None = None,
                 best: float = math.nan) -> None:
        self.total, self.metric, self.mode = total, metric, mode
        self.time_budget_s = time_budget_s
        self.stream, self.live = stream, live
        self.splits_per_trial, self.artifacts_log = max(1, int(splits_per_trial)), artifacts_log
        self.heartbeat_s = heartbeat_s
        self.done = self.errors = 0
        self.best = best  # an extended search's best so far
        self.started = self.said = time.monotonic()
        self._looked = -math.inf
        self.units = 0  # split evaluations done, or skipped by a trial that stopped early
        self._splits: dict[str, int] = {}  # per running trial, the splits it reported
        # Waits already in the log (a resumed search's) were announced by the run that saw them.
        self._log_offset = _size(artifacts_log)
        self._bar = None

    def _is_live(self) -> bool:
        if self.live is not None:
            return self.live
        return bool(getattr(self.stream or sys.stdout, "isatty", lambda: False)())

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        console = Console(file=self.stream or sys.stdout, force_terminal=True)
        self._bar = Progress(
            TextColumn("splits"), BarColumn(), MofNCompleteColumn(),
            TextColumn("trials {task.fields[trials]}  errors {task.fields[errors]}  "
                       "best {task.fields[best]}"),
            TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("{task.fields[left]}"),
            console=console,
        )
        self._task = self._bar.add_task("search", total=self._total_splits(),
                                        trials=self._trials().strip(), errors=0, best="n/a",
                                        left=self._left())
        self._bar.start()

    def _total_splits(self) -> int | None:
        return None if self.total is None else self.total * self.splits_per_trial

    def _trials(self) -> str:
        """Trials done of those planned, right-aligned for the log (``?``: as the budget allows)."""
        return f"{self.done:>4}/{'?' if self.total is None else self.total}"

    def _left(self) -> str:
        """The time left: the estimate from the splits done, no more than the budget leaves."""
        elapsed = time.monotonic() - self.started
        estimates = []
        if self.total is not None and self.units:
            estimates.append(elapsed / self.units * max(0, self._total_splits() - self.units))
        if self.time_budget_s is not None:
            estimates.append(max(0.0, self.time_budget_s - elapsed))
        if not estimates:
            return "left ?"
        budget = " (budget)" if self.time_budget_s is not None and estimates[-1] == min(estimates) else ""
        return f"left ~{min(estimates):.0f}s{budget}"

    def _say(self, text: str) -> None:
        print(text, file=self.stream or sys.stdout, flush=True)
        self.said = time.monotonic()

    def _update_bar(self) -> None:
        if self._bar is None:
            self._start_bar()
        best = "n/a" if math.isnan(self.best) else f"{self.metric} {self.best:+.4f}"
        self._bar.update(self._task, completed=self.units, errors=self.errors, best=best,
                         trials=self._trials().strip(), left=self._left())

    def _record(self, status: str, value, trial_id: str | None = None) -> None:
        self.done += 1
        self.errors += status not in (OK, STOPPED)
        self.units += self.splits_per_trial - self._splits.pop(trial_id, 0)
        # Only trials that ran every split count: a stopped trial's partial mean is no answer.
        if status == OK and isinstance(value, (int, float)) and math.isfinite(value):
            better = value > self.best if self.mode == "max" else value < self.best
            if math.isnan(self.best) or better:
                self.best = value
        if self._is_live():
            self._update_bar()
            return
        self._say(f"[{self._trials()}] errors {self.errors}  "
                  f"elapsed {time.monotonic() - self.started:6.1f}s  {self._left()}  "
                  f"best {self.metric} {self.best:+.4f}")

    def on_trial_result(self, iteration, trials, trial, result, **info) -> None:
        if "split" not in result:
            return
        self._splits[trial.trial_id] = self._splits.get(trial.trial_id, 0) + 1
        self.units += 1
        if self._is_live():
            self._update_bar()
            return
        value = result.get("split_value", math.nan)
        self._say(f"       trial {trial.trial_id} split {int(result['split']) + 1}/"
                  f"{self.splits_per_trial}  {result.get('split_seconds', math.nan):6.1f}s  "
                  f"{self.metric} {value:+.4f}")

    def on_step(self, iteration, trials, **info) -> None:
        now = time.monotonic()
        if now - self._looked < 1.0:  # the loop steps far more often than that
            return
        self._looked = now
        if self._is_live():
            if self._bar is not None:  # the time left moves on between results
                self._update_bar()
            return
        self._announce_waits()
        if time.monotonic() - self.said >= self.heartbeat_s:
            running = sum(1 for trial in trials if trial.status == "RUNNING")
            splits = "" if self.total is None else f"/{self._total_splits()}"
            self._say(f"[{self._trials()}] running {running} trial(s), "
                      f"{self.units}{splits} splits  "
                      f"elapsed {time.monotonic() - self.started:6.1f}s  {self._left()}")

    def _announce_waits(self) -> None:
        """A line per trial that began waiting for an artifact since the last look."""
        if self.artifacts_log is None:
            return
        try:
            with open(self.artifacts_log, "rb") as log:
                log.seek(self._log_offset)
                chunk = log.read()
        except OSError:  # not written yet
            return
        complete = chunk[: chunk.rfind(b"\n") + 1]  # a line being written is read next time
        self._log_offset += len(complete)
        for line in complete.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("event") == "waiting":
                self._say(f"       trial {entry.get('trial_id')} waits for the shared "
                          f"{entry.get('kind')} another trial is computing")

    def on_experiment_end(self, trials, **info) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        row = trial_row(trial)
        status = row["status"] if row is not None else STOPPED
        self._record(status, (trial.last_result or {}).get(self.metric), trial.trial_id)

    def on_trial_error(self, iteration, trials, trial, **info) -> None:
        self._record(FAILED, None, trial.trial_id)


def _size(path) -> int:
    try:
        return os.path.getsize(path) if path is not None else 0
    except OSError:
        return 0
