"""The hand-written loop of the benchmark replays exactly the configurations it is given."""

from __future__ import annotations

import json

import pandas as pd

from benchmarks._versus import _configurations, replay
from evaluation import EvaluationConfig, evaluate


def test_the_loop_replays_the_searchs_configurations(tmp_path, student_por_path, student_por):
    rows = pd.DataFrame([
        {"method": "smote", "classifier": "random_forest", "k_neighbors": 2.0, "n_synthetic": 200.0},
        {"method": "smote", "classifier": "random_forest", "k_neighbors": 4.0, "n_synthetic": None},
        {"method": "none", "classifier": "random_forest", "k_neighbors": None, "n_synthetic": None},
    ])
    configs = _configurations(rows)
    assert configs[1] == {"method": "smote", "classifier": "random_forest", "k_neighbors": 4,
                          "n_synthetic": None}
    path = tmp_path / "configs.json"
    path.write_text(json.dumps(configs))
    out = replay(str(path), str(student_por_path), "none,smote", "random_forest")
    expected = sum(
        evaluate(student_por, EvaluationConfig(
            classifier="random_forest", resampler=config["method"], protocol="holdout", seed=0,
            resampler_params={k: v for k, v in config.items()
                              if k not in ("method", "classifier") and v is not None})).n_synthetic
        for config in configs)
    assert out["rows_made"] == expected > 0 and out["peak_mib"] > 0
