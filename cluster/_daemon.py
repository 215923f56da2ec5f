"""The process that owns a local multi-node cluster: started by ``cluster up``, stopped by ``down``.

Run as ``python -m cluster._daemon STATE_DIR SPEC_JSON``. The environment for
token authentication and loopback binding is set before Ray is imported, so
every node process it starts inherits it.

Its nodes are those of ``ray.cluster_utils.Cluster``, Ray's mini-cluster for one machine (Ray's
"Tips for testing Ray programs"), not ``ray start``'s: several ``ray start`` nodes on one
machine share its socket names and ports unless each node is given its own raylet and plasma
socket, node-manager, object-manager, worker and agent ports by hand, and ``ray stop`` stops
every Ray process of the user, other clusters included. On machines of their own, nodes start
with ``ray start`` (``cluster/configs``); the tests' shared Ray instance is one ``ray start``.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sys
import threading
from pathlib import Path

from cluster.state import ClusterState, client_environment


def _token(state_dir: Path) -> Path:
    path = state_dir / "auth_token"
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path


def main(state_dir: str, spec_json: str) -> None:
    state_dir_path = Path(state_dir)
    spec = json.loads(spec_json)
    token = _token(state_dir_path)
    os.environ.update(client_environment(str(token), spec["host"]))

    from ray.cluster_utils import Cluster

    from cluster.ray_internals import raylet_pid

    port = spec["port"]
    head_args = dict(
        gcs_server_port=port, ray_client_server_port=port + 1, include_dashboard=True,
        dashboard_host=spec["host"], dashboard_port=port + 2, node_ip_address=spec["host"],
        num_cpus=spec["cpus_per_node"], num_gpus=spec["gpus_per_node"],
    )
    cluster = Cluster(initialize_head=True, head_node_args=head_args, shutdown_at_exit=True)
    workers = [cluster.add_node(num_cpus=spec["cpus_per_node"], num_gpus=spec["gpus_per_node"],
                                node_ip_address=spec["host"]) for _ in range(spec["workers"])]
    nodes = [{"role": role, "node_id": node.node_id, "raylet_pid": raylet_pid(node),
              "cpus": spec["cpus_per_node"], "gpus": spec["gpus_per_node"]}
             for role, node in [("head", cluster.head_node)] + [("worker", node) for node in workers]]
    state = ClusterState(
        address=cluster.address, dashboard_url=f"http://{spec['host']}:{port + 2}",
        host=spec["host"], token_path=str(token), daemon_pid=os.getpid(), nodes=nodes,
    )
    state.save(state_dir_path)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    cluster.shutdown()
    (state_dir_path / "cluster.json").unlink(missing_ok=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
