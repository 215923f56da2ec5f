"""Driver-side Ray Tune callbacks: write each finished trial's row, show progress."""

from __future__ import annotations

import json
import math
import sys
import time
from datetime import datetime, timezone

from ray.tune import Callback

from search._defaults import DISK_ERRORS
from search._interrupt import stop_for
from search._profile import timed
from search.store import FAILED, OK, STOPPED, ResultsStore

__all__ = ["ProgressCallback", "StoreCallback"]


def _keep_going(write, row: dict) -> None:
    """Write a row; a full disk stops the search cleanly (:func:`search._interrupt.stop_for`):
    this row is lost, the ones before it kept, and ``resume`` rebuilds it from Tune's state."""
    try:
        write(row)
    except OSError as error:
        if error.errno not in DISK_ERRORS or not stop_for(error):
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

    @property
    def store(self) -> ResultsStore:
        if self._store is None:  # built lazily: the callback is pickled with the experiment state
            self._store = ResultsStore(self.experiment_dir)
        return self._store

    @timed("store")
    def on_trial_result(self, iteration, trials, trial, result, **info) -> None:
        if "split_json" in result:  # one evaluation per split, as the trial reports it
            _keep_going(self.store.write_evaluation, json.loads(result["split_json"]))

    @timed("store")
    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        result = trial.last_result or {}
        if "row_json" in result:  # the final row, or the row so far of a trial stopped early
            row = json.loads(result["row_json"])
        else:
            row = self._partial_row(trial, result, STOPPED, None)
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
        result = trial.last_result or {}
        if "row_json" in result:  # keep what its finished splits said
            row = json.loads(result["row_json"]) | {"status": FAILED, "error": message}
        else:
            row = self._partial_row(trial, result, FAILED, message)
        row["traceback"] = "\n".join(lines[-40:]) or None  # Ray's record: where it raised
        _keep_going(self.store.write, row)

    @staticmethod
    def _partial_row(trial, result: dict, status: str, error: str | None) -> dict:
        row = {key: value for key, value in trial.config.items()}
        row.update({k: v for k, v in result.items() if isinstance(v, (int, float, str))})
        row.update(
            trial_id=trial.trial_id,
            status=status,
            error=error,
            finished_at=datetime.now(timezone.utc).isoformat(),
        )
        return row


class ProgressCallback(Callback):
    """Progress of the search: trials done/total, errors, best value so far (among trials that
    ran every split), elapsed and remaining time.

    A live bar (rich) when the stream is a terminal (``live=None``); otherwise one line per
    finished trial, which logs and pipes keep readable.
    """

    def __init__(self, total: int, metric: str, mode: str, stream=None,
                 live: bool | None = None) -> None:
        self.total, self.metric, self.mode = total, metric, mode
        self.stream, self.live = stream, live
        self.done = self.errors = 0
        self.best = math.nan
        self.started = time.monotonic()
        self._bar = None

    def _is_live(self) -> bool:
        if self.live is not None:
            return self.live
        return bool(getattr(self.stream or sys.stdout, "isatty", lambda: False)())

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(file=self.stream or sys.stdout, force_terminal=True)
        self._bar = Progress(
            TextColumn("trials"), BarColumn(), MofNCompleteColumn(),
            TextColumn("errors {task.fields[errors]}  best {task.fields[best]}"),
            TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
            console=console,
        )
        self._task = self._bar.add_task("search", total=self.total, errors=0, best="n/a")
        self._bar.start()

    def _record(self, status: str, value) -> None:
        self.done += 1
        self.errors += status not in (OK, STOPPED)
        # Only trials that ran every split count: a stopped trial's partial mean is no answer.
        if status == OK and isinstance(value, (int, float)) and math.isfinite(value):
            better = value > self.best if self.mode == "max" else value < self.best
            if math.isnan(self.best) or better:
                self.best = value
        if self._is_live():
            if self._bar is None:
                self._start_bar()
            best = "n/a" if math.isnan(self.best) else f"{self.metric} {self.best:+.4f}"
            self._bar.update(self._task, completed=self.done, errors=self.errors, best=best)
            return
        stream = self.stream or sys.stdout
        print(
            f"[{self.done:>4}/{self.total}] errors {self.errors}  "
            f"elapsed {time.monotonic() - self.started:6.1f}s  "
            f"best {self.metric} {self.best:+.4f}",
            file=stream,
            flush=True,
        )

    def on_experiment_end(self, trials, **info) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def on_trial_complete(self, iteration, trials, trial, **info) -> None:
        result = trial.last_result or {}
        status = json.loads(result["row_json"])["status"] if "row_json" in result else STOPPED
        self._record(status, result.get(self.metric))

    def on_trial_error(self, iteration, trials, trial, **info) -> None:
        self._record(FAILED, None)
