"""Ctrl-C and SIGTERM on the command line: a search stops the way Ray Tune stops one (the
running step ends, the experiment state is saved, rows and lock stay intact), and the command
says so and exits 128 + the signal (130, 143), so a script can tell a partial search from a
finished one.

Ray Tune catches SIGINT itself and returns from ``fit`` as if the search had ended, and
``ray.init`` replaces SIGTERM's handler with ``sys.exit(15)``. An exception raised by a handler
inside Ray's compiled code can crash the process, so once Ray starts a signal is *deferred*: it
is answered at once with a line on stderr, handed to Tune's own stop while Tune runs (its SIGUSR1
handler), and raised as :class:`Interrupted` at the next safe point (:func:`check`, the end of
:func:`deferred`). Before Ray, it raises at once. A second signal leaves at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sedg.environment import environment_for

__all__ = ["Interrupted", "check", "deferred", "handling_signals", "keeping_sigterm", "stop_for"]

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: Set while the command line handles the signals, and put back after it: ours hands SIGINT to
#: Tune's stop instead of Tune's own handler; Ray's C++ failure handler answers SIGTERM with a
#: stack dump and an abort 3 s later (exit 134) unless the process is gone by then (it is read
#: when ray is imported, so a value the user set is kept).
SIGNAL_ENVIRONMENT = {"TUNE_DISABLE_SIGINT_HANDLER": "1", "RAY_DISABLE_FAILURE_SIGNAL_HANDLER": "1"}
#: ``mode``: "raise" (no Ray yet), "defer" (Ray running), "tune" (Ray Tune's loop running).
_state: dict = {"installed": False, "mode": "raise", "received": None, "error": None}


class Interrupted(BaseException):
    """A signal ended the command; ``exit_code`` is 128 + its number, as a shell reports it.

    A ``BaseException``, like ``KeyboardInterrupt``: no ``except Exception`` may swallow it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _handler(signum: int, frame) -> None:
    name = signal.Signals(signum).name
    if _state["received"] is not None:
        print(f"sedg-search: {name} again: leaving now (resume continues from the saved state)",
              file=sys.stderr, flush=True)
        os._exit(128 + signum)
    _state["received"] = signum
    if _state["mode"] == "raise":
        raise Interrupted(signum)
    print(f"sedg-search: {name} received: stopping once the running step ends (send it again to "
          "leave at once)", file=sys.stderr, flush=True)
    from cluster.ray_internals import tune_stop_handler

    tune_stop = tune_stop_handler()
    if _state["mode"] == "tune" and tune_stop is not None:
        tune_stop(signum, frame)  # Tune ends its loop after this step and saves its state


@contextmanager
def handling_signals() -> Iterator[None]:
    """Take SIGINT and SIGTERM for the block (a command line run in the main thread), and give
    them back after it (a test that calls the command line in-process keeps its own)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.getsignal(number) for number in _SIGNALS}
    for number in _SIGNALS:
        signal.signal(number, _handler)
    _state.update(installed=True, mode="raise", received=None, error=None)
    try:
        with environment_for(SIGNAL_ENVIRONMENT, replace=("TUNE_DISABLE_SIGINT_HANDLER",)):
            yield
    finally:
        _state.update(installed=False, mode="raise", received=None, error=None)
        for number, handler in previous.items():
            signal.signal(number, handler)


def check() -> None:
    """A safe point: raise what stopped the search (:func:`stop_for`), or :class:`Interrupted`
    if a deferred signal came."""
    if _state["error"] is not None:
        raise _state["error"]
    if _state["received"] is not None:
        raise Interrupted(_state["received"])


def stop_for(error: BaseException) -> bool:
    """Stop Ray Tune's loop as a signal does, and raise ``error`` once it has ended (a full disk
    in a driver callback: Tune would wrap it in its own error and log its traceback). False when
    Tune is not running under the command line: the caller raises it itself."""
    from cluster.ray_internals import tune_stop_handler

    tune_stop = tune_stop_handler()
    if not (_state["installed"] and _state["mode"] == "tune" and tune_stop is not None):
        return False
    if _state["error"] is None:
        _state["error"] = error
        tune_stop(signal.SIGUSR1, None)
    return True


@contextmanager
def deferred(mode: str = "defer") -> Iterator[None]:
    """Within, a signal is deferred (``mode="tune"``: and handed to Ray Tune's stop); at the end
    of the block it is raised."""
    if not _state["installed"]:
        yield
        return
    previous, _state["mode"] = _state["mode"], mode
    try:
        yield
    finally:
        _state["mode"] = previous
    check()


@contextmanager
def keeping_sigterm() -> Iterator[None]:
    """Around ``ray.init`` (``ray`` imported): it may not replace our SIGTERM handler with its
    ``sys.exit(15)``, which would raise inside its own start-up."""
    if not _state["installed"]:
        yield
        return
    from cluster.ray_internals import no_sigterm_handler

    with no_sigterm_handler():
        yield
