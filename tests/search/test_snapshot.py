"""Which versions of Ray Tune's files a push takes (:mod:`search.object_store._snapshot`): tiny
files with fixed times, so each rule is seen alone."""

from __future__ import annotations

import json
import os
import pickle

import pytest

from search.object_store._snapshot import is_tune_state, tune_state_versions, version

NOW_NS = 1_800_000_000_000_000_000


def _save(folder, files: dict[str, bytes], at_ns: int) -> None:
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, ns=(at_ns, at_ns))


STATE = {"tune/experiment_state-s.json": json.dumps({"trials": [1, 2]}).encode(),
         "tune/search_gen_state-s.json": pickle.dumps({"counter": 2}),  # Tune pickles it
         "tune/searcher-state-s.pkl": pickle.dumps({"trials": ["a", "b"]})}


def test_the_files_of_one_save_go_together(tmp_path):
    _save(tmp_path, STATE, NOW_NS)
    taken = tune_state_versions(tmp_path, list(STATE), final=False)
    assert {relative: data for relative, (data, _) in taken.items()} == STATE


def test_files_of_two_saves_wait_unless_the_driver_is_done(tmp_path):
    _save(tmp_path, STATE, NOW_NS)
    _save(tmp_path, {"tune/searcher-state-s.pkl": pickle.dumps({"trials": ["a"]})}, NOW_NS - 10**8)
    assert tune_state_versions(tmp_path, list(STATE), final=False) == {}
    assert len(tune_state_versions(tmp_path, list(STATE), final=True)) == 3


@pytest.mark.parametrize("cut", [0, 1, 9])
@pytest.mark.parametrize("final", [False, True])
def test_a_cut_file_holds_back_its_whole_save(tmp_path, cut, final):
    _save(tmp_path, STATE, NOW_NS)
    torn = "tune/searcher-state-s.pkl" if cut != 1 else "tune/experiment_state-s.json"
    _save(tmp_path, {torn: STATE[torn][:cut]}, NOW_NS)
    assert tune_state_versions(tmp_path, list(STATE), final=final) == {}


def test_a_file_of_another_kind_waits_until_it_settled(tmp_path):
    _save(tmp_path, {"tune/trial/log.txt": b"", "results/t.parquet": b""}, os.stat(tmp_path).st_mtime_ns)
    fresh = tmp_path / "tune" / "trial" / "log.txt"
    os.utime(fresh)  # written now: it may be cut
    assert version(fresh, "tune/trial/log.txt", final=False) is None
    assert version(fresh, "tune/trial/log.txt", final=True) is not None
    assert version(tmp_path / "results/t.parquet", "results/t.parquet", final=False) is not None  # renamed
    os.utime(fresh, ns=(NOW_NS - 10**9, 0))
    assert version(fresh, "tune/trial/log.txt", final=False) is not None


def test_the_state_files_are_those_at_the_top_of_tunes_folder_but_the_tuner():
    assert [is_tune_state(relative) for relative in (
        "tune/experiment_state-s.json", "tune/tuner.pkl", "tune/trial/params.pkl", "results/t.parquet",
    )] == [True, False, False, False]
