"""Experiment folders as users leave them: linked, edited by hand, holding stopped trials."""

from __future__ import annotations

import json

from search.cli import main
from search.experiment.store import ResultsStore
from tests.search.test_damaged_store import _fabricated


def test_an_experiment_reached_through_a_link_is_listed_once(tmp_path, capsys):
    _fabricated(tmp_path, "real")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    from search.experiment.query import list_experiments

    assert list_experiments(tmp_path)["name"].tolist() == ["real"]
    assert main(["list", "--storage-path", str(tmp_path)]) == 0
    assert "alias" not in capsys.readouterr().out


def test_methods_saved_as_text_are_one_line_not_letters(tmp_path, capsys):
    settings = _fabricated(tmp_path, "edited")
    saved = json.loads((settings.experiment_dir / "search.json").read_text())
    saved["methods"] = "none,smote"
    (settings.experiment_dir / "search.json").write_text(json.dumps(saved))
    assert main(["best", "edited", "--storage-path", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "saved setting 'methods' must be a list, not the text 'none,smote'" in err[0]


def test_exporting_a_stopped_trial_names_no_nan(tmp_path, capsys):
    settings = _fabricated(tmp_path, "stopped")
    ResultsStore(settings.experiment_dir).write({"trial_id": "t9", "status": "stopped", "method": "smote",
                                                 "classifier": "blrr"})
    assert main(["export", "stopped", "--storage-path", str(tmp_path), "--trial", "t9"]) == 2
    assert capsys.readouterr().err.strip() == (
        "sedg-search: error: trial 't9' ended with status 'stopped', not 'ok': no result")
