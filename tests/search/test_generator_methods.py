"""ctgan, tvae and forest_diffusion in a real search (Ray Tune, Optuna) with --tune-classifier,
then best --by method, export and predict, like any method.

The table is the embedded data's first 150 rows with 7 of its 30 features (two of them nominal):
the generators train a model per column, so on every column this search took 105 s of one
core in the suite, and what it checks is the path, not the models (tests/evaluation and
tests/sedg run them on the real data).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.search.conftest import FEW_FEATURES

pytestmark = pytest.mark.slow


def test_the_new_generators_search_export_and_predict(cli, tmp_path, grades):
    table = grades.to_frame().head(150)[[*FEW_FEATURES, grades.target]]
    data = tmp_path / "small.csv"
    table.to_csv(data, index=False)
    cli("run", "--data", str(data), "--target", grades.target,
        "--methods", "ctgan,tvae,forest_diffusion", "--classifier", "random_forest",
        "--tune-classifier", "--trials-per-method", "1", "--searcher", "random",
        "--protocol", "holdout", "--n-synthetic", "60", "--num-cpus", "2",
        "--confirm-top", "0",
        "--storage-path", str(tmp_path), "--name", "gen")
    rows = pd.read_parquet(tmp_path / "gen" / "results")
    assert sorted(rows["method"]) == ["ctgan", "forest_diffusion", "tvae"]
    assert rows["status"].isin(["ok", "invalid"]).all(), rows[["method", "status", "error"]]
    ok = rows[rows["status"] == "ok"]
    assert len(ok) >= 2, rows[["method", "error"]]
    assert ok["random_forest__n_estimators"].notna().all()  # the classifier's own, tuned
    assert ok["quality_detection_auc"].between(0, 1).all()  # the made rows measured
    for _, row in ok.iterrows():
        names = {"ctgan": "embedding_dim", "tvae": "hidden_size", "forest_diffusion": "n_t"}
        assert pd.notna(row[names[row["method"]]])
    by_method = json.loads(cli("best", "gen", "--storage-path", str(tmp_path), "--by", "method",
                               "--format", "json").stdout)
    assert {entry["method"] for entry in by_method} == set(ok["method"])
    model = tmp_path / "model.joblib"
    trial = ok["trial_id"].iloc[0]
    cli("export", "gen", "--storage-path", str(tmp_path), "--trial", trial, "--output", str(model))
    new = tmp_path / "new.csv"
    table[FEW_FEATURES].head(5).to_csv(new, index=False)  # its columns
    predicted = cli("predict", str(model), "--data", str(new)).stdout.splitlines()
    assert predicted[0] == "prediction" and len(predicted) == 6
