"""Artifacts shared by every trial of a search: an on-disk cache in the experiment directory.

Why on disk rather than a Ray actor or the object store: trials run in
separate worker processes (on a cluster, on other nodes); a file cache with a
lock per key needs no extra process that could become a bottleneck or die
with the driver, it survives a driver restart (a resumed search refits
nothing), and on a cluster it is shared through the same storage that holds
the results. Values are pickled; a key is computed by exactly one process
while the others wait on its lock and then read it.

Every hit and computation is appended as one JSON line to ``log.jsonl``
(appends of one short line are atomic), which is how tests and reports count
baseline fits per key.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["DiskArtifacts", "artifact_counts"]


class DiskArtifacts:
    """A process- and node-safe artifact store under ``directory``.

    Examples
    --------
    >>> import tempfile
    >>> store = DiskArtifacts(tempfile.mkdtemp(), trial_id="t1")
    >>> store.get_or_compute("baseline", "k", lambda: 41 + 1)
    (42, False)
    >>> DiskArtifacts(store.directory, trial_id="t2").get_or_compute("baseline", "k", lambda: 0)
    (42, True)
    """

    def __init__(self, directory: str | Path, trial_id: str = "") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.trial_id = trial_id
        self.used: list[dict] = []

    def _path(self, kind: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        return self.directory / kind / f"{digest}.pkl"

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        path = self._path(kind, key)
        if path.exists():
            return self._hit(kind, key, path), True
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.exists():  # another process computed it while we waited
                return self._hit(kind, key, path), True
            started = time.perf_counter()
            value = compute()
            staging = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            staging.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(staging, path)
        self._log(kind, key, "computed", time.perf_counter() - started)
        return value, False

    def _hit(self, kind: str, key: str, path: Path) -> Any:
        value = pickle.loads(path.read_bytes())
        self._log(kind, key, "hit", 0.0)
        return value

    def _log(self, kind: str, key: str, event: str, seconds: float) -> None:
        entry = {"kind": kind, "key": key, "event": event, "trial_id": self.trial_id,
                 "seconds": round(seconds, 4)}
        self.used.append(entry)
        line = (json.dumps(entry) + "\n").encode()
        fd = os.open(self.directory / "log.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)


def artifact_counts(directory: str | Path) -> dict[str, Counter]:
    """Per kind, how often each event happened: ``{"baseline": Counter(computed=2, hit=38)}``."""
    path = Path(directory) / "log.jsonl"
    counts: dict[str, Counter] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            counts.setdefault(entry["kind"], Counter())[entry["event"]] += 1
    return counts
