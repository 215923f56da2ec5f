"""From the best configuration to a model: ``export`` fits it on the experiment's data, ``predict``
uses it on new tables.

The model is an :class:`evaluation.SynthesisPipeline` (encoder → resampler → classifier) built
by the same recipe the search evaluated (:mod:`search.recipe`), fitted on the rows the search's
splits were drawn from (the search part, with ``--final-test``) with the experiment's seed.
Beside it, ``<model>.json`` says what it is without unpickling anything: the configuration, its
in-search and confirmed improvements with their uncertainty, the data's fingerprint and the
package versions. A ``.joblib`` file runs code when loaded: load only models you made.
"""

from __future__ import annotations

import ast
import json
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from search._checks import Whole, check_values
from search._defaults import DEFAULT_STORAGE_PATH
from search._targets import MODELS_DIR, check_target, removed_on_failure, write_errors_said
from search.experiment import CONFIRMED_PREFIX, FINAL_PREFIX, OK, Experiment
from search.experiment.rows import plain, plain_row
from search.object_store import fetched, is_uri
from search.recipe import SEARCH, configuration, evaluation_config
from sedg import SedgInputError
from sedg.files import atomic_write, atomic_write_text

__all__ = [
    "MODELS_DIR", "best_pipeline", "chosen_trial", "default_model_path", "export", "exported", "load_model",
    "model_target", "predict_table", "reliability_note", "script_target", "script_text", "write_table",
]

#: What every description says; with the model's name, it marks a file pair export wrote.
LOAD_WARNING = "a .joblib file runs code when loaded: load only models you made"
PACKAGES = ("sedg-search", "scikit-learn", "imbalanced-learn", "numpy", "pandas", "scipy", "torch",
            "xgboost", "joblib")


def _chosen_row(experiment: Experiment, rank: int | None, trial_id: str | None) -> tuple[dict, int | None]:
    """The stored row of the configuration to export: ``rank`` among the confirmed configurations
    as ``best`` ranks them, or the finished trial ``trial_id``."""
    if trial_id is not None:
        row = experiment.row(trial_id)
        if row is None:
            raise SedgInputError(f"no trial {trial_id!r} in experiment {experiment.name!r}")
        if row["status"] != OK:
            error = row.get("error")
            raise SedgInputError(f"trial {trial_id!r} ended with status {row['status']!r}, not "
                                 f"{OK!r}: {error if isinstance(error, str) and error else 'no result'}")
        return row, None
    check_values({"rank": Whole(1)}, rank=rank)
    ranked = experiment.ranked()
    column = f"{CONFIRMED_PREFIX}{experiment.objective()[0]}"
    confirmed = ranked[ranked[column].notna()] if column in ranked else ranked.iloc[:0]
    if rank > len(confirmed):
        raise SedgInputError(
            f"--rank {rank}: experiment {experiment.name!r} has {len(confirmed)} confirmed "
            "configuration(s); confirm more ('sedg-search confirm NAME --top N') or pass --trial")
    return experiment.row(confirmed.iloc[rank - 1]["trial_id"]), rank


def best_pipeline(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, rank: int = 1, *,
                  trial_id: str | None = None):
    """The unfitted model of the configuration ranked ``rank`` among the confirmed ones (or of
    trial ``trial_id``), for tables encoded like the experiment's data.

    Examples
    --------
    >>> model = best_pipeline("my-search", "sedg-results")  # doctest: +SKIP
    >>> model.fit(frame, y).predict(new_rows)  # doctest: +SKIP
    """
    experiment = Experiment.open(name, storage_path)
    row, _ = _chosen_row(experiment, rank, trial_id)
    return _pipeline(experiment, row)


def _pipeline(experiment: Experiment, row: dict, data=None):
    from evaluation import make_pipeline

    settings = experiment.settings
    return make_pipeline(evaluation_config(row, settings, SEARCH),
                         experiment.data() if data is None else data, impute=settings.impute)


def export(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, rank: int = 1, path=None, *,
           trial_id: str | None = None, create_folder: bool = False, overwrite: bool = False,
           mlflow_tracking_uri: str | None = None, register: str | None = None):
    """Fit the chosen configuration on the experiment's data with its seed; save it to ``path``
    (a ``.joblib`` file, with ``<path>.json`` beside it) when given, and with
    ``mlflow_tracking_uri`` log it as an MLflow model (``register``: a registered model's name;
    :mod:`search.tracking._model`). Returns the fitted model.

    The output folder must exist (``create_folder`` makes it, for the default one). ``path``
    may not lie in an experiment folder but in its ``models/``, nor replace a file that export
    did not write (``overwrite`` replaces it); nothing is written when anything fails.
    """
    return exported(name, storage_path, rank, path, trial_id=trial_id, create_folder=create_folder,
                    overwrite=overwrite, mlflow_tracking_uri=mlflow_tracking_uri, register=register)[0]


def exported(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, rank: int = 1, path=None, *,
             trial_id: str | None = None, create_folder: bool = False, overwrite: bool = False,
             mlflow_tracking_uri: str | None = None, register: str | None = None):
    """:func:`export`, returning ``(model, logged)``: ``logged`` says where MLflow keeps the model
    (:class:`search.tracking.LoggedModel`; None without a tracking URI)."""
    experiment = Experiment.open(name, storage_path)
    row, rank = _chosen_row(experiment, rank, trial_id)
    if path is not None:
        path = model_target(path, overwrite=overwrite, create_folder=create_folder)
    if mlflow_tracking_uri is not None or register is not None:
        from search.tracking import check_model_tracking

        check_model_tracking(experiment.settings, mlflow_tracking_uri, register)
    data = experiment.data()
    model = _pipeline(experiment, row, data)
    frame = data.to_frame().drop(columns=[data.target])
    model.fit(frame, data.name_labels(data.y))
    if path is None and mlflow_tracking_uri is None:
        return model, None
    description = _description(experiment, row, rank, data, path or Path(f"{row['trial_id']}.joblib"))
    if path is not None:
        import joblib

        path.parent.mkdir(exist_ok=True)
        with removed_on_failure([path, path.with_suffix(".json")]), write_errors_said("--output"):
            atomic_write(path, lambda staging: joblib.dump(model, staging))
            atomic_write_text(path.with_suffix(".json"), json.dumps(description, indent=1, default=str))
        experiment.push()  # a model kept in an experiment on object storage goes there too
    logged = None
    if mlflow_tracking_uri is not None:
        from search.tracking import log_exported_model

        logged = log_exported_model(experiment.settings, model, frame, description, mlflow_tracking_uri,
                                    register)
    return model, logged


def model_target(path, *, overwrite: bool = False, create_folder: bool = False) -> Path:
    """``path`` checked as a model's file, its description's too (:mod:`search._targets`)."""
    path = check_target(path, "--output", suffixes=(".joblib",), ours=_exported,
                        overwrite=overwrite, create_folder=create_folder)
    check_target(path.with_suffix(".json"), "--output's description",
                 ours=lambda _: _exported(path), overwrite=overwrite, create_folder=create_folder)
    return path


def _exported(model: Path) -> bool:
    """Whether ``model`` and its description are a pair export wrote."""
    try:
        description = json.loads(model.with_suffix(".json").read_text())
    except (OSError, ValueError):
        return False
    return (isinstance(description, dict) and description.get("model") == model.name
            and description.get("warning") == LOAD_WARNING)


def chosen_trial(name: str, storage_path: str | Path, rank: int = 1) -> str:
    """The trial id of the configuration ranked ``rank`` among the confirmed ones."""
    row, _ = _chosen_row(Experiment.open(name, storage_path), rank, None)
    return str(row["trial_id"])


def reliability_note(name: str, storage_path: str | Path, trial: str) -> str | None:
    """A line when the exported configuration showed no reliable gain: not confirmed on fresh
    splits, or its confirmed 95 % interval reaching zero (the rule ``best`` says it by)."""
    from search.experiment.ranking import confidence_note

    experiment = Experiment.open(name, storage_path)
    metric, mode = experiment.objective()
    confirmed = experiment.confirmed
    mine = confirmed[confirmed["trial_id"].astype(str) == trial] if not confirmed.empty else confirmed
    if mine.empty:
        return (f"note: configuration {trial} was not confirmed on fresh splits; its {metric} is the "
                "search's estimate ('sedg-search confirm' confirms it)")
    if confidence_note(mine, metric, mode) is not None:
        return (f"note: configuration {trial} showed no reliable gain in {metric} on its fresh "
                "splits (its 95 % interval reaches zero); it is exported as asked")
    return None


def default_model_path(name: str, storage_path: str | Path, trial: str) -> Path:
    """``<experiment>/models/<trial>.joblib``."""
    return Experiment.open(name, storage_path).directory / MODELS_DIR / f"{trial}.joblib"


def _description(experiment: Experiment, row: dict, rank: int | None, data, path: Path) -> dict:
    """What the model is, readable without unpickling it."""
    settings = experiment.settings
    metric = settings.metrics[0]
    confirmed = experiment.confirmed
    mine = confirmed[confirmed["trial_id"].astype(str) == str(row["trial_id"])] if not confirmed.empty \
        else confirmed
    numbers = plain_row(mine.iloc[0].to_dict()) if len(mine) else {}
    confirmation = {key: value for key, value in numbers.items()
                    if key.startswith((CONFIRMED_PREFIX, FINAL_PREFIX))}
    return {
        "model": path.name,
        "experiment": experiment.name,
        "trial_id": str(row["trial_id"]),
        "rank": rank,
        "configuration": configuration(row, settings),
        "seed": settings.seed,
        "metric": metric,
        "in_search": {key: plain(row.get(key)) for key in (metric, f"{metric}_se", "n_splits")},
        "confirmation": confirmation,
        "data": {"path": settings.data or "embedded synthetic grades", "target": data.target,
                 "fingerprint": data.fingerprint, "rows": int(len(data.y)),
                 "final_test": settings.final_test, "impute": settings.impute,
                 "features": list(data.feature_names), "labels": data.class_names.tolist()},
        "versions": _versions(),
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "warning": LOAD_WARNING,
    }


def _versions() -> dict:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return versions


def load_model(path: str | Path):
    """A model saved by ``export`` (it warns when saved by another version of sedg-search).

    Raises
    ------
    SedgInputError
        Not a file, or not a sedg-search model.
    """
    import joblib

    from evaluation import SynthesisPipeline

    path = fetched(path, "--model", "model file") if is_uri(path) else Path(path)
    if not path.is_file():
        raise SedgInputError(f"model file not found: {path}")
    try:
        model = joblib.load(path)
    except Exception as error:  # pickle and joblib raise many types for a file that is not one
        raise SedgInputError(f"{path} is not a sedg-search model ({type(error).__name__})") from None
    if not isinstance(model, SynthesisPipeline):
        raise SedgInputError(f"{path} is not a sedg-search model (it holds a {type(model).__name__})")
    return model


def predict_table(model, frame: pd.DataFrame, *, proba: bool = False) -> pd.DataFrame:
    """One row per input row, in input order: ``prediction`` and, with ``proba``, one
    ``proba_<label>`` column per class in label order."""
    out = pd.DataFrame({"prediction": model.predict(frame)}, index=frame.index)
    if proba:
        probabilities = model.predict_proba(frame)
        for column, label in enumerate(model.classes_.tolist()):
            out[f"proba_{label}"] = probabilities[:, column]
    return out.reset_index(drop=True)


def write_table(table: pd.DataFrame, path: Path) -> Path:
    """``table`` as CSV or Parquet (by the suffix), written whole or not at all."""
    with write_errors_said("--output"):
        if path.suffix.lower() == ".parquet":
            return atomic_write(path, lambda staging: table.to_parquet(staging, index=False))
        return atomic_write(path, lambda staging: table.to_csv(staging, index=False))


#: The first line of every rebuild script; it marks a file that export may write again.
SCRIPT_MARK = "# A sedg-search rebuild script, written by 'sedg-search export --python'."

SCRIPT = SCRIPT_MARK + """
\"\"\"Rebuild one configuration of a sedg-search experiment and fit it on a table.

Usage: python THIS_SCRIPT DATA_FILE [--target TARGET] [--save MODEL.joblib]
       (DATA_FILE "embedded": the embedded synthetic grades)

The rows are encoded as load_table encodes the file (it infers every column's kind and codes
from it): on the experiment's data, with its seed, the fitted model predicts as the exported
one does (an export made with FINAL_TEST set was fitted on the search part only). What it
rebuilds is below, every value a Python literal.
\"\"\"

import argparse

import joblib

from evaluation import EvaluationConfig, make_pipeline
from sedg.datasets import load_table, make_grades

EXPERIMENT = {experiment}
TRIAL = {trial}
DATA = {data}  # the experiment's data file; None: the embedded synthetic grades
TARGET = {target}
GRADES_ROWS = {grades}
FINAL_TEST = {final_test}
IMPUTE = {impute}
LABEL_ORDER = {label_order}
CONFIG = EvaluationConfig(
    resampler={method},
    resampler_params={resampler_params},
    classifier={classifier},
    classifier_params={classifier_params},
    seed={seed},
)


def build(data):
    \"\"\"The unfitted model: encoder -> resampler -> classifier, as the search built it.\"\"\"
    return make_pipeline(CONFIG, data, impute=IMPUTE)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description="Rebuild configuration %s of sedg-search experiment %r" % (TRIAL, EXPERIMENT))
    parser.add_argument("data")
    parser.add_argument("--target", default=TARGET)
    parser.add_argument("--save", help="where to save the fitted model")
    args = parser.parse_args()
    if args.data == "embedded":
        data = make_grades(n_samples=GRADES_ROWS)
    else:
        data = load_table(args.data, target=args.target, impute=IMPUTE, label_order=LABEL_ORDER)
    model = build(data).fit(data.to_frame().drop(columns=[data.target]), data.name_labels(data.y))
    print(model.named_steps)
    if args.save:
        joblib.dump(model, args.save)
"""


def script_target(path, *, overwrite: bool = False) -> Path:
    """``path`` checked as a rebuild script's file (:mod:`search._targets`)."""
    return check_target(path, "--python", suffixes=(".py",), ours=_is_rebuild_script,
                        overwrite=overwrite)


def _is_rebuild_script(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readline().rstrip("\n") == SCRIPT_MARK
    except (OSError, UnicodeDecodeError):
        return False


def script_text(name: str, storage_path: str | Path, rank: int = 1, *,
                trial_id: str | None = None) -> str:
    """The rebuild script of the chosen configuration. Every value in it is a literal written by
    ``repr`` and read back by :func:`ast.literal_eval` first, so no name, path or parameter
    becomes code."""
    experiment = Experiment.open(name, storage_path)
    row, _ = _chosen_row(experiment, rank, trial_id)
    settings = experiment.settings
    config = evaluation_config(row, settings, SEARCH)
    values = {
        "experiment": name, "trial": str(row["trial_id"]), "data": settings.data,
        "target": settings.target, "grades": settings.grades_samples,
        "final_test": settings.final_test, "impute": settings.impute,
        "label_order": settings.label_order, "method": config.resampler,
        "resampler_params": config.resampler_params, "classifier": config.classifier,
        "classifier_params": config.classifier_params, "seed": config.seed,
    }
    return SCRIPT.format(**{key: _literal(key, value) for key, value in values.items()})


def _literal(key: str, value) -> str:
    text = repr(value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        raise SedgInputError(f"the rebuild script cannot hold {key} {text}: it is not a "
                             "Python literal") from None
    return text
