"""Progress: a live rich bar on a terminal, one line per trial elsewhere."""

from __future__ import annotations

import io

from search.tune.callbacks import ProgressCallback


def test_one_line_per_trial_when_not_a_terminal():
    stream = io.StringIO()
    progress = ProgressCallback(3, "delta_qwk", "max", stream=stream)
    for status, value in (("ok", 0.01), ("error", None), ("ok", 0.03)):
        progress._record(status, value)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3 and lines[-1].startswith("[   3/3] errors 1")
    assert lines[-1].endswith("best delta_qwk +0.0300")


def test_a_live_bar_shows_done_errors_best_elapsed_and_remaining():
    stream = io.StringIO()
    progress = ProgressCallback(4, "delta_qwk", "max", stream=stream, live=True)
    for status, value in (("ok", 0.02), ("stopped", 0.5), ("error", None), ("ok", -0.01)):
        progress._record(status, value)
    progress.on_experiment_end([])
    text = stream.getvalue()
    assert "4/4" in text and "errors 1" in text and "best delta_qwk +0.0200" in text
    assert "elapsed" in text and "left" in text
    assert "[   1/4]" not in text  # no per-trial lines under the bar


def test_the_default_run_shows_what_the_project_is_for():
    from search import SearchSettings

    methods = SearchSettings().methods
    assert {"sedg", "dgm", "gmcsmote"} <= set(methods) and "none" in methods


def test_a_trial_whose_process_died_keeps_ray_s_traceback_in_its_row(tmp_path):
    from types import SimpleNamespace

    import pandas as pd

    from search.experiment.schema import results_schema
    from search.experiment.store import ResultsStore
    from search.tune.callbacks import StoreCallback

    ResultsStore(tmp_path).initialise(results_schema(["none"], ["delta_qwk"]))
    error_file = tmp_path / "error.txt"
    error_file.write_text("Traceback (most recent call last):\n  File \"x.py\", line 3, in f\n"
                          "json.decoder.JSONDecodeError: Expecting value\n")
    trial = SimpleNamespace(trial_id="t_00001", num_failures=1, error_file=str(error_file),
                            config={"method": "none"}, last_result={"delta_qwk": 0.5})
    StoreCallback(str(tmp_path)).on_trial_error(0, [], trial)
    row = pd.read_parquet(tmp_path / "results").iloc[0]
    assert row["status"] == "error"
    assert row["error"] == ("trial process failed after 1 attempt(s): "
                            "json.decoder.JSONDecodeError: Expecting value")
    assert 'File "x.py", line 3, in f' in row["traceback"] and row["delta_qwk"] == 0.5


def _trial(trial_id: str, status: str = "RUNNING", **result):
    from types import SimpleNamespace

    return SimpleNamespace(trial_id=trial_id, status=status, last_result=result)


def test_a_log_gets_a_line_per_split_with_its_seconds_and_an_estimate_of_the_time_left():
    stream = io.StringIO()
    progress = ProgressCallback(2, "delta_qwk", "max", stream=stream, splits_per_trial=3)
    first = _trial("t1")
    for split in range(3):
        progress.on_trial_result(0, [], first, {"split": split, "split_seconds": 2.5,
                                                "split_value": 0.01 * split})
    progress.on_trial_complete(0, [], _trial("t1", row_json='{"status": "ok"}', delta_qwk=0.01))
    lines = stream.getvalue().splitlines()
    assert lines[0].split() == ["trial", "t1", "split", "1/3", "2.5s", "delta_qwk", "+0.0000"]
    assert lines[2].split()[3] == "3/3" and len(lines) == 4
    assert lines[3].startswith("[   1/2]") and "left ~" in lines[3]
    # A trial stopped after one split counts its two unrun splits as done: 6 of 6, nothing left.
    progress.on_trial_result(0, [], _trial("t2"), {"split": 0, "split_seconds": 1.0,
                                                   "split_value": -0.2})
    progress.on_trial_complete(0, [], _trial("t2", delta_qwk=-0.2))
    assert progress.units == 6 and "left ~0s" in stream.getvalue().splitlines()[-1]


def test_a_silent_log_gets_a_heartbeat_and_a_line_for_each_trial_that_waits(tmp_path):
    import json

    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps({"kind": "baseline", "event": "waiting", "trial_id": "old"}) + "\n")
    stream = io.StringIO()
    progress = ProgressCallback(4, "delta_qwk", "max", stream=stream, splits_per_trial=5,
                                artifacts_log=log, heartbeat_s=0.0)
    with log.open("a") as out:  # a wait written after the search started, and half a line
        out.write(json.dumps({"kind": "baseline", "event": "waiting", "trial_id": "t2"}) + "\n")
        out.write('{"kind": "embedding_ae", "event": "wai')
    progress.on_step(0, [_trial("t1"), _trial("t2"), _trial("t0", status="TERMINATED")])
    lines = stream.getvalue().splitlines()
    assert lines[0].split() == ["trial", "t2", "waits", "for", "the", "shared", "baseline",
                                "another", "trial", "is", "computing"]
    assert lines[1].startswith("[   0/4] running 2 trial(s), 0/20 splits") and "left ?" in lines[1]
    assert "old" not in stream.getvalue()  # a wait from before this run is not repeated


def test_a_live_bar_counts_split_evaluations():
    stream = io.StringIO()
    progress = ProgressCallback(2, "delta_qwk", "max", stream=stream, live=True, splits_per_trial=4)
    for split in range(3):
        progress.on_trial_result(0, [], _trial("t1"), {"split": split, "split_value": 0.1})
    progress.on_experiment_end([])
    text = stream.getvalue()
    assert "splits" in text and "3/8" in text and "trials 0/2" in text


def test_with_a_time_budget_alone_the_trial_count_is_open_and_the_budget_says_the_time_left():
    stream = io.StringIO()
    progress = ProgressCallback(None, "delta_qwk", "max", stream=stream, splits_per_trial=2,
                                time_budget_s=100.0)
    progress.on_trial_result(0, [], _trial("t1"), {"split": 0, "split_seconds": 1.0, "split_value": 0.1})
    progress.on_trial_complete(0, [], _trial("t1", row_json='{"status": "stopped"}', delta_qwk=0.1))
    line = stream.getvalue().splitlines()[-1]
    assert line.startswith("[   1/?]") and "(budget)" in line
    assert 99 <= int(line.split("left ~")[1].split("s")[0]) <= 100
    # With a trial count too, the smaller of the estimate and what the budget leaves is shown.
    counted = ProgressCallback(1, "delta_qwk", "max", stream=io.StringIO(), time_budget_s=100.0)
    assert counted._left() == "left ~100s (budget)"
