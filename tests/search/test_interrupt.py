"""Ctrl-C and SIGTERM: the search stops cleanly, says so in one line and exits 130 / 143."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cluster.state import LOOPBACK_VARIABLE
from search.experiment._lock import experiment_lock
from search.experiment.store import load_results
from tests.sockets import LOOPBACK, descendants, listening_addresses

pytestmark = pytest.mark.slow

RUN = [sys.executable, "-m", "search.cli", "run", "--methods", "none,smote,random_over",
       "--classifier", "blrr", "--num-samples", "40", "--name", "cut", "--confirm-top", "0"]


def _start(storage: Path) -> subprocess.Popen:
    """A driver with a Ray of its own, started as a user's: loopback not asked for (the tests'
    session asks for it everywhere else)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop(LOOPBACK_VARIABLE, None)
    return subprocess.Popen([*RUN, "--storage-path", str(storage)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)


def _wait_for(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_ctrl_c_during_the_search_keeps_rows_and_lock_and_exits_130(tmp_path):
    storage = tmp_path / "store"
    process = _start(storage)
    experiment = storage / "cut"
    _wait_for(lambda: any(experiment.glob("results/*.parquet")), timeout=120)  # trials are done
    # Every port the run's own Ray opened, metrics included, is on loopback, as cluster up's are.
    addresses = listening_addresses(descendants(process.pid))
    assert len(addresses) >= 1 and addresses <= LOOPBACK, addresses
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    lines = err.strip().splitlines()
    assert process.returncode == 130, err
    assert lines[0].startswith("sedg-search: SIGINT received: stopping once the running step ends")
    assert lines[-1] == (f"sedg-search: interrupted (SIGINT): experiment cut is incomplete; continue it "
                         f"with: sedg-search resume cut --storage-path {storage}")
    assert "Traceback" not in err
    rows = load_results(experiment)
    assert 0 < len(rows) < 40 and not rows["trial_id"].duplicated().any()
    with experiment_lock(experiment):  # released: a resume may take it
        pass


def test_sigterm_while_ray_starts_writes_nothing_and_exits_143(tmp_path):
    storage = tmp_path / "store"
    process = _start(storage)
    time.sleep(3)  # imports done or Ray starting: both end the same way
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err.strip().splitlines()[-1] == (
        "sedg-search: interrupted (SIGTERM) before the search started; nothing was written")
    assert "Traceback" not in err and "SIGTERM received at time" not in err  # no Ray stack dump
    assert not (storage / "cut").exists()
