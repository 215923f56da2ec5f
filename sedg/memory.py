"""Caching of expensive results (fitted classifiers, diagnostics, embeddings, generators, baselines).

A sampler's ``memory`` parameter plays the role of scikit-learn's and
imbalanced-learn's ``memory=``: ``None`` (no caching), a directory path, a
``joblib.Memory`` (its location is used), or a store with
``get_or_compute(kind, key, compute)``. Stores are *handles*: cloning an
estimator that holds one (``sklearn.clone`` deep-copies parameters) gives the
same store back, so sharing survives ``evaluate``, ``cross_validate`` and
``GridSearchCV``. Keys are ``joblib.hash`` digests of what a value depends on.

:class:`DiskArtifacts` is process- and node-safe: a key is computed by one
process while the others wait on its lock and then read it; every hit and
computation is appended as one JSON line to ``log.jsonl`` (appends of one short
line are atomic), which is how tests and reports count fits per key. Files
rather than a service: nothing extra can die with the driver, a resumed search
refits nothing, and on a cluster the store lives where the results do.
"""

from __future__ import annotations

import json
import os
import pickle
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import joblib
from filelock import FileLock, Timeout
from sklearn.utils._param_validation import HasMethods

from sedg.files import atomic_write

__all__ = [
    "MEMORY_CONSTRAINT",
    "ArtifactStore",
    "DiskArtifacts",
    "MemoryArtifacts",
    "StoreHandle",
    "artifact_counts",
    "cached",
    "check_memory",
    "data_key",
    "estimator_key",
]

#: The file beside a ``DiskArtifacts`` store's artifacts: one JSON line per event.
LOG_NAME = "log.jsonl"


@runtime_checkable
class ArtifactStore(Protocol):
    """What callers need from a store."""

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """Return ``(value, hit)``: the stored value, or ``compute()`` stored now."""
        ...


class StoreHandle:
    """Clones and deep copies of a store are the store itself (it is shared, like a path)."""

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class MemoryArtifacts(StoreHandle):
    """An in-process store; counts hits and computations per kind.

    Examples
    --------
    >>> store = MemoryArtifacts()
    >>> store.get_or_compute("baseline", "k", lambda: 1), store.get_or_compute("baseline", "k", lambda: 2)
    ((1, False), (1, True))
    >>> store.computed["baseline"], store.hits["baseline"]
    (1, 1)
    """

    def __init__(self) -> None:
        self._values: dict[tuple[str, str], Any] = {}
        self.hits: Counter[str] = Counter()
        self.computed: Counter[str] = Counter()
        self.used: list[dict] = []

    def __repr__(self) -> str:
        # An estimator's repr shows its parameters: the same text in every process (test ids).
        return "MemoryArtifacts()"

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        if (kind, key) in self._values:
            self.hits[kind] += 1
            self.used.append({"kind": kind, "key": key, "event": "hit"})
            return self._values[kind, key], True
        value = compute()
        self._values[kind, key] = value
        self.computed[kind] += 1
        self.used.append({"kind": kind, "key": key, "event": "computed"})
        return value, False


class DiskArtifacts(StoreHandle):
    """A process- and node-safe store under ``directory`` (see the module docstring).

    Examples
    --------
    >>> import tempfile
    >>> store = DiskArtifacts(tempfile.mkdtemp(), trial_id="t1")
    >>> store.get_or_compute("baseline", "k", lambda: 41 + 1)
    (42, False)
    >>> DiskArtifacts(store.directory, trial_id="t2").get_or_compute("baseline", "k", lambda: 0)
    (42, True)
    """

    def __init__(self, directory: str | os.PathLike, trial_id: str = "") -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.trial_id = trial_id
        self.used: list[dict] = []

    def _path(self, kind: str, key: str) -> Path:
        return self.directory / kind / f"{joblib.hash(key)[:24]}.pkl"

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        found, value = self.load(kind, key)
        if found:
            self.record(kind, key, "hit")
            return value, True
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        asked = time.perf_counter()
        lock = FileLock(path.with_suffix(".lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:  # another process is computing it: say so (a search's log shows it), wait
            self.record(kind, key, "waiting", keep=False)
            lock.acquire()
        try:
            found, value = self.load(kind, key)
            if found:  # another process computed it while we waited
                self.record(kind, key, "hit", waited=time.perf_counter() - asked)
                return value, True
            started = time.perf_counter()
            value = compute()
            self.save(kind, key, value)
        finally:
            lock.release()
        self.record(kind, key, "computed", time.perf_counter() - started)
        return value, False

    def lock(self, kind: str, key: str) -> FileLock:
        """The lock its computer holds on ``key`` (not bound to a thread: another may release it)."""
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        return FileLock(path.with_suffix(".lock"), thread_local=False)

    def load(self, kind: str, key: str) -> tuple[bool, Any]:
        """``(True, value)`` when ``key`` is stored, else ``(False, None)``; logs nothing."""
        path = self._path(kind, key)
        if not path.exists():
            return False, None
        return True, pickle.loads(path.read_bytes())

    def save(self, kind: str, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` whole or not at all; logs nothing."""
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        atomic_write(path, lambda staging: staging.write_bytes(data))

    def record(self, kind: str, key: str, event: str, seconds: float = 0.0, waited: float = 0.0, *,
               trial_id: str | None = None, keep: bool = True) -> dict:
        """Log one event (``hit``, ``computed``, ``waiting``) to ``log.jsonl``; with ``keep``, in
        :attr:`used` too. ``waited``: seconds blocked while another process computed it."""
        entry = {"kind": kind, "key": key, "event": event,
                 "trial_id": self.trial_id if trial_id is None else trial_id}
        if event != "waiting":
            entry.update(seconds=round(seconds, 4), waited=round(waited, 4))
        if keep:
            self.used.append(entry)
        line = (json.dumps(entry) + "\n").encode()
        fd = os.open(self.directory / LOG_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        return entry


#: The ``_parameter_constraints`` entry of a sampler's ``memory`` parameter.
MEMORY_CONSTRAINT = [None, str, os.PathLike, HasMethods(["get_or_compute"]), HasMethods(["cache"])]


def check_memory(memory) -> ArtifactStore | None:
    """A store from a ``memory`` parameter: None, a path, a ``joblib.Memory``, or a store.

    Examples
    --------
    >>> import tempfile
    >>> type(check_memory(tempfile.mkdtemp())).__name__, check_memory(None)
    ('DiskArtifacts', None)
    """
    if memory is None or isinstance(memory, ArtifactStore):
        return memory
    if isinstance(memory, (str, os.PathLike)):
        return DiskArtifacts(memory)
    location = getattr(memory, "location", None)  # joblib.Memory
    if location is not None:
        return DiskArtifacts(Path(location) / "sedg")
    raise ValueError(f"memory must be None, a path, a joblib.Memory or a store, got {memory!r}")


def cached(memory, kind: str, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` through ``memory`` when there is one."""
    store = check_memory(memory)
    if store is None:
        return compute()
    value, _ = store.get_or_compute(kind, key, compute)
    return value


def data_key(X, y) -> str:
    """A content hash of the training rows: equal data, equal artifacts."""
    return joblib.hash((X, y))[:16]


def estimator_key(estimator) -> str:
    """A stable digest of an unfitted estimator and all its parameters."""
    if estimator is None:
        return "none"
    return f"{type(estimator).__name__}:{joblib.hash(estimator)[:12]}"


def artifact_counts(directory: str | os.PathLike) -> dict[str, Counter]:
    """Per kind, how often each event happened: ``{"baseline": Counter(computed=2, hit=38)}``."""
    path = Path(directory) / LOG_NAME
    counts: dict[str, Counter] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            entry = json.loads(line)
            counts.setdefault(entry["kind"], Counter())[entry["event"]] += 1
    return counts
