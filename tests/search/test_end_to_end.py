"""End to end through the real CLI, real Ray Tune and real Optuna (no mocks)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sedg import artifact_counts
from tests.conftest import SHARED_RAY_CPUS

from .conftest import sedg_search

pytestmark = pytest.mark.slow

DOCUMENTED = ["trial_id", "status", "method", "classifier", "accuracy", "qwk", "macro_auc",
              "delta_accuracy", "delta_qwk", "delta_macro_auc", "delta_minority_auc", "error",
              "seed", "dataset_fingerprint", "time_total", "node_id"]


def test_run_on_embedded_data_then_best(cli, tmp_path, ray_cluster):
    # A real CLI process: --profile ends with Ray's shutdown (a phase of the profile).
    process = sedg_search("run", "--num-samples", "8", "--num-cpus", "2", "--storage-path",
                          str(tmp_path), "--name", "e2e", "--methods", "none,smote,gmcsmote,random_over",
                          "--classifier", "blrr", "--profile", ray_address=ray_cluster)
    assert "[   8/8]" in process.stdout and "top configurations" in process.stdout
    # What it is about to do, before Ray starts.
    assert process.stdout.splitlines()[0] == (
        "experiment e2e: grades, 649 rows x 30 features, 20 classes of 1 to 98 rows; methods none, "
        f"smote, gmcsmote, random_over; classifier blrr; 8 trials; results in {tmp_path / 'e2e'}")
    rows = pd.read_parquet(tmp_path / "e2e" / "results")  # plain pandas
    # --profile: the driver's phases and the trials' sums, printed and saved.
    entries = json.loads((tmp_path / "e2e" / "profile.json").read_text())
    profile = {entry["phase"]: entry["seconds"] for entry in entries}
    # Idle slots count the trials that could run at once: the default 2, or fewer CPUs.
    idle_slots, = [entry["what"] for entry in entries if entry["phase"] == "idle slots"]
    assert idle_slots.startswith(f"{min(2, SHARED_RAY_CPUS)} slots"), idle_slots
    assert {"ray_start", "search", "searcher", "store", "confirmation", "shutdown", "trial fit",
            "trial total", "idle slots"} <= set(profile)
    assert profile["trial total"] == pytest.approx(rows["time_total"].sum(), rel=1e-3)
    assert rows["time_total"].notna().all()  # stopped trials keep their time too
    assert 0 < profile["searcher"] < profile["search"] and "where the seconds went" in process.stdout
    assert len(rows) == 8 and rows["trial_id"].is_unique
    assert set(DOCUMENTED) <= set(rows.columns)
    assert rows["status"].isin(["ok", "stopped"]).all() and (rows["status"] == "ok").any()
    assert (rows.loc[rows["status"] == "ok", "n_splits"] == 5).all()  # the default: 5 paired splits
    labels = json.loads((tmp_path / "e2e" / "search.json").read_text())
    assert labels["num_samples"] == 8
    assert any(column.startswith("delta_class_auc_") for column in rows.columns)
    assert "cap" in rows.columns and "k_neighbors" in rows.columns  # every dimension a column
    assert set(rows["method"]) == {"none", "smote", "gmcsmote", "random_over"}  # each tried once
    assert rows.loc[rows["method"] == "gmcsmote", ["standardize", "distance"]].notna().all().all()
    np.testing.assert_allclose(rows["delta_qwk"], rows["qwk"] - rows["baseline_qwk"], atol=1e-12)
    # one baseline fit per split (5 in the search, 10 fresh ones in the confirmation), shared
    confirmed = pd.read_parquet(tmp_path / "e2e" / "confirmed")
    counts = artifact_counts(tmp_path / "e2e" / "artifacts")
    assert counts["baseline"]["computed"] == 5 + 10
    assert counts["baseline"]["hit"] == rows["n_splits"].sum() - 5 + 10 * len(confirmed) - 10

    best = json.loads(cli("best", "e2e", "--storage-path", str(tmp_path), "--format", "json",
                          "--top", "3").stdout)
    expected = confirmed.sort_values("confirmed_delta_qwk", ascending=False)
    assert [entry["trial_id"] for entry in best][:len(expected)] == expected["trial_id"].tolist()[:3]
    in_search = rows.set_index("trial_id")["delta_qwk"]
    assert [entry["delta_qwk"] for entry in best] == pytest.approx(
        [in_search[entry["trial_id"]] for entry in best])

    by_method = json.loads(cli("best", "--storage-path", str(tmp_path), "--by", "method",
                               "--format", "json").stdout)  # the latest experiment
    for entry in by_method:
        group = rows.loc[(rows["method"] == entry["method"]) & (rows["status"] == "ok"), "delta_qwk"]
        stopped = rows.loc[(rows["method"] == entry["method"]) & (rows["status"] == "stopped")]
        assert entry["count"] == len(group) and entry["stopped"] == len(stopped)
        if len(group):
            assert entry["max"] == pytest.approx(group.max())
    assert {entry["method"] for entry in by_method} == set(rows["method"])  # stopped ones too

    listing = cli("list", "--storage-path", str(tmp_path)).stdout
    assert "e2e" in listing
    # 'list' names the best that 'best' ranks first, by the number 'best' ranks it by.
    from search.experiment.query import list_experiments

    entry = list_experiments(tmp_path).set_index("name").loc["e2e"]
    assert (entry["best_trial"], entry["best_is"]) == (best[0]["trial_id"], "confirmed")
    assert entry["best"] == best[0]["confirmed_delta_qwk"]
    assert entry["distinct"] == entry["trials"] == 8

    # 'confirm' is the confirmation on demand: recomputed (nothing to look up), the same numbers.
    import shutil

    shutil.rmtree(tmp_path / "e2e" / "artifacts")
    again, = json.loads(cli("confirm", "e2e", "--storage-path", str(tmp_path), "--top", "1",
                            "--format", "json").stdout)
    before = confirmed.set_index("trial_id").loc[again["trial_id"]]
    assert again["confirmed_delta_qwk"] == before["confirmed_delta_qwk"]
    assert again["confirmed_delta_qwk_se"] == before["confirmed_delta_qwk_se"]
    assert again["confirmed_n_splits"] == before["confirmed_n_splits"] == 10


def test_cv_on_student_por_improvement_is_metric_minus_baseline(cli, tmp_path, student_por_path):
    cli("run", "--data", str(student_por_path), "--target", "G3", "--protocol", "cv",
        "--num-samples", "4", "--num-cpus", "2", "--storage-path", str(tmp_path), "--name", "cv",
        "--methods", "gmcsmote,smote", "--classifier", "blrr", "--scheduler", "fifo", "--confirm-top", "0")
    rows = pd.read_parquet(tmp_path / "cv" / "results")
    assert len(rows) == 4 and (rows["status"] == "ok").all() and (rows["n_folds"] == 5).all()
    for metric in ["accuracy", "qwk", "macro_auc", "class_auc_0", "class_auc_18"]:
        np.testing.assert_allclose(rows[f"delta_{metric}"], rows[metric] - rows[f"baseline_{metric}"])
    counts = artifact_counts(tmp_path / "cv" / "artifacts")
    assert counts["baseline"]["computed"] == 5  # once per fold, shared by the 4 trials


def test_plugin_methods_run_in_a_search_and_a_raising_one_is_recorded_as_it_goes_on(cli, tmp_path):
    # Two plugins in one search (each its own cost a search before): a method that resamples,
    # its parameter stored, and one whose every configuration raises.
    cli("run", "--num-samples", "8", "--num-cpus", "2", "--storage-path", str(tmp_path),
        "--name", "plugin", "--methods", "explode,jitter,none,smote", "--classifier", "blrr",
        "--searcher", "random", "--plugin", "failing_plugin", "--plugin", "jitter_plugin",
        "--repeats", "2", "--confirm-top", "1", "--confirm-repeats", "2")
    rows = pd.read_parquet(tmp_path / "plugin" / "results")
    assert len(rows) == 8
    failed = rows[rows["method"] == "explode"]
    assert len(failed) >= 1 and (failed["status"] == "error").all()
    assert failed["error"].str.contains("RuntimeError: this configuration always fails").all()
    assert failed["traceback"].str.contains("Traceback").all()  # kept in the store, not dropped
    assert failed["traceback"].str.contains("failing_plugin").all()
    assert (rows.loc[rows["method"] != "explode", "status"] == "ok").all()  # the search went on
    jitter = rows[rows["method"] == "jitter"]
    assert len(jitter) >= 1 and jitter["shrinkage"].between(0.0, 2.0).all()
    assert (jitter["synthetic_rows"] > 0).all()  # it really resampled
    assert rows.loc[rows["method"] == "none", "shrinkage"].isna().all()
    best = json.loads(cli("best", "plugin", "--storage-path", str(tmp_path), "--format", "json").stdout)
    assert best and all(entry["method"] != "explode" for entry in best)
    by_method = json.loads(cli("best", "plugin", "--storage-path", str(tmp_path), "--by", "method",
                               "--format", "json").stdout)
    assert {entry["method"] for entry in by_method} >= set(rows["method"]) - {"explode"}


def test_missing_values_are_imputed_inside_each_split_on_request(cli, tmp_path, student_por_path):
    frame = pd.read_csv(student_por_path)
    frame.loc[::7, "age"] = np.nan
    frame.loc[::5, "Mjob"] = np.nan
    path = tmp_path / "holes.csv"
    frame.to_csv(path, index=False)
    common = ["run", "--data", str(path), "--target", "G3", "--storage-path", str(tmp_path)]
    refused = cli(*common, "--name", "refused", check=False)
    assert refused.returncode == 2 and "pass --impute" in refused.stderr
    assert not (tmp_path / "refused").exists()
    cli(*common, "--impute", "--name", "imputed", "--num-samples", "2", "--num-cpus", "2",
        "--methods", "smote", "--repeats", "2", "--final-test", "0.2", "--confirm-top", "1",
        "--confirm-repeats", "2", "--scheduler", "fifo")
    rows = pd.read_parquet(tmp_path / "imputed" / "results")
    assert (rows["status"] == "ok").all(), rows["error"].tolist()
    # The search part holds 80 % of the rows; both features report how they were filled.
    assert rows["imputed"].str.fullmatch(r"age: \d+ by most frequent; Mjob: \d+ by most frequent").all()
    confirmed = pd.read_parquet(tmp_path / "imputed" / "confirmed")
    assert confirmed["final_delta_qwk"].notna().all()
