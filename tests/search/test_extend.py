"""Time budgets, extending a finished search, and tracking, with real Ray, Optuna and MLflow."""

from __future__ import annotations

import json
import math
import shutil

import mlflow
import optuna
import pandas as pd
import pytest

from search._defaults import OPTUNA_DB
from search.cli import main
from search.confirmation import confirm_rows
from search.experiment import Experiment, top_configurations
from search.experiment._lock import experiment_lock
from search.experiment.history import replay_trials, running_means, split_values
from search.experiment.runs import read_runs
from search.experiment.store import OK, STOPPED, load_results, missing_rows
from search.settings import SearchSettings
from search.tracking import SEARCH_TAG, TRIAL_TAG
from search.tune.deadline import CLOSING_S, Deadline
from search.tune.racing import RacingScheduler
from search.tune.runner import extend, run
from search.tune.searcher import TRIAL_ID_ATTRIBUTE

pytestmark = pytest.mark.slow

SMALL = dict(classifiers=("blrr",), grades_samples=200, repeats=3, confirm_top=1, confirm_repeats=2,
             concurrency=2)


@pytest.fixture(scope="module", autouse=True)
def shared_ray(ray_cluster):
    """The searches here run in this process, on the shared Ray instance."""
    return ray_cluster


def _mtimes(folder) -> dict[str, int]:
    return {path.stem: path.stat().st_mtime_ns for path in folder.iterdir()}


@pytest.fixture(scope="module")
def extended(tmp_path_factory):
    """A 4-trial search kept in optuna.db and logged to MLflow, extended by 4 trials."""
    storage = tmp_path_factory.mktemp("extend")
    tracking = f"sqlite:///{storage / 'mlflow.db'}"
    settings = SearchSettings(methods=("none", "smote", "gmcsmote"), num_samples=4, name="grow",
                              storage_path=str(storage), optuna_storage=OPTUNA_DB,
                              mlflow_tracking_uri=tracking, **SMALL | {"confirm_top": 2})
    first = run(settings)
    confirmed = _mtimes(settings.experiment_dir / "confirmed")
    rows = extend("grow", str(storage), num_samples=4)
    return settings, first, rows, tracking, confirmed


def test_a_time_budget_bounds_the_command_and_the_confirmation_follows(extended, tmp_path, capsys):
    # The budget is measured, not assumed: the extended fixture's first run searched 4 trials two
    # at a time, and this budget leaves the search one and a half times that whole phase (at least
    # 10 s) after a second to begin, the closing and the confirmation's share, so a trial finishes
    # within it on a slow or loaded machine too (once, with that phase's length alone, none did:
    # the new trials' processes started on a busy CPU).
    first_run = read_runs(extended[0].experiment_dir)[0]
    budget = float(math.ceil(Deadline.needed(max(10.0, 1.5 * first_run["search_seconds"]), before=1.0)))
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    settings = SearchSettings(methods=("none", "smote", "gmcsmote"), time_budget_s=budget,
                              storage_path=str(tmp_path), name="budget", mlflow_tracking_uri=tracking,
                              **SMALL)
    assert settings.num_samples is None  # as many trials as the budget allows
    rows = run(settings)
    (entry,) = read_runs(settings.experiment_dir)
    longest = rows["time_total"].fillna(0).max()  # a trial the budget stopped has no total
    # The budget, the trial running when it ends, and Ray Tune's wait (<= 5 s) for the stopped
    # trials' actors, one of which may still be starting.
    assert entry["search_seconds"] <= budget + longest + 5.0, (entry, longest)
    assert entry["time_budget_s"] == budget and entry["confirmation_seconds"] > 0
    # The whole command: Tune's stop may overrun the search's share; the confirmation's deadline
    # absorbs it, and the closing seconds are kept for what follows.
    assert entry["command_seconds"] <= budget - CLOSING_S + 2.0, entry
    # No trial count: only the budget ended it. A trial it stopped keeps a row of its splits.
    assert len(rows) >= 1 and set(rows["status"]) <= {OK, STOPPED}
    assert missing_rows(settings.experiment_dir) == []
    mlflow.set_tracking_uri(tracking)
    runs = mlflow.search_runs(experiment_names=["sedg-search"])
    trials = runs[runs[f"tags.{TRIAL_TAG}"].notna()]
    assert set(trials[f"tags.{TRIAL_TAG}"]) == set(rows["trial_id"])
    assert (runs["status"] == "FINISHED").all()  # the runs of trials the budget stopped too
    assert (settings.experiment_dir / "confirmed").is_dir()
    out = capsys.readouterr().out
    assert f"run: search phase {entry['search_seconds']:.1f}s of a {budget:g}s budget; confirmation" in out
    assert "/?]" in out  # the trial count is open: the budget decides it


def test_a_search_where_no_trial_finished_returns_the_stores_columns(tmp_path, capsys):
    # Ray is running already, so the command reaches the search within a few tenths of a second;
    # this budget then leaves no time after the closing and the confirmation's share.
    budget = CLOSING_S + 0.9
    settings = SearchSettings(methods=("none", "smote"), time_budget_s=budget, storage_path=str(tmp_path),
                              name="nothing", **SMALL)
    rows = run(settings)
    assert rows.empty
    assert {"trial_id", "status", "method", "delta_qwk", "time_total", "finished_at"} <= set(rows.columns)
    assert list(rows.columns) == list(load_results(settings.experiment_dir).columns)
    assert pd.isna(rows["time_total"].max())  # a column without values, not a KeyError
    assert f"run: no trial finished a split within its {budget:g}s budget; the rows are empty" in (
        capsys.readouterr().out)


def test_a_budget_spent_before_the_search_begins_is_refused_and_nothing_is_written(cli, tmp_path):
    result = cli("run", "--methods", "none,smote", "--time-budget", "1", "--storage-path", str(tmp_path),
                 "--name", "late", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("sedg-search: error: --time-budget 1 is spent before the search "
                                    "begins: reading the data and starting Ray took ")
    assert "(nothing was written)" in result.stderr and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_the_deadline_ends_the_confirmation_with_fewer_fresh_splits(extended, tmp_path, capsys):
    settings, *_ = extended
    copy = tmp_path / settings.name
    shutil.copytree(settings.experiment_dir, copy)
    settings = SearchSettings.load(copy)
    settings.storage_path = str(tmp_path)
    rows = top_configurations(settings, Experiment(copy).rows, 2)
    deadline = Deadline(CLOSING_S + 1.5)  # 1.5 s of work for 2 x 200 fresh splits
    summaries = confirm_rows(settings, rows, repeats=200, say=print, deadline=deadline)
    assert deadline.left() > -2.0  # cancelled at the deadline, not run to the end
    done = pd.read_parquet(copy / "evaluations").query("phase == 'confirm'")
    assert len(done) < 2 * 200
    for summary in summaries.to_dict("records"):  # each on the splits it finished, 2 or more
        assert 2 <= summary["confirmed_n_splits"] == (done["trial_id"] == summary["trial_id"]).sum()
    out = capsys.readouterr().out
    assert "the time budget ended the confirmation: fresh splits done of 200" in out


def test_extend_continues_the_same_study_and_confirms_only_what_is_new(extended, capsys):
    settings, first, rows, _, confirmed = extended
    assert len(first) == 4 and len(rows) == 8 and rows["trial_id"].is_unique
    assert set(first["trial_id"]) <= set(rows["trial_id"])
    study = optuna.load_study(study_name="grow", storage=settings.optuna_storage_url)
    ran = [trial for trial in study.trials if "repeat_of" not in trial.user_attrs]
    assert len(ran) == 8  # one study: TPE went on from the first 4 (a repeat is answered, not run)
    # Each study trial names its row; one racing stopped is PRUNED, not a COMPLETE partial mean.
    states = {trial.user_attrs.get(TRIAL_ID_ATTRIBUTE): trial.state.name for trial in ran}
    expected = {"ok": "COMPLETE", "stopped": "PRUNED"}
    assert states == {row.trial_id: expected[row.status] for row in rows.itertuples()}
    runs = read_runs(settings.experiment_dir)
    assert [run["command"] for run in runs] == ["run", "extend"]
    # What each asked for, and the experiment's total planned after it.
    assert [(run["num_samples"], run["planned_total"]) for run in runs] == [(4, 4), (4, 8)]
    saved = SearchSettings.load(settings.experiment_dir)
    assert saved.num_samples == 8 and saved.time_budget_s is None
    evaluations = pd.read_parquet(settings.experiment_dir / "evaluations")
    seeds = evaluations[evaluations["phase"] == "search"].groupby("split")["seed"].nunique()
    assert (seeds == 1).all()  # the added trials saw the search's own splits
    top = {row["trial_id"] for row in top_configurations(saved, rows, saved.confirm_top)}
    after = _mtimes(settings.experiment_dir / "confirmed")
    assert top <= set(after)  # every top configuration is confirmed ...
    for trial_id in top & set(confirmed):
        assert after[trial_id] == confirmed[trial_id]  # ... and the first run's were looked up


def test_replayed_trials_are_what_they_were(extended):
    settings, _, rows, _, _ = extended
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    means = running_means(split_values(settings.experiment_dir, "delta_qwk"))
    assert replay_trials(study, rows, settings, means) == len(rows)
    states = {OK: optuna.trial.TrialState.COMPLETE, STOPPED: optuna.trial.TrialState.PRUNED}
    assert [t.state for t in study.trials] == [states[s] for s in rows["status"]]
    for trial, row in zip(study.trials, rows.to_dict("records")):
        assert trial.params["method"] == row["method"]
        if row["status"] == OK:
            assert trial.value == pytest.approx(row["delta_qwk"])
        else:
            assert len(trial.intermediate_values) == row["n_splits"]
    assert study.ask().number == len(rows)  # the next trial follows them


def test_racing_starts_from_the_stored_incumbent(extended):
    settings, _, rows, _, _ = extended
    scheduler = RacingScheduler("delta_qwk", "max", settings.n_splits, alpha=0.5,
                                experiment_dir=settings.experiment_dir)
    scheduler.restore_history()
    full = rows[rows["n_splits"] == settings.n_splits]
    assert scheduler.incumbent == full.loc[full["delta_qwk"].idxmax(), "trial_id"]
    assert set(scheduler.values) == set(rows["trial_id"])


def test_mlflow_holds_every_trial_the_confirmation_and_the_report(extended):
    settings, _, rows, tracking, _ = extended
    mlflow.set_tracking_uri(tracking)
    runs = mlflow.search_runs(experiment_names=["sedg-search"])
    trials = runs[runs[f"tags.{TRIAL_TAG}"].notna()]
    assert set(trials[f"tags.{TRIAL_TAG}"]) == set(rows["trial_id"])
    assert (trials[f"tags.{SEARCH_TAG}"] == "grow").all()
    by_trial = trials.set_index(f"tags.{TRIAL_TAG}")
    for row in rows.to_dict("records"):
        assert by_trial.loc[row["trial_id"], "params.method"] == row["method"]
        if row["status"] == OK:
            assert by_trial.loc[row["trial_id"], "metrics.delta_qwk"] == pytest.approx(row["delta_qwk"])
    confirmed = pd.read_parquet(settings.experiment_dir / "confirmed")
    for summary in confirmed.to_dict("records"):
        logged = by_trial.loc[summary["trial_id"], "metrics.confirmed_delta_qwk"]
        assert logged == pytest.approx(summary["confirmed_delta_qwk"])
    parent = runs[runs["tags.mlflow.runName"] == "grow"]
    assert len(parent) == 1 and (trials["tags.mlflow.parentRunId"] == parent["run_id"].iloc[0]).all()
    artifacts = {f.path for f in mlflow.MlflowClient().list_artifacts(parent["run_id"].iloc[0], "report")}
    assert "report/report.html" in artifacts and "report/improvement_delta_qwk.png" in artifacts
    history = mlflow.MlflowClient().get_metric_history(by_trial["run_id"].iloc[0], "delta_qwk")
    assert [m.step for m in history] == list(range(1, len(history) + 1))  # one value per split


def test_extend_refuses_changed_data_and_a_held_experiment(tmp_path, capsys, student_por_path):
    data = tmp_path / "por.csv"
    shutil.copy(student_por_path, data)
    storage = tmp_path / "store"
    settings = SearchSettings(data=str(data), target="G3", methods=("none",), num_samples=1,
                              classifiers=("blrr",), protocol="holdout", confirm_top=0,
                              storage_path=str(storage), name="fixed")
    run(settings)
    before = sorted(p.name for p in settings.experiment_dir.rglob("*"))

    with experiment_lock(settings.experiment_dir):
        assert main(["extend", "fixed", "--storage-path", str(storage), "--num-samples", "1"]) == 2
    assert "is being run by pid" in capsys.readouterr().err

    table = pd.read_csv(data)
    table.iloc[:-1].to_csv(data, index=False)  # one row fewer: other rows
    assert main(["extend", "fixed", "--storage-path", str(storage), "--num-samples", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "was searched on other rows" in err[0] and "the data file changed" in err[0]
    assert sorted(p.name for p in settings.experiment_dir.rglob("*")) == before  # nothing written
    assert len(load_results(settings.experiment_dir)) == 1


def test_extend_keeps_equal_shares_per_method(tmp_path):
    from search.tune.runner import _extended
    from sedg import SedgInputError

    settings = SearchSettings(methods=("none", "smote"), trials_per_method=2, storage_path=str(tmp_path))
    assert _extended(settings, 4, 4, None).trials_per_method == 4
    with pytest.raises(SedgInputError, match="extend by a multiple of the 2 methods, not 3"):
        _extended(settings, 4, 3, None)


def test_a_shared_optuna_database_refuses_a_second_study_of_the_same_name(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    optuna.create_study(study_name="taken", storage=url)
    code = main(["run", "--name", "taken", "--optuna-storage", url, "--storage-path", str(tmp_path / "s")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "already holds a study named 'taken'" in err[0]
    assert not (tmp_path / "s").exists()
    assert json.loads(SearchSettings(optuna_storage=url).to_json())["optuna_storage"] == url


def test_wandb_logs_each_trial_offline_or_says_it_is_skipped(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    settings = SearchSettings(methods=("none", "smote"), num_samples=2, protocol="holdout",
                              confirm_top=0, classifiers=("blrr",), grades_samples=200,
                              wandb_project="sedg-tests", storage_path=str(tmp_path), name="wb")
    rows = run(settings)
    # wandb's service writes an offline run's file after finish() returns; a command's exit
    # flushes it (wandb's atexit teardown), and this process, going on, does so by hand. Once
    # read at once, the second run's file held its header only.
    import wandb

    wandb.teardown()
    logs = sorted((settings.experiment_dir / "wandb").glob("offline-run-*/run-*.wandb"))
    assert len(logs) == len(rows) == 2
    written = b"".join(path.read_bytes() for path in logs)
    for trial_id in rows["trial_id"]:
        assert trial_id.encode() in written  # each trial is a run named by its id
    assert b"sedg-tests" in written and b"delta_qwk" in written

    monkeypatch.setattr("search.tracking._mlflow.has_wandb", lambda: False)
    from search.tracking import check_tracking

    check_tracking(settings)
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "wandb is not installed: --wandb-project is skipped (pip install wandb)")
