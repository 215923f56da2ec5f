"""One driver per experiment: an operating-system lock on ``driver.lock``, its holder named.

The lock is ``filelock``'s (``flock``): the kernel releases it when the driver's process
ends, however it ends, so a dead driver never blocks a resume and nothing guesses from
process ids. ``driver.json`` names the holder for the message a second driver gets.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from sedg import SedgInputError
from sedg.files import atomic_write_text

__all__ = ["HOLDER_FILE", "LOCK_FILE", "experiment_lock"]

LOCK_FILE, HOLDER_FILE = "driver.lock", "driver.json"


def _holder(path: Path) -> str:
    try:
        values = json.loads(path.read_text())
        return f"pid {values['pid']} on {values['host']} since {values['since']}"
    except (OSError, ValueError, TypeError, KeyError):
        return "another driver"  # being written, or gone with its driver a moment ago


@contextmanager
def experiment_lock(experiment_dir: Path) -> Iterator[None]:
    """Hold the experiment's lock while a driver runs or resumes it.

    A second driver gets :class:`SedgInputError` naming the holder (pid, host,
    since when) at once, without waiting.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> with experiment_lock(folder):
    ...     (folder / HOLDER_FILE).exists()
    True
    >>> (folder / HOLDER_FILE).exists()
    False
    """
    experiment_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(experiment_dir / LOCK_FILE, timeout=0)
    holder = experiment_dir / HOLDER_FILE
    try:
        lock.acquire()
    except Timeout:
        raise SedgInputError(
            f"experiment {experiment_dir.name!r} is being run by {_holder(holder)}; wait for it "
            "to finish (its lock goes with its process)") from None
    try:
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        atomic_write_text(holder, json.dumps(me))
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()
