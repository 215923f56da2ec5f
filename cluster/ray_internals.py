"""Every use of Ray's private internals in sedg-search, in one place, each with what it works
around and what would replace it; ``tests/cluster/test_ray_internals.py`` fails when Ray changes
one of them (checked against Ray 2.60).

1. :func:`no_sigterm_handler` — ``ray.init`` replaces SIGTERM's handler with ``sys.exit(15)``
   (``ray._private.utils.set_sigterm_handler``), which would raise inside its own start-up when
   the command line defers signals; Ray offers no switch for it.
2. :func:`reread_configuration` — Ray reads ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER`` and its token
   settings when it is imported (``ray._private.ray_constants``, ``ray._raylet.Config``); a
   process that imported Ray before learning a cluster's token re-reads them.
3. :data:`PROBES` — one cheap gRPC call that only the endpoint a driver joins knows (the GCS's
   ``GetClusterId``, the Ray Client server's ``ClusterInfo``): Ray has no public "is this a Ray
   cluster" check, and ``ray.init`` on a wrong address retries for minutes.
4. :func:`raylet_pid` — the process of a node started by ``ray.cluster_utils.Cluster``, which
   ``cluster up`` records so a node can be stopped on its own.
5. :func:`tune_stop_handler` — Ray Tune stops a run gracefully and saves its state on SIGUSR1
   (``ray.tune.tune._setup_signal_catching`` registers it; its documented form, SIGINT, is the
   user's key, which the command line answers itself).
6. :func:`tune_result_files` — the reports of each trial in Tune's ``result.json`` (one JSON object
   a line), read when Tune's own reader gives up on a file cut short by a killed driver.
7. :func:`optuna_trial`, :func:`forget_optuna_trial`, :func:`optuna_study` — the Optuna trial that
   Ray Tune's ``OptunaSearch`` asked for a Tune trial (its ``_ot_trials``) and its study
   (``_ot_study``): Ray has no accessor. The store's trial id is set on the trial so a study's
   trial leads to its row, and a proposal that repeats a configuration is answered from what
   is known and forgotten, so the Tune trial gets a new one.
8. :func:`start_worker_node` — a worker node joining a loopback cluster from a process of its
   own, as ``ray.cluster_utils.Cluster.add_node`` starts one (``ray._private.node.Node``):
   ``ray start --address`` refuses to start a worker node while
   ``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` keeps Ray on 127.0.0.1, and with it ``1`` binds the
   machine's outside address. The tests start nodes in their own mount namespaces with it.
9. :func:`no_callback_usage_tag` — ``Tuner.fit`` counts a run's callbacks for Ray's usage
   statistics (``ray.air._internal.usage.tag_callbacks``) by importing its MLflow, W&B, Comet
   and Aim integrations, and so ``mlflow`` and ``wandb`` where they are installed: 2 to 3 s of
   a core in every search's driver here (Ray 2.60), for a count whose only entry would be
   "CustomCallback". Ray has no switch for it (``--disable-usage-stats`` leaves it in place).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["PROBES", "forget_optuna_trial", "no_callback_usage_tag", "no_sigterm_handler", "optuna_study",
           "optuna_trial", "raylet_pid", "reread_configuration", "start_worker_node",
           "tune_result_files", "tune_stop_handler"]

#: The gRPC method a driver's endpoint answers, per kind of address, and its name in words.
PROBES = {
    "gcs": ("/ray.rpc.NodeInfoGcsService/GetClusterId", "a Ray GCS"),
    "client": ("/ray.rpc.RayletDriver/ClusterInfo", "a Ray Client server"),
}


@contextmanager
def no_sigterm_handler() -> Iterator[None]:
    """Around ``ray.init`` (``ray`` imported): Ray may not install its SIGTERM handler."""
    import ray._private.utils as ray_utils

    installer = ray_utils.set_sigterm_handler
    ray_utils.set_sigterm_handler = lambda handler: None
    try:
        yield
    finally:
        ray_utils.set_sigterm_handler = installer


@contextmanager
def no_callback_usage_tag() -> Iterator[None]:
    """Around ``Tuner.fit``: Ray Tune does not count the run's callbacks for its usage statistics
    (which imports every tracking library installed)."""
    from ray.air._internal import usage

    tagger = usage.tag_callbacks
    usage.tag_callbacks = lambda callbacks: False
    try:
        yield
    finally:
        usage.tag_callbacks = tagger


def reread_configuration() -> None:
    """Make an imported Ray see the environment as it is now (loopback mode, token)."""
    if "ray" not in sys.modules:
        return  # it reads the environment when it is imported
    from ray._private import ray_constants
    from ray._raylet import Config

    ray_constants.ENABLE_RAY_CLUSTER = os.environ.get("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER") != "0"
    Config.initialize("")


def raylet_pid(node) -> int:
    """The raylet process of a ``ray.cluster_utils.Cluster`` node."""
    from ray._private import ray_constants

    return node.all_processes[ray_constants.PROCESS_TYPE_RAYLET][0].process.pid


def tune_stop_handler():
    """The handler Ray Tune registered for SIGUSR1 while a run goes on (None outside a run)."""
    handler = signal.getsignal(signal.SIGUSR1)
    return handler if callable(handler) else None


def tune_result_files(experiment_dir: Path) -> list[dict]:
    """Every report in the experiment's per-trial ``result.json`` files; a line cut short is left
    out."""
    reports = []
    for path in Path(experiment_dir).glob("*/result.json"):
        for line in path.read_text(errors="replace").splitlines():
            try:
                reports.append(json.loads(line))
            except ValueError:
                continue
    return reports


def optuna_trial(searcher, trial_id: str):
    """The ``optuna.Trial`` a Ray Tune ``OptunaSearch`` asked for Tune trial ``trial_id``."""
    return searcher._ot_trials[trial_id]


def forget_optuna_trial(searcher, trial_id: str):
    """Take Tune trial ``trial_id``'s Optuna trial from the searcher (its next ``suggest`` for the
    Tune trial asks the study for a new one); returns it."""
    return searcher._ot_trials.pop(trial_id)


def optuna_study(searcher):
    """The ``optuna.Study`` a Ray Tune ``OptunaSearch`` asks and tells."""
    return searcher._ot_study


def start_worker_node(gcs_address: str, *, num_cpus: float, num_gpus: float = 0,
                      object_store_memory: int, host: str = "127.0.0.1"):
    """A worker node of the cluster at ``gcs_address``, its processes children of this one
    (stopped with :meth:`kill_all_processes`, or when this process ends)."""
    import ray._private.node
    import ray._private.parameter

    params = ray._private.parameter.RayParams(
        gcs_address=gcs_address, num_cpus=num_cpus, num_gpus=num_gpus, node_ip_address=host,
        object_store_memory=object_store_memory, min_worker_port=0, max_worker_port=0,
        node_manager_port=0, dashboard_agent_listen_port=None)
    return ray._private.node.Node(params, head=False, shutdown_at_exit=True, spawn_reaper=True)
