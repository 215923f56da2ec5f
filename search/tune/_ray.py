"""Starting or joining Ray for a command, and the settings Ray Tune reads while it runs."""

from __future__ import annotations

import importlib
import os
import threading

from search.settings import SearchSettings
from search.tune.interrupt import keeping_sigterm
from sedg.environment import environment_for

__all__ = ["DRIVER_MODULES", "TUNE_ENVIRONMENT", "import_in_background", "init_ray", "pinned_cpus",
           "tune_environment"]

#: What Ray Tune reads from the environment while a search runs, set by the command for its
#: duration and put back after it: its console tables and automatic loggers are noise for our
#: users, and its state is saved at every step (not every >= 10 s), so a driver killed right
#: after a trial finished does not forget it and a resume runs no replacement trial.
TUNE_ENVIRONMENT = {
    "RAY_AIR_NEW_OUTPUT": "0",
    "TUNE_DISABLE_AUTO_CALLBACK_LOGGERS": "1",
    "TUNE_GLOBAL_CHECKPOINT_S": "0",
}
#: The driver's own heavy imports, done while ``ray.init`` waits on its processes.
DRIVER_MODULES = ("ray.tune", "search.tune.searcher", "search.tune.trainable", "search.tune.callbacks",
                  "search.tune.racing")


def tune_environment():
    """:data:`TUNE_ENVIRONMENT` for the block (a value the user set is kept), then as it was."""
    return environment_for(TUNE_ENVIRONMENT)


def pinned_cpus() -> int | None:
    """The CPUs this process may run on when that is fewer than the machine's (``taskset``, a
    container's cpuset), else None (Ray's own count, container quotas included).

    Ray counts the machine's CPUs whatever the process's affinity: a search kept to one of them
    ran two trials and two confirmation tasks at a time there, each in a process of its own.
    """
    from sedg.threads import available_cpus  # the driver's affinity (Ray does not run yet)

    allowed = available_cpus()
    return allowed if allowed < (os.cpu_count() or allowed) else None


def init_ray(settings: SearchSettings, num_cpus: int | None) -> None:
    """Join the cluster the settings (or ``RAY_ADDRESS``, set inside a Ray Job) name, else start
    a Ray instance of this process's own; nothing when Ray already runs here, unless the settings
    name another cluster (an error: :func:`cluster.connect.check_joined`)."""
    import ray

    if ray.is_initialized():
        if settings.address:
            from cluster.connect import check_joined

            check_joined(settings.address)
        return
    address = settings.address or os.environ.get("RAY_ADDRESS")
    with keeping_sigterm():
        if address:
            from cluster.connect import connect

            connect(address)
            return
        from cluster.state import loopback_only

        with loopback_only():  # as 'cluster up': nothing reachable from outside the machine
            ray.init(
                address="local",  # a new instance, never a cluster some other process left running
                num_cpus=num_cpus if num_cpus is not None else pinned_cpus(),
                include_dashboard=False,
                dashboard_host="127.0.0.1",
                log_to_driver=False,
                logging_level="ERROR",
                configure_logging=True,
            )


def import_in_background() -> threading.Thread:
    """Import :data:`DRIVER_MODULES` in a thread. Ray must start in the main thread (its
    processes die with the thread that started them); an import that fails here fails
    again, with its message, where the module is used."""

    def load() -> None:
        for module in DRIVER_MODULES:
            try:
                importlib.import_module(module)
            except Exception:
                return

    thread = threading.Thread(target=load, name="sedg-driver-imports", daemon=True)
    thread.start()
    return thread
