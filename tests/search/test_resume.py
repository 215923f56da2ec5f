"""Kill the driver of a running search, resume it, and find every trial exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from tests.search.conftest import REPO

pytestmark = pytest.mark.slow


def test_resume_after_the_driver_is_killed(cli, tmp_path, recwarn):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    args = [sys.executable, "-m", "search.cli", "run", "--num-samples", "12", "--num-cpus", "2",
            "--storage-path", str(tmp_path), "--name", "killed", "--classifier", "blrr",
            "--methods", "none,smote,gmcsmote", "--searcher", "random",
            "--confirm-top", "1", "--confirm-repeats", "2"]  # the resume confirms: 2 splits, not 30
    driver = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    results = tmp_path / "killed" / "results"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(results.glob("*.parquet"))) < 4:
        time.sleep(0.2)
    os.killpg(driver.pid, signal.SIGKILL)  # the driver and the Ray instance it started
    driver.wait()
    before = set(pd.read_parquet(results)["trial_id"])
    assert 4 <= len(before) < 12, "the search should have been interrupted part-way"
    # Ray Tune's restore copies the JSON files of its folder away and writes them back while
    # trials finish; the store's own files are out of its reach (a reader once found them empty).
    experiment = tmp_path / "killed"
    own_files = {name: (experiment / name).stat().st_mtime_ns
                 for name in ("search.json", "schema.json", "evaluations_schema.json")}
    assert not (experiment / "tuner.pkl").exists() and (experiment / "tune" / "tuner.pkl").exists()

    # Resumed from where it is now: a folder moved (or another machine's working copy of an object
    # store) keeps nothing of the old path, though Tune's saved callbacks and scheduler name it.
    moved = tmp_path / "moved"
    moved.mkdir()
    experiment = experiment.rename(moved / "killed")
    results = experiment / "results"
    process = cli("resume", "killed", "--storage-path", str(moved), "--num-cpus", "2")
    assert "12 trials" in process.stdout, process.stdout[-2000:] + process.stderr[-4000:]
    # The restarted trials report their splits again: no warning from Optuna for each.
    assert not [w for w in recwarn if "is already reported" in str(w.message)]
    rows = pd.read_parquet(results)
    assert len(rows) == 12 and rows["trial_id"].is_unique
    assert before <= set(rows["trial_id"])  # finished trials kept, not duplicated
    failed = rows.loc[~rows["status"].isin(["ok", "stopped"]), ["status", "error", "traceback"]]
    assert failed.empty, failed.to_string()
    assert (rows["protocol"] == "repeated_holdout").all()  # the default: a repeated, raced search
    evaluations = pd.read_parquet(experiment / "evaluations")
    searched = evaluations[evaluations["phase"] == "search"]
    assert not searched.duplicated(["trial_id", "split"]).any()
    assert (searched.groupby("trial_id").size() == rows.set_index("trial_id")["n_splits"]).all()
    confirmed = pd.read_parquet(experiment / "confirmed")
    assert len(confirmed) == 1 and confirmed["confirmed_n_splits"].iloc[0] == 2
    # No row is written under the old path (an empty folder appears there: Tune's saved run
    # configuration names it as its storage path; a trial process of the killed driver that
    # outlives it a moment may still add an artifact there).
    assert not [path for folder in ("results", "evaluations", "confirmed")
                for path in (tmp_path / "killed" / folder).rglob("*")]
    assert {name: (experiment / name).stat().st_mtime_ns for name in own_files} == own_files
