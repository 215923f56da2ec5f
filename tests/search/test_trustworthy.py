"""Repeated paired splits, racing, the per-split store, confirmation and equal budgets, end to end."""

from __future__ import annotations

import json

import optuna
import pandas as pd
import pytest

from search.tune.searcher import TRIAL_ID_ATTRIBUTE

pytestmark = pytest.mark.slow


def test_racing_stops_a_clearly_bad_configuration_and_the_best_is_confirmed(cli, tmp_path):
    run = cli("run", "--methods", "none,label_noise", "--plugin", "noise_plugin",
              "--trials-per-method", "3", "--concurrency", "1", "--num-cpus", "2",
              "--classifier", "blrr", "--repeats", "4", "--confirm-top", "2", "--confirm-repeats", "3",
              "--storage-path", str(tmp_path), "--name", "race", "--optuna-storage")
    experiment = tmp_path / "race"
    rows = pd.read_parquet(experiment / "results")
    assert rows["method"].value_counts().to_dict() == {"none": 3, "label_noise": 3}  # equal budgets
    noise, none = rows[rows["method"] == "label_noise"], rows[rows["method"] == "none"]
    assert (none["status"] == "ok").all() and (none["n_splits"] == 4).all()
    stopped = noise[noise["status"] == "stopped"]
    assert len(stopped) >= 1, "racing should stop shuffled labels once 'none' has run every split"
    assert (stopped["n_splits"] < 4).all() and (stopped["delta_qwk"] < 0).all()
    assert rows["finished_at"].notna().all()  # a stopped trial's row too: when its last split ended
    # The live study says the same: a stopped trial is PRUNED, each names its row, none waits.
    study = optuna.load_study(study_name="race", storage=f"sqlite:///{experiment / 'optuna.db'}")
    states = {trial.user_attrs[TRIAL_ID_ATTRIBUTE]: trial.state.name for trial in study.trials
              if "repeat_of" not in trial.user_attrs}
    assert states == {row.trial_id: {"ok": "COMPLETE", "stopped": "PRUNED"}[row.status]
                      for row in rows.itertuples()}

    evaluations = pd.read_parquet(experiment / "evaluations")
    searched = evaluations[evaluations["phase"] == "search"]
    assert (searched.groupby("trial_id").size() == rows.set_index("trial_id")["n_splits"]).all()
    for trial_id, group in searched.groupby("trial_id"):  # the trial row is the mean of its splits
        mean = rows.set_index("trial_id").loc[trial_id, "delta_accuracy"]
        assert group["delta_accuracy"].mean() == pytest.approx(mean)
    seeds = searched.groupby("split")["seed"].nunique()
    assert (seeds == 1).all() and searched.groupby("split")["seed"].first().is_unique  # paired splits

    confirmed = evaluations[evaluations["phase"] == "confirm"]
    assert set(confirmed["seed"]).isdisjoint(set(searched["seed"]))  # fresh splits
    best = json.loads(cli("best", "race", "--storage-path", str(tmp_path), "--format", "json").stdout)
    top = best[0]
    for column in ("delta_qwk", "delta_qwk_se", "n_splits", "confirmed_delta_qwk",
                   "confirmed_delta_qwk_se", "optimism_gap_delta_qwk"):
        assert column in top, column
    assert top["method"] == "none" and top["confirmed_delta_qwk"] == 0.0
    table = cli("best", "race", "--storage-path", str(tmp_path)).stdout
    assert table.splitlines()[0].startswith("no confirmed configuration improves delta_qwk")
    assert "no confirmed configuration improves" in run.stdout


def test_final_test_part_is_scored_by_the_confirmation(cli, tmp_path):
    cli("run", "--methods", "smote", "--classifier", "blrr", "--num-samples", "2", "--num-cpus", "2",
        "--repeats", "2", "--final-test", "0.2", "--confirm-top", "1", "--confirm-repeats", "2",
        "--storage-path", str(tmp_path), "--name", "final")
    rows = pd.read_parquet(tmp_path / "final" / "results")
    assert (rows["dataset"] == "grades[search]").all()
    best = json.loads(cli("best", "final", "--storage-path", str(tmp_path), "--format", "json").stdout)
    assert "final_delta_qwk" in best[0] and best[0]["final_delta_qwk"] is not None
    evaluations = pd.read_parquet(tmp_path / "final" / "evaluations")
    assert (evaluations["phase"] == "final").sum() == 1
