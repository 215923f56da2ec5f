"""Caching through ``memory=``: a handle that survives cloning, keyed by joblib hashes."""

from __future__ import annotations

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier

from evaluation import evaluate
from sedg import DiskArtifacts, MemoryArtifacts, SEDGSampler, artifact_counts, check_memory
from sedg.datasets import make_grades


def _sampler(memory):
    return SEDGSampler(sample_selection="pess", diagnostics="out_of_fold",
                       feature_modification="pca_cosine", n_synthetic=30,
                       classifier=RandomForestClassifier(n_estimators=20, random_state=0),
                       memory=memory, random_state=0)


def test_clone_keeps_the_same_store():
    store = MemoryArtifacts()
    assert clone(_sampler(store)).memory is store


def test_sharing_survives_evaluate_which_clones_the_sampler():
    data = make_grades(n_samples=200, seed=0)
    store = MemoryArtifacts()
    for seed in (0, 0):
        evaluate(data, resampler=_sampler(store), classifier="blrr", seed=seed, protocol="holdout")
    assert store.computed["classifier_diagnostics"] == 1
    assert store.hits["classifier_diagnostics"] == 1


def test_a_path_is_a_disk_store_shared_between_samplers(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(90, 4)), np.repeat([0, 1, 2], [50, 25, 15])
    first = _sampler(str(tmp_path)).fit_resample(X, y)
    second = _sampler(str(tmp_path)).fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    counts = artifact_counts(tmp_path)
    assert counts["classifier_diagnostics"] == {"computed": 1, "hit": 1}


def test_joblib_memory_and_stores_are_accepted(tmp_path):
    assert isinstance(check_memory(joblib.Memory(tmp_path, verbose=0)), DiskArtifacts)
    store = MemoryArtifacts()
    assert check_memory(store) is store and check_memory(None) is None


def test_bad_memory_is_refused_with_a_message():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), np.repeat([0, 1], 15)
    with pytest.raises(ValueError, match="The 'memory' parameter of SEDGSampler must be"):
        SEDGSampler(memory=3, feature_modification="random").fit_resample(X, y)


def test_random_state_none_gives_new_rows_and_an_integer_the_same():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(60, 3)), np.repeat([0, 1, 2], [40, 15, 5])

    def rows(random_state):
        sampler = SEDGSampler(feature_modification="random", n_synthetic=20, random_state=random_state)
        return sampler.fit_resample(X, y)[0][60:]

    assert not np.array_equal(rows(None), rows(None))
    np.testing.assert_array_equal(rows(5), rows(5))
    np.testing.assert_array_equal(rows(np.random.RandomState(3)), rows(np.random.RandomState(3)))


def test_a_process_that_must_wait_for_an_artifact_says_so_in_the_log(tmp_path):
    import json
    import pickle
    import threading
    import time

    from filelock import FileLock

    store = DiskArtifacts(tmp_path, trial_id="t2")
    path = store._path("baseline", "k")
    path.parent.mkdir(parents=True)
    holder = FileLock(path.with_suffix(".lock"))
    holder.acquire()  # another process is computing it
    answer = {}
    waiting = threading.Thread(target=lambda: answer.update(
        value=store.get_or_compute("baseline", "k", lambda: "recomputed")))
    waiting.start()
    log = tmp_path / "log.jsonl"
    deadline = time.monotonic() + 10
    while not (log.exists() and "waiting" in log.read_text()) and time.monotonic() < deadline:
        time.sleep(0.01)
    path.write_bytes(pickle.dumps("shared"))
    holder.release()
    waiting.join(10)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["event"] for e in events] == ["waiting", "hit"]
    assert events[0]["trial_id"] == "t2" and events[0]["kind"] == "baseline"
    assert answer["value"] == ("shared", True) and events[1]["waited"] > 0
