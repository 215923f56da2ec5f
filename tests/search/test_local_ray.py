"""The Ray instance a command starts for itself declares the CPUs its process may run on (the
README main command's test checks the instance it starts)."""

from __future__ import annotations

import os

import pytest


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity here")
def test_the_cpus_a_process_is_kept_to_are_counted_and_all_of_them_are_left_to_ray():
    from search.tune._ray import pinned_cpus

    allowed = os.sched_getaffinity(0)
    # Every CPU: Ray counts them (container quotas included); a pytest-xdist worker's share: that.
    assert pinned_cpus() == (None if len(allowed) == os.cpu_count() else len(allowed))
    try:
        os.sched_setaffinity(0, {min(allowed)})  # as `taskset -c N`
        assert pinned_cpus() == (1 if os.cpu_count() > 1 else None)
    finally:
        os.sched_setaffinity(0, allowed)
