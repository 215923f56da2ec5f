"""Shared fixtures: the real student data (skipped when absent), small tables, and the one Ray
instance the end-to-end searches join."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _pin_this_worker() -> None:
    """Under pytest-xdist each worker keeps to its own CPUs, set before numpy, torch or Ray start
    their threads: two workers that each size their pools to the whole machine spent a quarter
    more CPU time than one worker alone (oversubscribed threads spin)."""
    worker, count = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if worker is None or count is None or not hasattr(os, "sched_setaffinity"):
        return
    cpus = sorted(os.sched_getaffinity(0))
    share = cpus[int(worker.removeprefix("gw")) % int(count)::int(count)]
    if share:
        os.sched_setaffinity(0, share)


_pin_this_worker()

import numpy as np  # noqa: E402  (after the pinning: its thread pool is sized at import)
import pytest  # noqa: E402

from sedg.datasets import encode_frame, load_table, make_grades  # noqa: E402
from sedg.threads import available_cpus  # noqa: E402

STUDENT_POR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "student-por.csv"


@pytest.fixture(scope="session")
def student_por_path() -> Path:
    if not STUDENT_POR.is_file():
        pytest.skip(f"real data not found at {STUDENT_POR}")
    return STUDENT_POR


@pytest.fixture(scope="session")
def student_por(student_por_path):
    return load_table(student_por_path, target="G3")


@pytest.fixture(scope="session")
def grades():
    return make_grades(seed=0)


@pytest.fixture(scope="session")
def tiny_with_singleton():
    """60 rows, 4 classes, one of them a single row."""
    import pandas as pd

    rng = np.random.default_rng(7)
    y = np.repeat([1, 2, 3, 4], [20, 25, 14, 1])
    frame = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], y.size),
            "level": rng.integers(1, 5, y.size),
            "score": y * 2.0 + rng.normal(size=y.size),
            "grade": y,
        }
    )
    return encode_frame(frame, "grade", name="tiny")


REPO = Path(__file__).resolve().parents[1]
#: Ray's own start and stop cost about 4 s of two cores here; the end-to-end tests pay it once.
#: It declares the CPUs this process may run on, as a command's own instance does
#: (:func:`search.tune._ray.pinned_cpus`): under pytest-xdist a worker's one CPU, where declaring
#: two ran each search's trials and confirmation tasks two at a time in processes of their own
#: on that one CPU (the search files took 945 s that way, 728 s with one). Searches on one machine
#: still run trials at once in the object-store killed-driver test (a Ray of its own with
#: --num-cpus 2), on three nodes in tests/cluster, and here under plain ``pytest -n0``.
SHARED_RAY_CPUS = available_cpus()
#: Idle workers kept (Ray keeps as many as CPUs, killing the rest after a second idle): a search's
#: trial actors take over the idle workers and die with it, so each search here started its
#: confirmation's task workers afresh (about 2 s of a core each, to import Ray and scikit-learn).
#: Kept, they serve the next search of this process's job; a CLI process is a job of its own, with
#: workers of its own, as on a user's machine.
SHARED_RAY_ENV = {"RAY_num_workers_soft_limit": str(3 * SHARED_RAY_CPUS)}


#: The session's folder of the token and working copies (:func:`pytest_configure`).
SESSION_FOLDER = pytest.StashKey[Path]()


def pytest_configure(config) -> None:
    """Every Ray instance the tests start binds to loopback and takes one token: read by Ray when
    it is imported, so set before any test imports it."""
    from cluster.state import client_environment

    folder = Path(tempfile.mkdtemp(prefix="sedg-tests-ray-"))
    token = folder / "auth_token"
    descriptor = os.open(token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
    os.environ.update(client_environment(str(token), "127.0.0.1"))
    # Working copies of object stores (search.object_store) in the session's folder, for every
    # process the tests start, Ray's workers included: never in the home folder.
    os.environ["SEDG_CACHE_DIR"] = str(folder / "cache")
    config.stash[SESSION_FOLDER] = folder
    if not hasattr(config, "workerinput"):  # once, in the session's first process
        _compile_the_packages()


def _compile_the_packages() -> None:
    """Byte-compile this checkout's packages once for every process the tests start.

    An editable install is not compiled by pip, and where ``PYTHONDONTWRITEBYTECODE`` is set (as
    on the CI machine) no process caches what it compiles: each Ray worker, CLI and probe process
    compiled the modules it imported again, about 0.1 s of a core for a trial worker's (0.15 s
    against 0.04 s, ``python -X importtime``). Compiling them all takes 0.3 s.
    """
    import compileall

    for package in ("sedg", "evaluation", "search", "cluster", "tests", "benchmarks"):
        if (REPO / package).is_dir():
            compileall.compile_dir(REPO / package, quiet=1)


def pytest_unconfigure(config) -> None:
    """The token and the working copies go with the session: CI runs on a disk it shares."""
    folder = config.stash.get(SESSION_FOLDER, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


#: Test workers at most: each has a Ray instance of its own, so more cost more than they give.
MAX_WORKERS = 2


def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker per CPU this process may use, at most :data:`MAX_WORKERS`."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(MAX_WORKERS, cpus or 1))


def pytest_collection_modifyitems(session, config, items) -> None:
    """Under pytest-xdist, the files in the order that lets the workers finish together
    (:func:`tests._balance.balanced`); each file's tests stay together and in their order."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers < 2:
        return
    from tests._balance import balanced

    by_file: dict[str, list] = {}
    for item in items:
        by_file.setdefault(item.nodeid.split("::")[0], []).append(item)
    items[:] = [item for file in balanced(list(by_file), workers) for item in by_file[file]]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def ray_cluster():
    """One Ray instance for the end-to-end searches, started as a user starts one (``ray start``)
    on loopback with the session's token (:func:`pytest_configure`): this process joins it, and
    :func:`ray_env` gives CLI processes its address. The plugin modules of ``tests/search`` are
    on its workers' path. Tests that must own their Ray (an interrupt, a killed driver, the
    README's commands, a cluster of several nodes) start their own."""
    import ray

    from cluster.connect import _why_not_ray

    path = os.pathsep.join([str(REPO), str(REPO / "tests" / "search"), os.environ.get("PYTHONPATH", "")])
    port = _free_port()
    head = subprocess.Popen(
        [str(Path(sys.executable).parent / "ray"), "start", "--head", "--block", f"--port={port}",
         f"--num-cpus={SHARED_RAY_CPUS}", "--num-gpus=0", "--node-ip-address=127.0.0.1",
         # Free ports, not Ray's fixed defaults: another test worker's instance may hold those.
         f"--ray-client-server-port={_free_port()}", f"--dashboard-agent-listen-port={_free_port()}",
         "--include-dashboard=false", "--disable-usage-stats",
         # Every driver joins with log_to_driver=False, so no one reads what a log monitor
         # forwards; it polled the logs for the whole session (31 CPU-s of two instances).
         "--include-log-monitor=false",
         f"--object-store-memory={512 * 1024 ** 2}"],
        env={**os.environ, "PYTHONPATH": path, **SHARED_RAY_ENV}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while _why_not_ray(address, timeout=1.0) is not None:  # its GCS answers once it is up
        if time.monotonic() > deadline or head.poll() is not None:
            os.killpg(head.pid, signal.SIGKILL)
            raise RuntimeError(f"the shared Ray instance did not start at {address}")
        time.sleep(0.3)
    ray.init(address=address, logging_level="ERROR", log_to_driver=False)
    yield address
    ray.shutdown()
    os.killpg(head.pid, signal.SIGKILL)  # the node's processes are its group: none outlives it
    head.wait()


@pytest.fixture
def ray_env(ray_cluster) -> dict:
    """The environment of a CLI process that joins the shared Ray instance."""
    return {**os.environ, "RAY_ADDRESS": ray_cluster}
