"""export, predict and the rebuild script, on an experiment written through the real store (the
search that made it is not needed to test what follows it)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import joblib
import numpy as np
import pandas as pd
import pytest

from evaluation import EvaluationConfig, MemoryArtifacts, evaluate, make_pipeline
from evaluation.methods import METHODS as REGISTRY
from evaluation.metrics import compute_metrics, result_names
from search.cli import main
from search.confirmation import confirmed_schema
from search.experiment.schema import evaluations_schema, results_schema
from search.experiment.store import ResultsStore
from search.export import best_pipeline, export, load_model
from search.settings import SearchSettings
from sedg.datasets import load_table, read_frame
from tests.search.conftest import FEW_FEATURES

METHODS = ("sedg", "dgm", "gmcsmote", "smote")
ROWS = [  # a configuration of every family; the last with the forest's own parameters tuned
    {"trial_id": "t-sedg", "method": "sedg", "classifier": "blrr", "sample_selection": "rss",
     "feature_modification": "pca_cosine", "n_synthetic": 100.0},
    {"trial_id": "t-dgm", "method": "dgm", "classifier": "blrr", "model": "vae", "epochs": 3.0},
    {"trial_id": "t-gmc", "method": "gmcsmote", "classifier": "blrr", "cap": 3.0},
    {"trial_id": "t-smote", "method": "smote", "classifier": "random_forest", "k_neighbors": 3.0,
     "random_forest__n_estimators": 25.0, "random_forest__max_depth": 5.0},
    {"trial_id": "t-broken", "method": "smote", "classifier": "blrr", "status": "error",
     "error": "RuntimeError: boom"},
]


def _experiment(storage, name: str, data_path, *, impute: bool = False) -> SearchSettings:
    settings = SearchSettings(data=str(data_path), target="G3", methods=METHODS,
                              classifiers=("blrr", "random_forest"), name=name,
                              storage_path=str(storage), impute=impute, tune_classifier=True)
    data = load_table(data_path, target="G3", impute=impute)
    store = ResultsStore(settings.experiment_dir)
    store.initialise(results_schema(METHODS, result_names(data.labels), ("random_forest",)),
                     evaluations_schema(result_names(data.labels)))
    (settings.experiment_dir / "search.json").write_text(settings.to_json())
    for rank, row in enumerate(ROWS):
        store.write({"status": "ok", "n_splits": 5, "delta_qwk": 0.05 - 0.01 * rank, **row})
    for rank, trial in enumerate(["t-gmc", "t-sedg"]):  # two confirmed, best first
        store.write_confirmed({"trial_id": trial, "method": "x", "classifier": "blrr",
                               "confirmed_n_splits": 10, "confirmed_delta_qwk": 0.02 - 0.01 * rank},
                              confirmed_schema(data.labels))
    return settings


@pytest.fixture(scope="module")
def experiment(tmp_path_factory, student_por_path):
    storage = tmp_path_factory.mktemp("export")
    _experiment(storage, "fab", student_por_path)
    return storage


@pytest.fixture(scope="module")
def second_table(tmp_path_factory, student_por_path):
    """A table the model never saw, with the same columns in another order."""
    frame = read_frame(student_por_path).sample(frac=0.3, random_state=1)
    path = tmp_path_factory.mktemp("second") / "second.csv"
    # The index (row numbers of the full table) is kept as a column only to check against.
    frame[list(reversed(frame.columns))].to_csv(path, index=True, index_label="row")
    return path


def _config(row: dict) -> EvaluationConfig:
    params = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in row.items()
              if k not in ("trial_id", "method", "classifier", "status", "error")
              and not k.startswith("random_forest__")}
    tuned = {k.split("__")[1]: int(v) for k, v in row.items() if k.startswith("random_forest__")}
    return EvaluationConfig(classifier=row["classifier"], resampler=row["method"], resampler_params=params,
                            classifier_params=tuned, seed=0)


@pytest.mark.parametrize("trial", ["t-sedg", "t-dgm", "t-gmc", "t-smote"])
def test_every_family_exports_and_predicts_as_its_evaluation(experiment, student_por, second_table,
                                                             trial):
    """Fitted on the experiment's rows with its seed, the model predicts a table it never saw as
    the configuration evaluated on those training rows does."""
    model = export("fab", experiment, trial_id=trial)
    new = read_frame(second_table)
    rows = new["row"].to_numpy()  # its rows in the full table: the test part of the evaluation
    scored = evaluate(student_por, _config(next(r for r in ROWS if r["trial_id"] == trial)),
                      splits=[(np.arange(len(student_por.y)), rows)], artifacts=MemoryArtifacts())
    mine = compute_metrics(student_por.y[rows], model.predict(new), model.predict_proba(new),
                           student_por.labels)
    for name in ("qwk", "accuracy", "macro_auc"):
        assert mine[name] == scored.metrics[name], name


def test_export_from_the_cli_by_rank_with_its_description(experiment, capsys):
    assert main(["export", "fab", "--storage-path", str(experiment)]) == 0
    model_path = experiment / "fab" / "models" / "t-gmc.joblib"  # rank 1: the best confirmed
    out = capsys.readouterr().out
    assert f"model: {model_path}" in out
    # Its confirmed gain has no standard error here: no reliable gain, and export says so.
    assert out.strip().splitlines()[-1] == ("note: configuration t-gmc showed no reliable gain in "
                                            "delta_qwk on its fresh splits (its 95 % interval reaches "
                                            "zero); it is "
                                            "exported as asked")
    assert main(["export", "fab", "--storage-path", str(experiment), "--trial", "t-smote"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith(
        "note: configuration t-smote was not confirmed on fresh splits; its delta_qwk is the search's")
    description = json.loads(model_path.with_suffix(".json").read_text())
    assert description["configuration"]["method"] == "gmcsmote" and description["rank"] == 1
    assert description["confirmation"]["confirmed_delta_qwk"] == pytest.approx(0.02)
    assert description["data"]["fingerprint"] and description["versions"]["scikit-learn"]
    assert "runs code when loaded" in description["warning"]
    assert main(["export", "fab", "--storage-path", str(experiment), "--rank", "2"]) == 0
    assert (experiment / "fab" / "models" / "t-sedg.joblib").is_file()


def test_the_tuned_classifier_parameters_reach_the_model(experiment):
    model = best_pipeline("fab", experiment, trial_id="t-smote")
    forest = model.classifier.estimator
    assert (forest.n_estimators, forest.max_depth) == (25, 5)
    assert not hasattr(model, "classifier_")  # unfitted


@pytest.mark.parametrize(("arguments", "message"), [
    (["export", "nothing-here"], "no experiment 'nothing-here'"),
    (["export", "fab", "--rank", "3"], "--rank 3: experiment 'fab' has 2 confirmed configuration(s)"),
    (["export", "fab", "--trial", "nope"], "no trial 'nope' in experiment 'fab'"),
    (["export", "fab", "--trial", "t-broken"], "trial 't-broken' ended with status 'error', not 'ok': "
                                               "RuntimeError: boom"),
    (["export", "fab", "--output", "/no/such/folder/m.joblib"], "the folder of --output does not exist"),
    (["export", "fab", "--python", "/no/such/folder/m.py"], "the folder of --python does not exist"),
])
def test_bad_export_is_one_line_and_writes_nothing(experiment, capsys, arguments, message):
    before = sorted(p.name for p in (experiment / "fab").rglob("*"))
    assert main([*arguments, "--storage-path", str(experiment)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"sedg-search: error: {message}"), err
    assert sorted(p.name for p in (experiment / "fab").rglob("*")) == before


def test_predict_a_new_table_in_input_order(experiment, second_table, tmp_path, capsys):
    model_path = tmp_path / "model.joblib"
    main(["export", "fab", "--storage-path", str(experiment), "--output", str(model_path)])
    capsys.readouterr()
    assert main(["predict", str(model_path), "--data", str(second_table), "--proba"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    new = read_frame(second_table)
    model = load_model(model_path)
    assert list(table["prediction"]) == list(model.predict(new))  # one row per row, in order
    labels = model.classes_.tolist()
    assert list(table.columns) == ["prediction", *(f"proba_{label}" for label in labels)]
    assert np.allclose(table.iloc[:, 1:].sum(axis=1), 1.0)
    for suffix in ("csv", "parquet"):
        out = tmp_path / f"predictions.{suffix}"
        assert main(["predict", str(model_path), "--data", str(second_table), "--output", str(out)]) == 0
        saved = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
        assert list(saved["prediction"]) == list(table["prediction"])


def test_bad_prediction_input_is_one_line_and_writes_nothing(experiment, second_table, tmp_path, capsys):
    model_path = tmp_path / "model.joblib"
    main(["export", "fab", "--storage-path", str(experiment), "--output", str(model_path)])
    frame = read_frame(second_table)
    wrong_columns, unseen, holes = (tmp_path / name for name in ("cols.csv", "unseen.csv", "holes.csv"))
    frame.drop(columns=["Fjob"]).to_csv(wrong_columns, index=False)
    frame.assign(Mjob="astronaut").to_csv(unseen, index=False)
    frame.assign(age=np.nan).to_csv(holes, index=False)
    infinite = tmp_path / "inf.csv"
    frame.assign(absences=np.inf).to_csv(infinite, index=False)
    not_a_model, other_pickle = tmp_path / "not.joblib", tmp_path / "other.joblib"
    not_a_model.write_text("hello")
    joblib.dump({"a": 1}, other_pickle)
    out = tmp_path / "out.csv"
    cases = [
        ([str(model_path), "--data", str(wrong_columns)], "column 'Fjob' is missing from the data"),
        ([str(model_path), "--data", str(unseen)], "column 'Mjob' holds 'astronaut' in row 1"),
        ([str(model_path), "--data", str(holes)],
         "column 'age' has a missing or non-finite value (nan) in row 1"),
        ([str(model_path), "--data", str(infinite)],
         "column 'absences' has a missing or non-finite value (inf) in row 1"),
        ([str(not_a_model), "--data", str(second_table)], f"{not_a_model} is not a sedg-search model"),
        ([str(other_pickle), "--data", str(second_table)],
         f"{other_pickle} is not a sedg-search model (it holds a dict)"),
        ([str(tmp_path / "none.joblib"), "--data", str(second_table)], "model file not found"),
        ([str(model_path), "--data", str(second_table), "--output", str(tmp_path / "p.txt")],
         "--output must end in .csv or .parquet"),
    ]
    capsys.readouterr()
    for arguments, message in cases:
        assert main(["predict", *arguments, "--output", str(out)] if "--output" not in arguments
                    else ["predict", *arguments]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"sedg-search: error: {message}"), err
        assert not out.exists()


def test_the_rebuild_script_predicts_as_the_exported_model(experiment, student_por_path, second_table,
                                                           tmp_path):
    model_path, script = tmp_path / "m.joblib", tmp_path / "rebuild.py"
    assert main(["export", "fab", "--storage-path", str(experiment), "--trial", "t-smote",
                 "--output", str(model_path), "--python", str(script)]) == 0
    text = script.read_text()
    assert "resampler='smote'" in text and "'n_estimators': 25" in text
    rebuilt = tmp_path / "rebuilt.joblib"
    subprocess.run([sys.executable, str(script), str(student_por_path), "--save", str(rebuilt)],
                   check=True, capture_output=True, cwd=tmp_path)
    new = read_frame(second_table)
    exported, again = load_model(model_path), load_model(rebuilt)
    assert np.array_equal(exported.predict(new), again.predict(new))
    assert np.array_equal(exported.predict_proba(new), again.predict_proba(new))


def test_an_experiment_with_imputation_exports_a_model_that_fills(tmp_path, student_por_path):
    holes = read_frame(student_por_path)
    holes.loc[holes.index[::9], "age"] = np.nan
    holes.loc[holes.index[::13], "Mjob"] = None
    path = tmp_path / "holes.csv"
    holes.to_csv(path, index=False)
    _experiment(tmp_path, "imputed", path, impute=True)
    for trial in ("t-sedg", "t-smote"):
        model = export("imputed", tmp_path, trial_id=trial)
        assert model.named_steps["encode"].fill_values_
        predictions = model.predict(holes.head(20))  # rows with holes: filled, then predicted
        assert len(predictions) == 20


def test_a_model_from_another_version_warns_once_with_both(experiment, tmp_path):
    import joblib

    model = export("fab", experiment, trial_id="t-gmc")
    model.version_ = "0.0.1"
    joblib.dump(model, tmp_path / "old.joblib")
    with pytest.warns(UserWarning, match=r"saved by sedg-search 0\.0\.1 and is loaded by ") as seen:
        load_model(tmp_path / "old.joblib")
    assert len(seen) == 1


BUILT_IN = sorted(name for name, spec in REGISTRY.items()
                  if spec.build.__module__.startswith(("evaluation.", "sedg.")))


@pytest.mark.parametrize("method", BUILT_IN)
def test_every_configuration_the_search_draws_exports_to_a_file(method, tmp_path):
    """What the search stores can always be saved: no closure or lambda in a fitted model
    (the default search's SMOTE with ``n_synthetic`` once held one)."""
    import optuna

    from search.recipe import evaluation_config
    from search.space import define_space
    from sedg.datasets import encode_frame, make_grades

    settings = SearchSettings(methods=(method,), classifiers=("blrr",), tune_classifier=True,
                              n_synthetic=40, storage_path=str(tmp_path))
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    trial = study.ask()
    row = {**define_space(settings.methods, settings.classifiers, n_synthetic=40,
                          tune_classifier=True)(trial), **trial.params}
    table = make_grades(n_samples=150, seed=1).to_frame()  # the generators train per column
    data = encode_frame(table[[*FEW_FEATURES, "G3"]], "G3", name="grades")
    model = make_pipeline(evaluation_config(row, settings), data)
    frame = data.to_frame().drop(columns=[data.target])
    model.fit(frame, data.y)
    joblib.dump(model, tmp_path / "m.joblib")
    assert np.array_equal(joblib.load(tmp_path / "m.joblib").predict(frame), model.predict(frame))
