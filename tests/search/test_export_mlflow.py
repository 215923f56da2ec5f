"""export to MLflow: the fitted pipeline as a pyfunc model in a real MLflow store (SQLite), in the
search's own run where it tracked there, and in the model registry."""

from __future__ import annotations

import io
from dataclasses import replace

import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from search.cli import main
from search.tracking import SEARCH_TAG, TRIAL_TAG, start_search_run
from sedg.datasets import read_frame
from tests.search.test_export import _experiment

pytestmark = pytest.mark.slow


def _logged(out: str) -> tuple[str, str]:
    """The model URI and run id ``export`` printed."""
    line = next(line for line in out.splitlines() if line.startswith("mlflow model: "))
    uri, run = line.removeprefix("mlflow model: ").split(" (run ")
    return uri, run.rstrip(")")


def test_the_mlflow_model_predicts_as_sedg_search_predict_and_is_registered(tmp_path, student_por_path,
                                                                            capsys):
    settings = _experiment(tmp_path, "fab", student_por_path)
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    searched = start_search_run(replace(settings, mlflow_tracking_uri=tracking))
    model_path = tmp_path / "model.joblib"
    assert main(["export", "fab", "--storage-path", str(tmp_path), "--output", str(model_path),
                 "--mlflow-tracking-uri", tracking, "--register", "grades"]) == 0
    out = capsys.readouterr().out
    model_uri, run_id = _logged(out)
    assert run_id == searched  # the search tracked there: its own run holds the model
    assert "registered: grades version 1" in out

    new = read_frame(student_por_path).drop(columns=["G3"]).sample(60, random_state=3)
    new.to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(model_path), "--data", str(tmp_path / "new.csv")]) == 0
    predicted = pd.read_csv(io.StringIO(capsys.readouterr().out))["prediction"]
    mlflow.set_tracking_uri(tracking)
    pyfunc = mlflow.pyfunc.load_model(model_uri)
    assert list(pyfunc.predict(read_frame(tmp_path / "new.csv"))) == list(predicted)
    assert list(mlflow.pyfunc.load_model("models:/grades/1").predict(new)) == list(predicted)

    metadata = pyfunc.metadata
    assert [column.name for column in metadata.get_input_schema().inputs] == list(new.columns)
    assert metadata.get_output_schema() is not None
    assert "sklearn" in metadata.flavors and "python_function" in metadata.flavors
    description = mlflow.artifacts.load_dict(f"runs:/{run_id}/model-t-gmc-description.json")
    assert description["trial_id"] == "t-gmc" and description["configuration"]["method"] == "gmcsmote"


def test_without_a_tracked_search_the_model_gets_a_run_of_its_own(tmp_path, student_por_path, capsys):
    _experiment(tmp_path, "fab", student_por_path)
    tracking = f"sqlite:///{tmp_path / 'mlflow.db'}"
    assert main(["export", "fab", "--storage-path", str(tmp_path), "--trial", "t-smote",
                 "--mlflow-tracking-uri", tracking]) == 0
    _, run_id = _logged(capsys.readouterr().out)
    tags = MlflowClient(tracking).get_run(run_id).data.tags
    assert (tags[SEARCH_TAG], tags[TRIAL_TAG]) == ("fab", "t-smote")
    assert (tmp_path / "fab" / "models" / "t-smote.joblib").is_file()  # the file too, as always


@pytest.mark.parametrize(("extra", "message"), [
    (["--register", "grades"], "--register needs --mlflow-tracking-uri: the registry is a tracking server's"),
    (["--mlflow-tracking-uri", "mlflow.db"], "--mlflow-tracking-uri 'mlflow.db' is not a URI"),
    (["--mlflow-tracking-uri", "http://127.0.0.1:9", "--register", "grades"],
     "--mlflow-tracking-uri http://127.0.0.1:9: unreachable or unusable"),
    (["--mlflow-tracking-uri", "sqlite:////tmp/x.db", "--register", " "],
     "--register needs a model name, got an empty one"),
])
def test_bad_mlflow_export_is_one_line_and_writes_nothing(tmp_path, student_por_path, capsys, extra,
                                                         message):
    _experiment(tmp_path, "fab", student_por_path)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["export", "fab", "--storage-path", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"sedg-search: error: {message}"), err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
