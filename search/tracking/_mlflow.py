"""Experiment tracking: every trial of a search as an MLflow run (and a Weights & Biases run).

The search is one MLflow run (its settings as parameters, the report's
figures as artifacts); each trial is a run nested under it (``mlflow.parentRunId``),
tagged ``sedg.trial_id``, with its configuration as parameters, the objective
after every split as a metric history (step = split) and its row's metrics at
the end; the confirmation adds ``confirmed_*`` metrics to the trial's run. The
driver logs it all (trials run on workers that may not reach the tracking
server). The search run's id is kept in ``tracking.json`` so ``extend``,
``resume`` and ``confirm`` log to the same run.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from sedg import SedgInputError
from sedg.environment import environment_for
from sedg.files import atomic_write_text

__all__ = ["TRACKING_FILE", "check_tracking", "end_search_run", "has_wandb", "log_confirmation",
           "log_artifacts", "start_search_run"]

TRACKING_FILE = "tracking.json"
TRIAL_TAG, SEARCH_TAG = "sedg.trial_id", "sedg.experiment"
#: Seconds an HTTP tracking server may take before the check calls it unreachable.
CHECK_TIMEOUT_S = 5
# A row's columns that are not metrics (identifiers, timings, text).
_NOT_METRICS = ("seed", "n_folds", "cpu_share", "gpu_share")


def _mlflow():
    try:
        import mlflow
    except ImportError:
        raise SedgInputError("--mlflow-tracking-uri needs mlflow: pip install "
                             "'sedg-search[tracking]' (or mlflow-skinny)") from None
    return mlflow


def _client(uri: str):
    return _mlflow().MlflowClient(tracking_uri=uri)


def _bounded_requests():
    """MLflow without retries and with a short timeout (a value the user set is kept), so the
    check before a search says "unreachable" in seconds; as it was afterwards: during the
    search, MLflow's own retries ride out a server's hiccup."""
    return environment_for({"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
                            "MLFLOW_HTTP_REQUEST_TIMEOUT": str(CHECK_TIMEOUT_S)})


def check_tracking(settings) -> None:
    """Before Ray starts: the tracking URI is well formed and answers, and the MLflow
    experiment can be read or made; W&B's absence is said in one line (its runs are skipped)."""
    uri = settings.mlflow_tracking_uri
    if uri:
        if "://" not in uri and not uri.startswith(("databricks", "file:")):
            raise SedgInputError(f"--mlflow-tracking-uri {uri!r} is not a URI; give sqlite:////abs/"
                                 "mlflow.db, file:///abs/mlruns or http://host:5000")
        try:
            with _bounded_requests():
                _experiment_id(_client(uri), settings)
        except SedgInputError:
            raise
        except Exception as error:  # an unknown scheme, a refused connection, a bad path
            first = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
            raise SedgInputError(f"--mlflow-tracking-uri {uri}: unreachable or unusable ({first})") from None
    if settings.wandb_project and not has_wandb():
        print("wandb is not installed: --wandb-project is skipped (pip install wandb)", flush=True)


def has_wandb() -> bool:
    import importlib.util

    return importlib.util.find_spec("wandb") is not None


def _experiment_id(client, settings) -> str:
    """The MLflow experiment's id, made when missing (its artifacts beside a SQLite store)."""
    name = settings.mlflow_experiment
    found = client.get_experiment_by_name(name)
    if found is not None:
        if found.lifecycle_stage == "deleted":
            raise SedgInputError(f"MLflow experiment {name!r} is deleted: restore it or choose "
                                 "another --mlflow-experiment")
        return found.experiment_id
    location = None
    if settings.mlflow_tracking_uri.startswith("sqlite:///"):
        database = Path(settings.mlflow_tracking_uri[len("sqlite:///"):])
        location = (database.parent / "mlartifacts").as_uri()
    return client.create_experiment(name, artifact_location=location)


def _metric_name(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z_\-./ ]", "_", name)


def _metrics(row: dict) -> dict[str, float]:
    return {_metric_name(key): float(value) for key, value in row.items()
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and key not in _NOT_METRICS}


def _params(config: dict) -> dict[str, str]:
    return {key: str(value)[:500] for key, value in config.items() if value is not None}


def start_search_run(settings) -> str | None:
    """The search's MLflow run (made once; ``tracking.json`` keeps its id); None without MLflow."""
    if not settings.mlflow_tracking_uri:
        return None
    path = settings.experiment_dir / TRACKING_FILE
    try:
        return json.loads(path.read_text())["mlflow_run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    client = _client(settings.mlflow_tracking_uri)
    run = client.create_run(_experiment_id(client, settings), run_name=settings.name,
                            tags={SEARCH_TAG: settings.name})
    values = json.loads(settings.to_json())
    client.log_batch(run.info.run_id, params=[_param(k, v) for k, v in _params(values).items()])
    atomic_write_text(path, json.dumps({"mlflow_tracking_uri": settings.mlflow_tracking_uri,
                                        "mlflow_run_id": run.info.run_id}))
    return run.info.run_id


def _param(key: str, value: str):
    from mlflow.entities import Param

    return Param(key, value)


def _metric_batch(metrics: dict[str, float], step: int = 0) -> list:
    import time

    from mlflow.entities import Metric

    now = int(time.time() * 1000)
    return [Metric(key, value, now, step) for key, value in metrics.items()]


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _tag(key: str, value: str):
    from mlflow.entities import RunTag

    return RunTag(key, value)


def _trial_runs(client, settings) -> dict[str, str]:
    """Trial id -> its MLflow run id, for the search's trials."""
    experiment = client.get_experiment_by_name(settings.mlflow_experiment)
    runs = client.search_runs([experiment.experiment_id],
                              filter_string=f"tags.`{SEARCH_TAG}` = '{settings.name}'",
                              max_results=50_000)
    return {run.data.tags[TRIAL_TAG]: run.info.run_id for run in runs if TRIAL_TAG in run.data.tags}


def log_confirmation(settings, summaries) -> None:
    """Each confirmed configuration's ``confirmed_*`` (and ``final_*``) numbers on its trial's run."""
    if not settings.mlflow_tracking_uri or summaries is None or len(summaries) == 0:
        return
    client = _client(settings.mlflow_tracking_uri)
    runs = _trial_runs(client, settings)
    for summary in summaries.to_dict("records"):
        run_id = runs.get(summary["trial_id"])
        if run_id is not None:
            client.log_batch(run_id, metrics=_metric_batch(_metrics(summary)))


def log_artifacts(settings, paths, folder: str) -> None:
    """Log ``paths`` (the report's figures and page) as the search run's artifacts in ``folder``."""
    run_id = start_search_run(settings)
    if run_id is None:
        return
    client = _client(settings.mlflow_tracking_uri)
    for path in paths:
        client.log_artifact(run_id, str(path), artifact_path=folder)


def end_search_run(settings) -> None:
    """Mark the search's MLflow run finished (``extend`` and ``resume`` log to it again)."""
    run_id = start_search_run(settings)
    if run_id is not None:
        _client(settings.mlflow_tracking_uri).set_terminated(run_id, status="FINISHED")
