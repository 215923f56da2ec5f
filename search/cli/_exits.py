"""How a command ends other than well: one line each, and the exit code a script can read
(2 for bad input or a full disk, 130 and 143 for SIGINT and SIGTERM)."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from search.tune.interrupt import Interrupted
from sedg import SedgInputError

__all__ = ["one_line_store_warnings", "refuse_repeated_options", "report_disk_error", "report_interrupt"]


def report_disk_error(error: OSError, args) -> int:
    """A full (or read-only) disk: one line, exit 2. Every file is written whole or not at all,
    so what was written is kept and ``resume`` continues from it."""
    return _stopped(f"{error.strerror.lower()} writing {error.filename or 'a file'}",
                    "free space, then continue with", args)


def report_store_error(error: OSError, args) -> int:
    """An object store that failed mid-command: one line, exit 2. What reached it is whole (an
    object PUT is atomic), what did not is in the working copy, and ``resume`` sends it."""
    return _stopped(str(error), "once the store answers, continue with", args)


def _stopped(what: str, then: str, args) -> int:
    """The line of a command stopped by where it writes, with the ``resume`` that goes on."""
    line = f"sedg-search: error: {what}"
    experiment = _experiment(args)
    if experiment is not None:
        name, storage = experiment
        line += f"; what was written is kept: {then}: sedg-search resume {name} --storage-path {storage}"
    print(line, file=sys.stderr, flush=True)
    _shut_ray_down()
    return 2


def _experiment(args) -> tuple[str, str] | None:
    """``(name, storage path)`` of the experiment a ``run`` or ``resume`` works on, if known."""
    if args is None:
        return None
    if args.command == "resume":
        return args.name, args.storage_path
    return getattr(args, "experiment", None)  # run: set once its settings are made


def _shut_ray_down() -> None:
    ray = sys.modules.get("ray")
    try:
        if ray is not None and ray.is_initialized():
            ray.shutdown()
    except Interrupted:  # a second signal: leave now
        pass


#: Warnings written for the user of the command line, shown as one line each.
ONE_LINE_WARNINGS = ("DamagedStoreWarning", "SedgDataWarning")


@contextmanager
def one_line_store_warnings() -> Iterator[None]:
    """Within, a damaged file the store left out, or a column read as it may not be meant, is one
    line naming it, not Python's two; the process's warning machinery is as it was afterwards
    (a caller's own hook included)."""
    import warnings

    with warnings.catch_warnings():  # saves and restores showwarning and the filters
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if category.__name__ in ONE_LINE_WARNINGS:
                print(f"sedg-search: warning: {message}", file=sys.stderr)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def refuse_repeated_options(argv: Sequence[str]) -> None:
    """An option given twice would keep its last value without a word (``--metric a --metric
    b``); only ``--plugin`` is repeatable."""
    flags = []
    for token in argv:
        if token == "--":  # what follows belongs to another command (cluster submit)
            break
        if token.startswith("--"):
            flags.append(token.split("=", 1)[0])
    repeated = sorted({flag for flag in flags if flags.count(flag) > 1} - {"--plugin"})
    if repeated:
        several = {"--metric": " (several metrics go after one flag: --metric delta_qwk delta_mcc)",
                   "--mode": " (one mode per metric, after one flag: --mode max min)"}
        raise SedgInputError(f"{repeated[0]} is given more than once; give it once"
                             + several.get(repeated[0], ""))


def report_interrupt(interrupted: Interrupted, args) -> int:
    """One line (what the signal left, and how to go on), then Ray shut down."""
    experiment = _experiment(args)
    line = f"sedg-search: interrupted ({interrupted})"
    if experiment is not None:
        name, storage = experiment
        from pathlib import Path

        from search.experiment import Experiment

        if Experiment(Path(storage) / name).has_settings():
            line += (f": experiment {name} is incomplete; continue it with: sedg-search resume {name} "
                     f"--storage-path {storage}")
        else:
            line += " before the search started; nothing was written"
    print(line, file=sys.stderr, flush=True)
    _shut_ray_down()
    return interrupted.exit_code
