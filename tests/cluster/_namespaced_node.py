"""``python -m tests.cluster._namespaced_node GCS_ADDRESS CPUS``: a worker node of that cluster
in this process's mount namespace (``unshare -m`` runs it), until SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading

from cluster.ray_internals import start_worker_node


def main(address: str, cpus: str) -> None:
    node = start_worker_node(address, num_cpus=float(cpus), object_store_memory=256 * 1024 ** 2)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    node.kill_all_processes(check_alive=False, allow_graceful=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
