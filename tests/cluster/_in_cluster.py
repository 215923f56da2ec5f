"""What tests/cluster/test_no_shared_disk.py asks of its cluster, in a driver process of its own
(the test's process may be joined to the suite's shared Ray instance). Prints one JSON line.

``python -m tests.cluster._in_cluster nodes ADDRESS``: the alive nodes and the driver's node.
``python -m tests.cluster._in_cluster keeper ADDRESS STORAGE``: one key asked on each worker node
through the keeper, and one computed through the folder on the driver's node while a worker asks.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import ray


def nodes() -> dict:
    return {"alive": sum(node["Alive"] for node in ray.nodes()),
            "driver_node": ray.get_runtime_context().get_node_id()}


@ray.remote(num_cpus=1)
def _ask(name: str, holder: str, key: str):
    from search.tune.artifacts import RayArtifacts

    store = RayArtifacts(name, trial_id=holder)
    value, hit = store.get_or_compute("embedding", key, lambda: {"made on": holder})
    return value, hit, ray.get_runtime_context().get_node_id()


@ray.remote(num_cpus=1, max_retries=0)
def _die_computing(name: str, key: str) -> None:
    import os

    from search.tune.artifacts import RayArtifacts

    RayArtifacts(name, trial_id="dies").get_or_compute("embedding", key, lambda: os._exit(1))


def keeper(storage: str) -> dict:
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    from search.settings import SearchSettings
    from search.tune.artifacts import keeper_name, kept_artifacts
    from sedg import DiskArtifacts

    settings = SearchSettings(storage_path=storage, name="keeper")
    here = ray.get_runtime_context().get_node_id()
    workers = [node["NodeID"] for node in ray.nodes() if node["Alive"] and node["NodeID"] != here]
    pinned = [NodeAffinitySchedulingStrategy(node, soft=False) for node in workers]
    on = [_ask.options(scheduling_strategy=strategy) for strategy in pinned]
    with kept_artifacts(settings):
        name = keeper_name(settings.experiment_dir)
        first = ray.get(on[0].remote(name, "a", "k1"))
        second = ray.get(on[1].remote(name, "b", "k1"))
        local = DiskArtifacts(settings.artifacts_dir, trial_id="here")
        slow = threading.Thread(target=local.get_or_compute,
                                args=("embedding", "k2", lambda: time.sleep(3) or "made here"))
        slow.start()
        time.sleep(0.5)
        third = ray.get(on[1].remote(name, "c", "k2"))
        slow.join()
        # A remote claimant whose process dies mid-computation: its lease expires and a trial
        # on the driver's node, waiting on the file lock, computes the key itself.
        try:
            ray.get(_die_computing.options(scheduling_strategy=pinned[0]).remote(name, "k3"))
        except ray.exceptions.RayError:
            pass
        started = time.monotonic()
        fourth = list(local.get_or_compute("embedding", "k3", lambda: "after the lease"))
        fourth.append(time.monotonic() - started)
    return {"workers": workers, "first": first, "second": second, "third": third, "fourth": fourth,
            "artifacts": str(settings.artifacts_dir)}


if __name__ == "__main__":
    command, address, *rest = sys.argv[1:]
    ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    try:
        print(json.dumps(nodes() if command == "nodes" else keeper(*rest), default=list))
    finally:
        ray.shutdown()
