"""``sedg-search cluster up | down | status``: a head and N workers as processes on this machine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from cluster.state import ClusterState, default_state_dir
from sedg import SedgInputError

__all__ = ["cluster_down", "cluster_status", "cluster_up"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def cluster_up(
    *, workers: int = 2, cpus_per_node: float = 1, gpus_per_node: float = 0, port: int = 26379,
    host: str = "127.0.0.1", state_dir: Path | None = None, timeout: float = 120,
) -> ClusterState:
    """Start a local cluster (a head and ``workers`` worker nodes) and record it.

    Every node declares ``cpus_per_node`` CPUs and ``gpus_per_node`` GPUs (a
    CPU-only machine can declare GPUs to try a GPU layout). The cluster binds
    ``host`` (loopback by default) and requires its token.
    """
    if workers < 0 or cpus_per_node <= 0 or gpus_per_node < 0:
        raise SedgInputError("--workers must be >= 0, --cpus-per-node > 0, --gpus-per-node >= 0")
    if not 1024 < port < 65000:
        raise SedgInputError(f"--port must be between 1025 and 64999, got {port}")
    state_dir = Path(state_dir or default_state_dir()).expanduser()
    if state_dir.exists() and not state_dir.is_dir():
        raise SedgInputError(f"--state-dir is a file, not a folder: {state_dir}")
    if state_dir.is_dir():  # a folder of the user's: its mode stays theirs (the token file is 0600)
        try:
            existing = ClusterState.load(state_dir)
        except SedgInputError:
            existing = None
        if existing is not None and _alive(existing.daemon_pid):
            raise SedgInputError(
                f"a cluster is already running at {existing.address}; 'cluster down' first")
    else:
        state_dir.mkdir(parents=True)
        os.chmod(state_dir, 0o700)  # made here: only its owner reads what the cluster keeps
    (state_dir / "cluster.json").unlink(missing_ok=True)
    spec = {"workers": workers, "cpus_per_node": cpus_per_node, "gpus_per_node": gpus_per_node,
            "port": port, "host": host}
    repository = str(Path(__file__).resolve().parents[1])
    # Job drivers start from the daemon's environment: this interpreter's scripts come first.
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [repository, os.environ.get("PYTHONPATH")])),
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    )
    with open(state_dir / "daemon.log", "w") as log:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "cluster._daemon", str(state_dir), json.dumps(spec)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (state_dir / "cluster.json").exists():
            return ClusterState.load(state_dir)
        if daemon.poll() is not None:
            tail = (state_dir / "daemon.log").read_text().strip().splitlines()[-1:]
            raise SedgInputError(f"the cluster did not start: {tail[0] if tail else 'no output'}")
        time.sleep(0.5)
    os.killpg(daemon.pid, signal.SIGKILL)
    raise SedgInputError(f"the cluster did not start within {timeout:g} s (see {state_dir}/daemon.log)")


def cluster_down(state_dir: Path | None = None, timeout: float = 60) -> bool:
    """Stop the recorded cluster; False if none was running."""
    state_dir = Path(state_dir or default_state_dir())
    try:
        state = ClusterState.load(state_dir)
    except SedgInputError:
        return False
    if _alive(state.daemon_pid):
        os.kill(state.daemon_pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(state.daemon_pid) and time.monotonic() < deadline:
            time.sleep(0.3)
        if _alive(state.daemon_pid):
            os.killpg(state.daemon_pid, signal.SIGKILL)
    (state_dir / "cluster.json").unlink(missing_ok=True)
    return True


def cluster_status(state_dir: Path | None = None) -> dict:
    """The recorded cluster and, per node, whether Ray sees it alive with its resources."""
    state = ClusterState.load(Path(state_dir or default_state_dir()))
    if not _alive(state.daemon_pid):
        raise SedgInputError("the recorded cluster is not running; start one with 'cluster up'")
    import ray

    from cluster.connect import connect

    connect(state.address)
    try:
        nodes = [{"node_id": node["NodeID"], "alive": node["Alive"],
                  "address": node["NodeManagerAddress"], "cpus": node["Resources"].get("CPU", 0),
                  "gpus": node["Resources"].get("GPU", 0)} for node in ray.nodes()]
    finally:
        ray.shutdown()
    return {"address": state.address, "dashboard": state.dashboard_url, "nodes": nodes}
