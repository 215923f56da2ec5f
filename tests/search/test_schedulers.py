"""ASHA over folds, a multi-objective study kept in SQLite, invalid configurations recorded once."""

from __future__ import annotations

import optuna
import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_asha_multi_objective_with_optuna_storage(cli, tmp_path, student_por_path):
    cli("run", "--data", str(student_por_path), "--target", "G3", "--protocol", "cv",
        "--scheduler", "asha", "--metric", "delta_qwk", "delta_accuracy", "--mode", "max",
        "--optuna-storage", "--methods", "none,smote,gmcsmote,enn", "--classifier", "blrr",
        "--num-samples", "8", "--num-cpus", "2", "--storage-path", str(tmp_path), "--name", "asha")
    rows = pd.read_parquet(tmp_path / "asha" / "results")
    assert len(rows) == 8 and rows["trial_id"].is_unique
    assert set(rows["status"]) <= {"ok", "stopped", "invalid"}
    assert (rows.loc[rows["status"] == "ok", "n_splits"] == 5).all()
    stopped = rows[rows["status"] == "stopped"]
    assert len(stopped) >= 1 and (stopped["n_splits"] < 5).all()
    invalid = rows[rows["status"] == "invalid"]
    assert invalid["error"].str.contains("left 0 rows|nothing to train on").all()
    study = optuna.load_study(study_name="asha", storage=f"sqlite:///{tmp_path / 'asha' / 'optuna.db'}")
    ran = [trial for trial in study.trials if "repeat_of" not in trial.user_attrs]
    assert len(study.directions) == 2 and len(ran) == 8  # a repeat proposal is answered, not run
