"""Expensive results computed once per key and shared: baselines now, embeddings later.

The protocol asks an :class:`ArtifactStore` for ``(kind, key)`` and hands it
a function that computes the value on a miss. :class:`MemoryArtifacts` keeps
values in this process; the search layer supplies a store that every trial
process of a search shares. Each store counts hits and computations per kind,
so a test can assert that a baseline was fitted once per key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

__all__ = ["ArtifactStore", "MemoryArtifacts"]


class ArtifactStore(Protocol):
    """What the protocol needs from an artifact store."""

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        """Return ``(value, hit)``: the stored value, or ``compute()`` stored now."""
        ...


class MemoryArtifacts:
    """An in-process artifact store.

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

    def get_or_compute(self, kind: str, key: str, compute: Callable[[], Any]) -> tuple[Any, bool]:
        if (kind, key) in self._values:
            self.hits[kind] += 1
            return self._values[kind, key], True
        value = compute()
        self._values[kind, key] = value
        self.computed[kind] += 1
        return value, False
