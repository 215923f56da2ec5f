"""An exported model in MLflow: the fitted pipeline as an MLflow model a deployment tool takes.

``sedg-search export NAME --mlflow-tracking-uri URI [--register MODEL]`` logs the pipeline that
``export`` fitted with MLflow's scikit-learn flavour, which gives it the ``python_function``
(pyfunc) flavour too: ``mlflow.pyfunc.load_model(uri).predict(frame)`` returns the labels
``sedg-search predict`` prints in its ``prediction`` column. With it go a signature (the
experiment's feature columns and the label's type), an input example (five rows of the
experiment's data), the requirements pinned to the versions that fitted it, and the export's
description (``description.json``) as an artifact. It is logged in the search's own MLflow run
when the search tracked to the same URI (``tracking.json``), else in a new run of the
experiment's ``--mlflow-experiment`` tagged with the experiment and the trial; ``--register``
adds it to the model registry as a new version of ``MODEL``.

A model logged so is loaded with cloudpickle, as the ``.joblib`` file is: load only models you
made, and with sedg-search installed.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pandas as pd

from search.tracking._mlflow import (
    SEARCH_TAG,
    TRACKING_FILE,
    TRIAL_TAG,
    _bounded_requests,
    _client,
    _experiment_id,
    _mlflow,
    check_tracking,
)
from sedg import SedgInputError

__all__ = ["LoggedModel", "check_model_tracking", "log_exported_model"]

#: Rows of the experiment's data kept as the model's input example.
EXAMPLE_ROWS = 5


@dataclass(frozen=True)
class LoggedModel:
    """Where an exported model went: its MLflow URI, run, and registry version (or None)."""

    model_uri: str
    run_id: str
    registered: str | None = None

    def lines(self) -> list[str]:
        """What ``export`` prints about it."""
        said = [f"mlflow model: {self.model_uri} (run {self.run_id})"]
        if self.registered:
            said.append(f"registered: {self.registered}")
        return said


def check_model_tracking(settings, uri: str | None, register: str | None) -> None:
    """Before the model is fitted: ``--register`` comes with a tracking URI and a name, and the
    URI answers (one line each, as for a search's ``--mlflow-tracking-uri``)."""
    if register is not None and uri is None:
        raise SedgInputError("--register needs --mlflow-tracking-uri: the registry is a tracking server's")
    if register is not None and not register.strip():
        raise SedgInputError("--register needs a model name, got an empty one")
    if uri is not None:
        check_tracking(replace(settings, mlflow_tracking_uri=uri, wandb_project=None))


def _search_run(settings, uri: str) -> str | None:
    """The search's own MLflow run, when it tracked to ``uri``."""
    try:
        tracked = json.loads((settings.experiment_dir / TRACKING_FILE).read_text())
    except (OSError, ValueError):
        return None
    if isinstance(tracked, dict) and tracked.get("mlflow_tracking_uri") == uri:
        return tracked.get("mlflow_run_id")
    return None


@contextmanager
def _quiet_mlflow() -> Iterator[None]:
    """MLflow's log lines and warnings held back while the model is logged: its pickle caution
    is the description's own warning, and the registry's lines are said once by ``export``."""
    logger = logging.getLogger("mlflow")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def log_exported_model(settings, model, frame: pd.DataFrame, description: dict, uri: str,
                       register: str | None = None) -> LoggedModel:
    """Log ``model`` (fitted on ``frame``) to MLflow at ``uri`` as the module says."""
    mlflow = _mlflow()
    from mlflow.models import infer_signature

    trial = description["trial_id"]
    requirements = [f"{package}=={version}" for package, version in description["versions"].items()
                    if version is not None]
    example = frame.head(EXAMPLE_ROWS)
    previous = mlflow.get_tracking_uri()
    with _quiet_mlflow():
        signature = infer_signature(example, model.predict(example))
        with _bounded_requests():
            client = _client(uri)
            experiment_id = _experiment_id(client, replace(settings, mlflow_tracking_uri=uri))
        run_id = _search_run(settings, uri)
        if run_id is None:
            run_id = client.create_run(experiment_id, run_name=f"{settings.name} export {trial}",
                                       tags={SEARCH_TAG: settings.name, TRIAL_TAG: trial}).info.run_id
        mlflow.set_tracking_uri(uri)  # the fluent API's, for this call only
        try:
            with mlflow.start_run(run_id=run_id):
                info = mlflow.sklearn.log_model(
                    model, name=f"model-{trial}", signature=signature, input_example=example,
                    pip_requirements=requirements, registered_model_name=register,
                    serialization_format=mlflow.sklearn.SERIALIZATION_FORMAT_CLOUDPICKLE)
                mlflow.log_dict(description, f"model-{trial}-description.json")
        finally:
            mlflow.set_tracking_uri(previous)
    registered = None if register is None else f"{register} version {info.registered_model_version}"
    return LoggedModel(info.model_uri, run_id, registered)
