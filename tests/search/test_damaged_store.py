"""A store that checks itself: an unreadable file is left out with one warning naming it,
``check`` lists every damaged file and what resume does, ``resume`` rebuilds lost rows; a full
disk stops the search with one line, keeping what was written."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from evaluation.metrics import result_names
from search.cli import main
from search.experiment.check import check_experiment
from search.experiment.schema import evaluations_schema, results_schema
from search.experiment.store import ResultsStore, load_results
from search.settings import SearchSettings

from .conftest import sedg_search


def _fabricated(storage, name: str) -> SearchSettings:
    settings = SearchSettings(methods=("none", "smote"), classifiers=("blrr",), name=name,
                              storage_path=str(storage))
    labels = list(range(21))
    store = ResultsStore(settings.experiment_dir)
    store.initialise(results_schema(settings.methods, result_names(labels), ()),
                     evaluations_schema(result_names(labels)))
    (settings.experiment_dir / "search.json").write_text(settings.to_json())
    for index in range(4):
        trial = f"t{index}"
        store.write({"trial_id": trial, "status": "ok", "method": "smote", "classifier": "blrr",
                     "k_neighbors": 3 + index, "n_splits": 5, "delta_qwk": 0.01 * index})
        store.write_evaluation({"trial_id": trial, "phase": "search", "split": 0, "delta_qwk": 0.0})
    return settings


def _truncate(path) -> None:
    path.write_bytes(path.read_bytes()[:64])


def test_best_and_list_leave_out_an_unreadable_row_with_one_warning(tmp_path, capsys):
    _fabricated(tmp_path, "whole")
    damaged = _fabricated(tmp_path, "damaged").experiment_dir
    _truncate(damaged / "results" / "t3.parquet")
    assert main(["best", "damaged", "--storage-path", str(tmp_path), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    best = pd.read_csv(io.StringIO(out))
    assert best["trial_id"].tolist()[:3] == ["t2", "t1", "t0"]  # t3, the best, is unreadable
    assert err.strip().splitlines() == [
        f"sedg-search: warning: {damaged / 'results' / 't3.parquet'} is unreadable (ArrowInvalid) and "
        "left out; 'sedg-search check' says what resume does about it"]
    assert main(["list", "--storage-path", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert "whole" in out and "damaged" in out and len(err.strip().splitlines()) == 1


def test_check_lists_every_damaged_file_and_what_resume_does(tmp_path, capsys):
    assert main(["check", "whole", "--storage-path", str(_fabricated(tmp_path, "whole").storage_path)]) == 0
    assert "every file reads" in capsys.readouterr().out
    experiment = _fabricated(tmp_path, "damaged").experiment_dir
    _truncate(experiment / "results" / "t1.parquet")
    (experiment / "results" / "t2.parquet").unlink()
    _truncate(experiment / "evaluations" / "t0-search-0.parquet")
    assert main(["check", "damaged", "--storage-path", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    for name in ("results/t1.parquet", "results/t2.parquet", "evaluations/t0-search-0.parquet"):
        assert name in out  # relative to the experiment: never folded by the table
    assert "missing: the trial has evaluations but no row" in out
    assert out.count("resume rebuilds the row from Ray Tune's saved state") == 2
    assert "left out of reports" in out


@pytest.mark.slow
def test_a_full_disk_stops_the_search_and_resume_rebuilds_what_was_lost(tmp_path, monkeypatch, ray_cluster):
    """In CLI processes (the plugin fills the disk of the driver it is imported into) that join
    the shared Ray instance."""
    storage = str(tmp_path)
    monkeypatch.setenv("SEDG_TEST_ROOM", "2")  # the disk fills after two rows
    run = sedg_search("run", "--methods", "none,smote", "--classifier", "blrr", "--num-samples", "6",
                      "--name", "full", "--storage-path", storage, "--confirm-top", "0",
                      "--plugin", "disk_full_plugin", check=False, ray_address=ray_cluster)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sedg-search: error: no space left on device writing ")
    assert lines[0].endswith(f"what was written is kept: free space, then continue with: sedg-search "
                             f"resume full --storage-path {storage}")
    experiment = tmp_path / "full"
    kept = load_results(experiment)
    assert len(kept) == 2  # the two rows written before the disk filled
    _truncate(experiment / "results" / f"{kept['trial_id'].iloc[0]}.parquet")  # and one is damaged
    check = sedg_search("check", "full", "--storage-path", storage, check=False)
    assert check.returncode == 1 and kept["trial_id"].iloc[0] in check.stdout
    monkeypatch.setenv("SEDG_TEST_ROOM", "100")  # space freed
    resumed = sedg_search("resume", "full", "--storage-path", storage, ray_address=ray_cluster)
    assert "rebuilt the row of" in resumed.stdout
    rows = load_results(experiment)
    assert len(rows) == 6 and not rows["trial_id"].duplicated().any()
    rebuilt = rows.set_index("trial_id").loc[kept["trial_id"].iloc[0]]
    assert rebuilt["delta_qwk"] == kept.set_index("trial_id").loc[kept["trial_id"].iloc[0], "delta_qwk"]
    assert sedg_search("check", "full", "--storage-path", storage).returncode == 0


def test_rows_are_found_in_the_trials_own_files_when_tune_cannot_load_its_analysis(tmp_path):
    import json

    from search.experiment import Experiment
    from search.tune._rebuild import _saved_rows

    class Unloadable:  # what Tuner.restore leaves when a trial was cut short mid-write
        def get_results(self):
            raise RuntimeError("Can't return results as experiment has not been run, yet.")

    trial = Experiment(tmp_path).tune_dir / "sedg_trial_abc_1"
    trial.mkdir(parents=True)
    reports = [{"trial_id": "abc", "row_json": json.dumps({"split": 0})},
               {"trial_id": "abc", "row_json": json.dumps({"split": 1})}]
    trial.joinpath("result.json").write_text("\n".join(map(json.dumps, reports)) + "\n{cut sho")
    assert _saved_rows(Experiment(tmp_path), Unloadable()) == {"abc": {"split": 1}}


def test_a_trial_that_starts_again_loses_the_splits_of_its_earlier_run(tmp_path):
    from types import SimpleNamespace

    from search.tune.callbacks import StoreCallback

    settings = _fabricated(tmp_path, "again")
    store = ResultsStore(settings.experiment_dir)
    for split in (1, 2, 3):  # t0 reached split 3 before its driver died
        store.write_evaluation({"trial_id": "t0", "phase": "search", "split": split, "delta_qwk": 0.0})
    store.write_evaluation({"trial_id": "t0", "phase": "confirm", "split": 0, "delta_qwk": 0.0})
    StoreCallback(str(settings.experiment_dir)).on_trial_start(0, [], SimpleNamespace(trial_id="t0"))
    evaluations = pd.read_parquet(settings.experiment_dir / "evaluations")
    assert sorted(evaluations.loc[evaluations["trial_id"] == "t0", "phase"]) == ["confirm"]
    assert set(evaluations["trial_id"]) == {"t0", "t1", "t2", "t3"}  # the others keep theirs


@pytest.mark.parametrize(("content", "problem"), [
    ("{}", "not a list of [column, type] pairs"),
    ("[]", "column 'trial_id' is missing"),
    (None, "column 'k_neighbors' is typed 'string', not 'double'"),
    ("delta", "column 'delta_qwk' is typed 'string', not 'double'"),
])
def test_a_damaged_schema_is_named_by_check_and_refused_by_extend_and_resume(tmp_path, capsys, content,
                                                                             problem):
    import json

    experiment = _fabricated(tmp_path, "damaged").experiment_dir
    schema = experiment / "schema.json"
    pairs = json.loads(schema.read_text())
    if content is None or content == "delta":
        column = "k_neighbors" if content is None else "delta_qwk"
        content = json.dumps([[name, "string" if name == column else kind] for name, kind in pairs])
    schema.write_text(content)
    before = {path: path.read_bytes() for path in experiment.rglob("*") if path.is_file()}
    assert main(["check", "damaged", "--storage-path", str(tmp_path)]) == 1
    assert check_experiment("damaged", tmp_path).to_dict("records") == [
        {"file": "schema.json", "problem": problem,
         "resume": "cannot continue: restore the file from a copy"}]
    for command in (["extend", "damaged", "--num-samples", "1"], ["resume", "damaged"]):
        assert main([*command, "--storage-path", str(tmp_path)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"sedg-search: error: schema.json of experiment 'damaged' is damaged ({problem}): "
                       "nothing was run; 'sedg-search check damaged' says what to do"]
    assert {path: path.read_bytes() for path in experiment.rglob("*") if path.is_file()} == before


def test_an_unreadable_tune_state_is_named_by_check_and_refused_by_resume(tmp_path, capsys):
    """Ray Tune, given a state file that does not read, logs it and starts the search over:
    resume refuses before that, and says how to go on from the stored rows."""
    experiment = _fabricated(tmp_path, "cut").experiment_dir
    tune = experiment / "tune"
    tune.mkdir()
    (tune / "tuner.pkl").write_bytes(b"\x80")  # what makes the folder restorable to Tune
    (tune / "experiment_state-2026-12-04_04-16-01.json").write_text('{"runner_data": {}}')
    (tune / "experiment_state-2026-12-04_04-16-08.json").write_bytes(b"")  # the newest: Tune's
    before = {path: path.read_bytes() for path in experiment.rglob("*") if path.is_file()}
    assert main(["check", "cut", "--storage-path", str(tmp_path)]) == 1
    assert check_experiment("cut", tmp_path).to_dict("records") == [
        {"file": "tune/experiment_state-2026-12-04_04-16-08.json", "problem": "unreadable (JSONDecodeError)",
         "resume": "cannot resume: extend goes on from the stored trials"}]
    capsys.readouterr()
    assert main(["resume", "cut", "--storage-path", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "sedg-search: error: tune/experiment_state-2026-12-04_04-16-08.json of experiment 'cut' is "
        "unreadable (JSONDecodeError): Ray Tune would start the search over, so nothing was run; "
        "'sedg-search extend cut --num-samples N' goes on from its 4 stored trials"]
    after = {path: path.read_bytes() for path in experiment.rglob("*") if path.is_file()}
    assert {path: data for path, data in after.items() if path.name != "driver.lock"} == before

    for state in tune.glob("experiment_state-*"):
        state.unlink()  # a driver killed before Tune's first state reached the store
    assert check_experiment("cut", tmp_path).to_dict("records") == [
        {"file": "tune/experiment_state-*.json", "problem": "missing",
         "resume": "cannot resume: extend goes on from the stored trials"}]
    assert main(["resume", "cut", "--storage-path", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "sedg-search: error: tune/experiment_state-*.json of experiment 'cut' is missing: Ray Tune "
        "would start the search over, so nothing was run; 'sedg-search extend cut --num-samples N' "
        "goes on from its 4 stored trials"]
