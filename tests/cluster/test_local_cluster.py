"""A real 1-head + 2-worker Ray cluster on this machine: loopback, token, spread, GPUs, jobs, a node dying.

One cluster for the module (15 to 25 s to start); the test that kills a
worker node runs last.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.search.conftest import REPO
from tests.sockets import descendants, listening_addresses

pytestmark = [pytest.mark.slow, pytest.mark.cluster]

PORT = 27379


#: How soon the cluster calls a silent node dead: every second, after 3 missed health checks,
#: not Ray's default 3 s x 5 (the node-death test waits for it, with a core of its own idle).
HEALTH_CHECKS = {"RAY_health_check_period_ms": "1000", "RAY_health_check_failure_threshold": "3"}


def _env(state_dir: Path) -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO), SEDG_CLUSTER_DIR=str(state_dir), **HEALTH_CHECKS)


def _cli(state_dir: Path, *args: str, timeout: int = 300, check: bool = True):
    process = subprocess.run([sys.executable, "-m", "search.cli", *args], capture_output=True,
                             text=True, timeout=timeout, env=_env(state_dir), cwd=REPO)
    if check and process.returncode != 0:
        raise AssertionError(f"exit {process.returncode}\n{process.stdout}\n{process.stderr}")
    return process


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    state_dir = tmp_path_factory.mktemp("cluster")
    started = time.monotonic()
    up = _cli(state_dir, "cluster", "up", "--workers", "2", "--cpus-per-node", "1",
              "--gpus-per-node", "1", "--port", str(PORT))
    state = json.loads((state_dir / "cluster.json").read_text())
    state["state_dir"], state["up_output"] = state_dir, up.stdout
    state["startup_s"] = time.monotonic() - started
    yield state
    _cli(state_dir, "cluster", "down", check=False)
    assert not (state_dir / "cluster.json").exists()


def test_up_prints_the_address_and_every_port_is_on_loopback(cluster):
    assert f"127.0.0.1:{PORT}" in cluster["up_output"]
    assert len(cluster["nodes"]) == 3
    addresses = listening_addresses(descendants(cluster["daemon_pid"]))
    assert addresses, "the cluster's processes listen somewhere"
    assert addresses <= {"127.0.0.1", "::ffff:127.0.0.1"}, addresses
    token = Path(cluster["token_path"])
    assert oct(token.stat().st_mode & 0o777) == "0o600"
    assert token.read_text() not in json.dumps({k: v for k, v in cluster.items() if k != "state_dir"},
                                               default=str)


def test_a_client_without_the_token_is_refused(cluster):
    code = (
        "import ray\n"
        f"ray.init(address='127.0.0.1:{PORT}', logging_level='ERROR')\n"
    )
    # Ray retries a refused connection once a second, 20 times by default: 2 tell the same.
    env = dict(os.environ, RAY_AUTH_MODE="disabled", RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0",
               RAY_NUM_REDIS_GET_RETRIES="2")
    env.pop("RAY_AUTH_TOKEN_PATH", None)
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, timeout=120)
    assert process.returncode != 0
    assert "InvalidAuthToken" in process.stderr or "Authentication" in process.stderr


def test_sedg_search_without_the_token_says_so_at_once(cluster, tmp_path):
    env = dict(_env(tmp_path / "no-state"), RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER="0")
    env.pop("RAY_AUTH_MODE", None)
    env.pop("RAY_AUTH_TOKEN_PATH", None)
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "search.cli", "run", "--address", f"127.0.0.1:{PORT}",
         "--storage-path", str(tmp_path / "store")],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert process.returncode == 2
    assert process.stderr.strip().splitlines() == [
        f"sedg-search: error: the Ray cluster at 127.0.0.1:{PORT} requires token authentication: "
        "set RAY_AUTH_MODE=token and give its token (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, or "
        "~/.ray/auth_token where 'ray start' wrote it)"]
    assert time.monotonic() - started < 30 and not (tmp_path / "store").exists()


def test_a_submitted_search_spreads_over_the_nodes_and_asks_gpus_only_for_torch_configurations(
        cluster, tmp_path):
    # One search answers all of it (a search costs about 90 CPU-s on this cluster): submitted as
    # a Ray job, its driver's log streams back; the trials spread over the nodes, the confirmation
    # runs as Ray tasks there, and only the torch configurations (nnmodel) hold a share of a GPU.
    # A driver outside the cluster (--address) runs the node-death search below.
    started = time.monotonic()
    process = _cli(cluster["state_dir"], "cluster", "submit", "--", "--num-samples", "6",
                   "--concurrency", "3", "--methods", "none,smote", "--classifier", "blrr,nnmodel",
                   "--gpus-per-trial", "0.5", "--searcher", "random", "--protocol", "holdout",
                   "--confirm-top", "1", "--confirm-repeats", "2", "--grades-samples", "300",
                   "--storage-path", str(tmp_path), "--name", "spread")
    assert "submitted job raysubmit_" in process.stdout and "SUCCEEDED" in process.stdout
    assert "[   6/6]" in process.stdout  # the driver's log streamed back
    rows = pd.read_parquet(tmp_path / "spread" / "results")
    assert len(rows) == 6 and rows["trial_id"].is_unique
    assert (rows["status"] == "ok").all(), rows[["status", "error"]]
    assert rows["node_id"].nunique() > 1
    torch_rows = rows["classifier"] == "nnmodel"
    assert torch_rows.any() and (~torch_rows).any()
    assert (rows.loc[torch_rows, "gpu_share"] == 0.5).all()
    assert (rows.loc[~torch_rows, "gpu_share"] == 0.0).all()
    confirmed = pd.read_parquet(tmp_path / "spread" / "confirmed")  # Ray tasks on the cluster
    assert len(confirmed) == 1 and confirmed["confirmed_n_splits"].iloc[0] == 2
    print(f"6-trial search submitted to the 3-node cluster: {time.monotonic() - started:.1f} s, "
          f"trials per node {rows['node_id'].str[:8].value_counts().to_dict()}")


def test_status_lists_the_nodes(cluster):
    output = _cli(cluster["state_dir"], "cluster", "status").stdout
    assert output.count("alive") == 3 and "GPU 1" in output


def test_a_worker_node_dies_mid_search(cluster, tmp_path):
    args = [sys.executable, "-m", "search.cli", "run", "--address", f"127.0.0.1:{PORT}",
            "--num-samples", "8", "--concurrency", "3", "--methods", "none,smote,gmcsmote",
            "--classifier", "random_forest", "--protocol", "cv", "--max-failures", "3",
            "--scheduler", "fifo", "--confirm-top", "0", "--grades-samples", "300",
            "--storage-path", str(tmp_path), "--name", "dying"]
    driver = subprocess.Popen(args, env=_env(cluster["state_dir"]), cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    results = tmp_path / "dying" / "results"
    workers = {node["node_id"]: node for node in cluster["nodes"] if node["role"] == "worker"}
    # Kill a worker node that has run a trial: with 3 trials at once on 3 one-CPU nodes it is
    # given the next one at once, so it dies with work on it.
    victim, deadline = None, time.monotonic() + 120
    while victim is None and time.monotonic() < deadline:
        finished = [pd.read_parquet(path, columns=["node_id"])["node_id"].iloc[0]
                    for path in results.glob("*.parquet")] if results.exists() else []
        victim = next((node for node in finished if node in workers), None)
        time.sleep(0.2)
    assert victim is not None, "no trial finished on a worker node"
    # The whole node: its raylet and every process under it (a raylet killed alone leaves its
    # trial workers running to completion).
    for pid in descendants(workers[victim]["raylet_pid"]):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    killed_at = pd.Timestamp.now(tz="UTC")
    output, _ = driver.communicate(timeout=300)
    assert driver.returncode == 0, output
    rows = pd.read_parquet(results)
    assert len(rows) == 8 and rows["trial_id"].is_unique, output
    assert set(rows["status"]) <= {"ok", "error"}
    assert (rows["status"] == "ok").sum() >= 6
    on_victim = rows[rows["node_id"] == victim]
    assert len(on_victim) >= 1  # the dead node had trials, and none finished there after
    assert (pd.to_datetime(on_victim["finished_at"], utc=True) < killed_at).all()
    assert set(rows.loc[rows["finished_at"].notna(), "node_id"]) - {victim}  # the rest went on
