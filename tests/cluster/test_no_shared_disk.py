"""A Ray cluster whose worker nodes cannot see the driver's disk, as on a cloud or Kubernetes.

A head node with no CPUs (so every trial and task runs on a worker) and two worker nodes, each
started inside its own mount namespace (``unshare -m``) with an empty tmpfs over the folder that
holds the data file and the storage path, and another over ``/tmp/ray`` (each node's sockets and
logs its own, as on a machine of its own). The driver runs here and sees that folder; the
workers see nothing in it. Needs root (CI runs as root) and util-linux's ``unshare``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("unshare") is None,
                       reason="mount namespaces need root and unshare"),
]

REPO = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).parent / "ray")
NODE_MEMORY = str(256 * 1024 ** 2)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(command: list[str], hidden: list[Path] = ()) -> subprocess.Popen:
    """A Ray node process; with ``hidden``, in a mount namespace of its own where each of those
    folders (and /tmp/ray) is an empty tmpfs."""
    if hidden:
        mounts = " && ".join(f"mount -t tmpfs tmpfs {folder}" for folder in [*hidden, Path("/tmp/ray")])
        command = ["unshare", "-m", "--propagation", "private", "sh", "-c",
                   f"mkdir -p /tmp/ray && {mounts} && exec " + " ".join(command)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, cwd=REPO)


def _in_cluster(*args: str) -> dict:
    """A question to the cluster from a driver process of its own (tests.cluster._in_cluster)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("RAY_ADDRESS", None)
    process = subprocess.run([sys.executable, "-m", "tests.cluster._in_cluster", *args], capture_output=True,
                             text=True, timeout=300, env=env, cwd=REPO)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, student_por_path):
    """``(address, hidden folder, the driver's node id)``; the data file is in the hidden folder.
    This process never joins it (it may be joined to the suite's shared Ray instance)."""
    hidden = tmp_path_factory.mktemp("driver-disk")
    (hidden / "data").mkdir()
    shutil.copy(student_por_path, hidden / "data" / "por.csv")
    port = _free_port()
    common = ["--block", "--node-ip-address=127.0.0.1", "--disable-usage-stats",
              f"--object-store-memory={NODE_MEMORY}"]
    nodes = [_start([RAY, "start", "--head", f"--port={port}", "--num-cpus=0", "--num-gpus=0",
                     f"--ray-client-server-port={_free_port()}", "--include-dashboard=false",
                     f"--dashboard-agent-listen-port={_free_port()}", *common])]
    address = f"127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        from cluster.connect import _why_not_ray

        while _why_not_ray(address, timeout=1.0) is not None:
            assert time.monotonic() < deadline and nodes[0].poll() is None, "the head did not start"
            time.sleep(0.3)
        for _ in range(2):  # not 'ray start': see cluster.ray_internals.start_worker_node
            nodes.append(_start([sys.executable, "-m", "tests.cluster._namespaced_node", address, "1"],
                                [hidden]))
        while (seen := _in_cluster("nodes", address))["alive"] < 3:
            assert time.monotonic() < deadline, "the worker nodes did not join"
            assert all(node.poll() is None for node in nodes), "a node process ended"
            time.sleep(1.0)
        yield address, hidden, seen["driver_node"]
    finally:
        # The worker nodes stop their processes on SIGTERM; 'ray start --block' waited out any
        # timeout (20 s) after its group's SIGTERM, so the head's group is killed, as the shared
        # Ray instance's is (tests/conftest.py): its processes are that group.
        for node in reversed(nodes[1:]):
            try:
                os.killpg(node.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(nodes[0].pid, signal.SIGKILL)
        for node in nodes:
            try:
                node.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(node.pid, signal.SIGKILL)


def _cli(*args: str, address: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("RAY_ADDRESS", None)
    command = [sys.executable, "-m", "search.cli", *args, *(["--address", address] if address else [])]
    process = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=REPO)
    assert process.returncode == 0, f"exit {process.returncode}\n{process.stdout}\n{process.stderr}"
    return process


def test_a_search_runs_confirms_and_exports_when_no_worker_sees_the_drivers_disk(cluster, capsys):
    address, hidden, head = cluster
    storage = hidden / "store"
    _cli("run", "--data", str(hidden / "data" / "por.csv"), "--target", "G3", "--methods", "none,smote,sedg",
         "--classifier", "blrr", "--num-samples", "4", "--repeats", "2", "--confirm-top", "1",
         "--confirm-repeats", "2", "--final-test", "0.2", "--concurrency", "2", "--searcher", "random",
         "--storage-path", str(storage), "--name", "nodisk", address=address)
    experiment = storage / "nodisk"
    rows = pd.read_parquet(experiment / "results")
    assert len(rows) == 4 and rows["trial_id"].is_unique  # every row stored exactly once
    assert (rows["node_id"] != head).all()  # the workers ran them
    evaluations = pd.read_parquet(experiment / "evaluations")
    assert not evaluations.duplicated(["trial_id", "phase", "split"]).any()
    confirmed = pd.read_parquet(experiment / "confirmed")
    assert len(confirmed) == 1 and confirmed["confirmed_n_splits"].iloc[0] == 2
    assert confirmed["final_delta_qwk"].notna().all()  # the final test ran on a worker too

    # The artifacts live on the driver's disk: one computation per baseline, every other use a hit.
    log = [json.loads(line) for line in (experiment / "artifacts" / "log.jsonl").read_text().splitlines()]
    baselines = [e for e in log if e["kind"] == "baseline"]
    assert sum(e["event"] == "computed" for e in baselines) == len({e["key"] for e in baselines})
    assert any(e["event"] == "hit" for e in baselines)
    assert (experiment / "artifacts" / "baseline").is_dir()

    # What follows needs no Ray: the command line in this process.
    from search.cli import main

    capsys.readouterr()
    assert main(["best", "nodisk", "--storage-path", str(storage), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["trial_id"] == confirmed["trial_id"].iloc[0]
    model = hidden / "model.joblib"
    assert main(["export", "nodisk", "--storage-path", str(storage), "--output", str(model)]) == 0
    new = hidden / "new.csv"
    pd.read_csv(hidden / "data" / "por.csv").drop(columns=["G3"]).head(20).to_csv(new, index=False)
    capsys.readouterr()
    assert main(["predict", str(model), "--data", str(new)]) == 0
    predicted = capsys.readouterr().out.splitlines()
    assert predicted[0] == "prediction" and len(predicted) == 21


def test_an_artifact_computed_on_one_node_is_read_on_the_other(cluster):
    """Two tasks pinned to the two worker nodes ask for one key: the first computes it, the
    second reads it through the keeper, and the driver's disk holds it and the log. A key a
    process on the driver's node computes through the folder is waited for, not computed again;
    one whose remote claimant died is computed there once the claimant's lease ends."""
    address, hidden, _ = cluster
    asked = _in_cluster("keeper", address, str(hidden / "store"))
    workers = asked["workers"]
    assert asked["first"] == [{"made on": "a"}, False, workers[0]]
    assert asked["second"] == [{"made on": "a"}, True, workers[1]]  # computed on the other node
    assert asked["third"] == ["made here", True, workers[1]]
    from search.tune.artifacts import LEASE_S

    value, hit, waited = asked["fourth"]  # its claimant died: computed here once the lease ended
    assert (value, hit) == ("after the lease", False) and waited < LEASE_S + 5
    artifacts = Path(asked["artifacts"])
    log = [json.loads(line) for line in (artifacts / "log.jsonl").read_text().splitlines()]
    assert [(e["event"], e["trial_id"]) for e in log] == [
        ("computed", "a"), ("hit", "b"), ("waiting", "c"), ("computed", "here"), ("hit", "c"),
        ("waiting", "here"), ("computed", "here")]
    assert len(list((artifacts / "embedding").glob("*.pkl"))) == 3
