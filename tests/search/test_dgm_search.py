"""method=dgm through the real CLI, and its resource requests."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from search.recipe import uses_gpu
from search.settings import SearchSettings


def test_dgm_and_nnmodel_trials_ask_for_the_gpu_share_others_do_not():
    settings = SearchSettings(methods=("dgm", "smote"), classifiers=("blrr", "nnmodel"),
                              gpus_per_trial=0.5, name="x")
    assert uses_gpu({"method": "dgm", "classifier": "blrr"}, settings)
    assert uses_gpu({"method": "smote", "classifier": "nnmodel"}, settings)
    assert not uses_gpu({"method": "smote", "classifier": "blrr"}, settings)
    cpu_only = SearchSettings(methods=("dgm",), name="y")
    assert not uses_gpu({"method": "dgm"}, cpu_only)


@pytest.mark.slow
def test_dgm_search_on_student_por(cli, tmp_path, student_por_path):
    cli("run", "--data", str(student_por_path), "--target", "G3", "--methods", "dgm",
        "--classifier", "blrr", "--num-samples", "6", "--num-cpus", "2", "--searcher", "random",
        "--storage-path", str(tmp_path), "--name", "dgm", "--protocol", "holdout", "--confirm-top", "0")
    rows = pd.read_parquet(tmp_path / "dgm" / "results")
    assert len(rows) == 6 and (rows["status"] == "ok").all(), rows[["status", "error"]]
    for column in ("model", "latent_dim", "epochs", "learning_rate", "input", "guard", "noise_scale"):
        assert rows[column].notna().all()
    stopped = [json.loads(info)["stopped_epoch"] for info in rows["resampler_info"]]
    assert all(1 <= epoch <= cap for epoch, cap in zip(stopped, rows["epochs"]))
