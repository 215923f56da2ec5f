"""How many threads a fit may use, and holding torch, BLAS and OpenMP to it while it runs.

Torch, BLAS and OpenMP each start one thread per core of the machine by default. A
sampler in a Pipeline, a trial beside other trials, or a process in a container with
fewer cores than the machine then oversubscribes its cores: a small network's step runs
many times slower with two busy threads than with one. Every fit here goes through
:func:`limited_threads`, so it uses the CPUs the process may use (its affinity, or the
share Ray assigned to the worker), or fewer when asked, never more, and puts the previous
settings back afterwards.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import threadpool_limits

__all__ = ["available_cpus", "limited_threads", "resolve_n_jobs"]

#: The limit of the innermost :func:`limited_threads` block; an ``n_jobs=None`` inside it
#: means this, so a network fitted within a sampler's limit does not widen it.
_CURRENT = contextvars.ContextVar("sedg_thread_limit", default=None)


def available_cpus() -> int:
    """CPUs this process may run on: its CPU affinity, and within a Ray task its CPU share."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    ray = sys.modules.get("ray")  # only when the caller runs under Ray; sedg never imports it
    if ray is not None and ray.is_initialized():
        try:
            share = ray.get_runtime_context().get_assigned_resources().get("CPU")
        except Exception:  # the driver, or an older Ray: no assignment to read
            share = None
        if share:
            cpus = min(cpus, max(1, int(share)))
    return max(1, cpus)


def resolve_n_jobs(n_jobs: int | None = None) -> int:
    """Threads for ``n_jobs``: ``None`` is every available CPU; a negative value counts back
    from them (scikit-learn's ``-1`` is all of them); never more than are available, and
    within a :func:`limited_threads` block never more than its limit.

    Examples
    --------
    >>> resolve_n_jobs(1)
    1
    >>> resolve_n_jobs(-1) == resolve_n_jobs(None) == available_cpus()
    True
    """
    current = _CURRENT.get()
    available = available_cpus() if current is None else min(current, available_cpus())
    if n_jobs is None:
        return available
    if n_jobs < 0:
        return max(1, available + 1 + int(n_jobs))
    return max(1, min(int(n_jobs), available))


@contextmanager
def limited_threads(n_jobs: int | None = None) -> Iterator[int]:
    """Hold torch's, BLAS's and OpenMP's thread pools to ``resolve_n_jobs(n_jobs)`` threads.

    Yields the number of threads; on leaving, every pool gets its previous size back.

    Examples
    --------
    >>> with limited_threads(1) as threads:
    ...     threads
    1
    """
    threads = resolve_n_jobs(n_jobs)
    torch = sys.modules.get("torch")  # a library that never imported torch has no pool to set
    previous = torch.get_num_threads() if torch is not None else None
    token = _CURRENT.set(threads)
    try:
        with threadpool_limits(limits=threads):
            if torch is not None and previous != threads:
                torch.set_num_threads(threads)
            yield threads
    finally:
        _CURRENT.reset(token)
        if torch is not None and torch.get_num_threads() != previous:
            torch.set_num_threads(previous)
