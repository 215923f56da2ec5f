"""One driver per experiment: a lock file naming its holder, stale ones taken over."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sedg import SedgInputError

__all__ = ["LOCK_FILE", "experiment_lock"]

LOCK_FILE = "driver.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _holder(path: Path) -> dict | None:
    try:
        values = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # being written, or unreadable: treated as held by an unknown driver
    return values if isinstance(values, dict) else None


@contextmanager
def experiment_lock(experiment_dir: Path) -> Iterator[None]:
    """Hold ``experiment_dir/driver.lock`` while a driver runs or resumes the experiment.

    A second driver gets :class:`SedgInputError` naming the holder (pid, host,
    since when). A lock left by a driver that died on this host (its pid is gone)
    is stale and taken over; one from another host is never guessed at.
    """
    experiment_dir.mkdir(parents=True, exist_ok=True)
    path = experiment_dir / LOCK_FILE
    me = {"pid": os.getpid(), "host": socket.gethostname(),
          "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    for _ in range(2):
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(path)
            stale = (holder is not None and holder.get("host") == me["host"]
                     and isinstance(holder.get("pid"), int) and not _alive(holder["pid"]))
            if stale:
                path.unlink(missing_ok=True)
                continue
            who = (f"pid {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"
                   if holder else "another driver")
            raise SedgInputError(
                f"experiment {experiment_dir.name!r} is being run by {who}; wait for it, or "
                f"remove {path} if that driver is gone") from None
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps(me))
        break
    else:
        raise SedgInputError(f"could not take {path}: another driver keeps taking it")
    try:
        yield
    finally:
        if (_holder(path) or {}).get("pid") == me["pid"]:
            path.unlink(missing_ok=True)
