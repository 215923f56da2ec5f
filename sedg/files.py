"""Files written whole or not at all: staged under a hidden name, flushed, renamed into place."""

from __future__ import annotations

import os
import stat
import uuid
from collections.abc import Callable
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_text"]


def atomic_write(path: str | os.PathLike, write: Callable[[Path], object]) -> Path:
    """Have ``write(staging)`` write a file, then move it to ``path`` in one step.

    Readers see the old file or the whole new one, never a part: the staging
    name is hidden (pyarrow and globs skip it), unique to this writer (two
    processes never share one), flushed to disk before the rename, and the
    folder's entry is flushed after it. A file replaced keeps its mode. A
    ``write`` that raises leaves no staging file behind.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> target = Path(tempfile.mkdtemp()) / "note.txt"
    >>> _ = atomic_write(target, lambda staging: staging.write_text("whole"))
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('whole', ['note.txt'])
    """
    path = Path(path)
    staging = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(staging)
        with open(staging, "rb") as handle:
            os.fsync(handle.fileno())
        if path.is_file():  # a file replaced keeps its mode (a private model stays private)
            os.chmod(staging, stat.S_IMODE(path.stat().st_mode))
        os.replace(staging, path)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda staging: staging.write_text(text))
