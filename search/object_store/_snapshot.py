"""Whole versions of a working copy's files, for a push to upload.

The store's own files are written whole (atomically, by a rename), so a file read while its
size and time stay the same is a version of it. Ray Tune writes its state in place, at every
step of its loop (about ten times a second, with ``TUNE_GLOBAL_CHECKPOINT_S=0``): it copies
``experiment_state-*.json``, ``search_gen_state-*.json`` and ``searcher-state-*.pkl`` from
its staging folder into its folder with :func:`pyarrow.fs.copy_files`, which truncates each
file and writes it again, the files of one save in parallel. An upload caught in between is an
empty or cut file, or a state of the trials with a searcher of another moment: a resume then
finds no state and starts the search over, or meets a trial its searcher never proposed. So:

- a file of Tune's is taken only when it parses: a pickle whose opcodes
  :func:`pickletools.genops` reads (without running any) up to its STOP, or JSON; a file that
  parses as neither only once it has not been written for :data:`SETTLED_S` seconds;
- the files at the top of Tune's folder go up together or not at all: all whole, none written
  while they were read, and written within :data:`SAVE_SPREAD_S` of each other (one save).
"""

from __future__ import annotations

import json
import os
import pickletools
import time
from pathlib import Path

from search._defaults import TUNE_DIR, TUNER_FILE

__all__ = ["is_tune_state", "stamp_of", "tune_state_versions", "version"]

#: Seconds a file of Tune's that does not parse (not JSON, not a pickle) stays unwritten before
#: it is taken as whole: one last written earlier, the same after it was read, was not written
#: while it was read (a write then would give it a later time).
SETTLED_S = 0.25
#: Seconds within which the files of one save of Tune's are written (milliseconds, measured: the
#: three files of a save share their time, saves come about 0.1 s apart).
SAVE_SPREAD_S = 0.05
#: The first byte of a pickle of protocol 2 or later (its PROTO opcode).
PICKLE_PROTOCOL = b"\x80"


def is_tune_state(relative: str) -> bool:
    """Whether ``relative`` (a path in the experiment's folder) is one of the files Tune writes at
    each save: those at the top of its folder but :data:`~search._defaults.TUNER_FILE` (written once)."""
    parts = relative.split("/")
    return len(parts) == 2 and parts[0] == TUNE_DIR and parts[1] != TUNER_FILE


def version(local: Path, relative: str, *, final: bool) -> tuple[bytes, os.stat_result] | None:
    """``(content, stat)`` of a file that can be uploaded now; None: it is being written and the
    next push takes it. ``final``: nothing writes any more."""
    read = _read(local)
    if read is None:
        return None
    data, stat = read
    settled = final or _age(stat) >= SETTLED_S
    if relative.split("/", 1)[0] == TUNE_DIR and not _whole(data, settled=settled):
        return None
    return read


def tune_state_versions(folder: Path, relatives: list[str], *,
                        final: bool) -> dict[str, tuple[bytes, os.stat_result]]:
    """``{relative: (content, stat)}`` for Tune's state files ``relatives`` (those changed since
    their upload), all of one save, or ``{}`` when they are not (see the module's docstring).
    ``final``: Tune is done, so what its folder holds is what a resume there would read; their
    times are not compared."""
    read = {relative: _read(folder / relative) for relative in relatives}
    if any(value is None or not _whole(value[0], settled=False) for value in read.values()):
        return {}
    if any(stamp_of(folder / relative) != _stamp(stat) for relative, (_, stat) in read.items()):
        return {}  # one was written after it was read: a save went on meanwhile
    times = [stat.st_mtime_ns for _, stat in read.values()]
    if not final and times and (max(times) - min(times)) > SAVE_SPREAD_S * 1e9:
        return {}  # files of two saves
    return read


def _read(local: Path) -> tuple[bytes, os.stat_result] | None:
    try:
        stat = local.stat()
        data = local.read_bytes()
        after = local.stat()
    except FileNotFoundError:
        return None
    if _stamp(after) != _stamp(stat) or len(data) != stat.st_size:
        return None
    return data, stat


def stamp_of(local: Path) -> tuple[int, int] | None:
    """``(size, time)`` of a file, what tells one version of it from the next; None: it is gone."""
    try:
        return _stamp(local.stat())
    except FileNotFoundError:
        return None


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def _age(stat: os.stat_result) -> float:
    return (time.time_ns() - stat.st_mtime_ns) / 1e9


def _whole(data: bytes, *, settled: bool) -> bool:
    """Whether ``data`` is a whole version of its file: it parses as a pickle (what Tune's ``.pkl``
    files and its ``search_gen_state-*.json`` hold) or as JSON, or, parsing as neither, it had
    ``settled``."""
    try:
        if data[:1] == PICKLE_PROTOCOL:
            return any(opcode.name == "STOP" for opcode, _, _ in pickletools.genops(data))
        json.loads(data)
        return True
    except ValueError:  # cut short, or of another kind
        return settled
