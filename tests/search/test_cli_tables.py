"""The command line's tables in a pipe or a log: every column of the table, whole."""

from __future__ import annotations

from search.cli import main
from search.experiment.store import ResultsStore
from tests.search.test_damaged_store import _fabricated


def test_best_in_a_pipe_cuts_no_column(tmp_path, capsys):
    settings = _fabricated(tmp_path, "wide")
    store = ResultsStore(settings.experiment_dir)
    store.write({"trial_id": "t-long-" + "x" * 80, "status": "ok", "method": "smote",
                 "classifier": "blrr", "k_neighbors": 5, "n_splits": 5, "delta_qwk": 0.9,
                 "delta_qwk_se": 0.01, "delta_accuracy": 0.5, "delta_mcc": 0.25})
    capsys.readouterr()
    assert main(["best", "wide", "--storage-path", str(tmp_path), "--top", "3"]) == 0
    out = capsys.readouterr().out  # captured: not a terminal
    header = next(line for line in out.splitlines() if "trial_id" in line)
    for column in ("trial_id", "method", "classifier", "parameters", "delta_qwk", "delta_qwk_se",
                   "n_splits"):
        assert column in header, (column, header)
    assert "t-long-" + "x" * 80 in out and "k_neighbors=5" in out and "+0.9000" in out
    assert "…" not in out  # nothing ellipsised


def test_the_no_reliable_gain_line_follows_the_interval_shown():
    import pandas as pd

    from search.experiment.ranking import confidence_note

    def frame(low: float, high: float) -> pd.DataFrame:
        return pd.DataFrame({"confirmed_delta_qwk": [(low + high) / 2], "confirmed_delta_qwk_se": [0.034],
                             "confirmed_n_splits": [10], "confirmed_delta_qwk_low": [low],
                             "confirmed_delta_qwk_high": [high]})

    # The default run's best once showed [-0.0144, +0.1377] and no line (a one-sided rule said
    # gain); the line now appears exactly when the interval shown reaches zero.
    assert confidence_note(frame(-0.0144, 0.1377), "delta_qwk", "max").startswith(
        "no confirmed configuration improves delta_qwk over the baseline with confidence (each 95 % "
        "interval on 10 fresh splits reaches zero)")
    assert confidence_note(frame(0.0001, 0.1377), "delta_qwk", "max") is None
    assert confidence_note(frame(-0.2, -0.01), "delta_qwk", "min") is None  # smaller is better
