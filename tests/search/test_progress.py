"""Progress: a live rich bar on a terminal, one line per trial elsewhere."""

from __future__ import annotations

import io

from search.callbacks import ProgressCallback


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

    from search._schema import results_schema
    from search.callbacks import StoreCallback
    from search.store import ResultsStore

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
