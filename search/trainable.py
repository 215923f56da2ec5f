"""The Ray Tune trainable: one trial evaluates one configuration and reports one row."""

from __future__ import annotations

import json
import math
import time
import traceback
from datetime import datetime, timezone

from evaluation import METHODS, EvaluationConfig, InvalidConfiguration, evaluate
from evaluation.classifiers import CLASSIFIERS
from evaluation.splits import n_splits
from search.settings import SearchSettings, import_plugins, load_data
from search.space import resampler_params
from search.store import FAILED, INVALID, OK
from sedg import DiskArtifacts, MemoryArtifacts

__all__ = ["make_trainable", "run_trial", "uses_gpu"]

NAN = float("nan")


def uses_gpu(config: dict, settings: SearchSettings) -> bool:
    """Whether a configuration's trial should ask for a GPU share: torch-based work only
    (a torch classifier such as NNModel, or a method whose spec says ``uses_torch``)."""
    if settings.gpus_per_trial <= 0:
        return False
    method = config.get("method") or settings.methods[0]
    return METHODS[method].uses_torch or CLASSIFIERS[_classifier(config, settings)].uses_torch


def _classifier(config: dict, settings: SearchSettings) -> str:
    return config.get("classifier") or settings.classifiers[0]


def make_trainable(settings: SearchSettings):
    """The function trainable with its resource request decided per configuration.

    Only two resource shapes exist (CPU only, or CPU plus the GPU share), so
    Ray can still reuse actors between trials of the same shape.
    """
    from ray import tune

    settings_json = settings.to_json()

    def sedg_trial(config: dict) -> None:
        run_trial(config, SearchSettings.from_json(settings_json))

    def resources(config: dict) -> dict:
        gpu = settings.gpus_per_trial if uses_gpu(config, settings) else 0
        return {"cpu": settings.cpus_per_trial, "gpu": gpu}

    return tune.with_resources(sedg_trial, resources=resources)


def run_trial(config: dict, settings: SearchSettings) -> dict:
    """Evaluate ``config``; report per fold (cv) and a final result carrying the row."""
    import ray
    import torch
    from ray import tune

    import_plugins(settings.plugins)
    torch.set_num_threads(max(1, int(settings.cpus_per_trial)))
    trial_id = tune.get_context().get_trial_id() or "local"
    started = time.perf_counter()
    method = config.get("method") or settings.methods[0]
    classifier = _classifier(config, settings)
    params = resampler_params(config, method)
    row = {
        **config,
        "trial_id": trial_id,
        "method": method,
        "classifier": classifier,
        "protocol": settings.protocol,
        "seed": settings.seed,
        "node_id": ray.get_runtime_context().get_node_id(),
    }
    assigned = ray.get_runtime_context().get_assigned_resources()
    row.update(cpu_share=assigned.get("CPU", 0.0), gpu_share=assigned.get("GPU", 0.0))
    if settings.share_artifacts:
        artifacts = DiskArtifacts(settings.experiment_dir / "artifacts", trial_id=trial_id)
    else:  # every trial computes its own (for measuring what sharing saves)
        artifacts = MemoryArtifacts()
    n_folds = n_splits(settings.protocol)

    def on_fold(fold: int, metrics: dict, deltas: dict) -> None:
        if fold < n_folds - 1:  # the last fold's values come with the final report
            folds_metrics.append({**metrics, **deltas})
            tune.report(_objective(_running_mean(folds_metrics), settings) | {"folds_done": fold + 1})

    folds_metrics: list[dict] = []
    try:
        data = load_data(settings.data_spec())
        row.update(dataset=data.name, dataset_fingerprint=data.fingerprint)
        evaluation = EvaluationConfig(
            classifier=classifier,
            resampler=method,
            resampler_params=params,
            protocol=settings.protocol,
            seed=settings.seed,
            classifier_params=_classifier_params(config, classifier, settings),
        )
        result = evaluate(data, evaluation, artifacts=artifacts, on_fold=on_fold)
        row.update(result.to_row())
        info = json.dumps(result.resampler_info, default=str)
        row.update(status=OK, folds_done=n_folds, resampler_info=info)
    except InvalidConfiguration as error:
        row.update(status=INVALID, error=str(error))
    except Exception as error:  # recorded as the trial's outcome; the search goes on
        row.update(status=FAILED, error=f"{type(error).__name__}: {error}")
        row["traceback"] = traceback.format_exc(limit=5)
    used = getattr(artifacts, "used", [])
    row["artifacts_reused"] = json.dumps(sorted({e["kind"] for e in used if e["event"] == "hit"}))
    row["time_total"] = time.perf_counter() - started
    row["finished_at"] = datetime.now(timezone.utc).isoformat()
    final = _objective(row, settings) | {"folds_done": row.get("folds_done", 0)}
    final["row_json"] = json.dumps(row, default=_jsonable)
    tune.report(final)
    return row


def _classifier_params(config: dict, classifier: str, settings: SearchSettings) -> dict:
    if classifier == "nnmodel" and settings.gpus_per_trial > 0:
        return {"device": "auto"}
    if classifier == "nnmodel":
        return {"device": "cpu"}
    return {}


def _objective(values: dict, settings: SearchSettings) -> dict:
    """The objective metrics; NaN or infinite values become NaN (Optuna then marks a failure)."""
    out = {}
    for metric in settings.metrics:
        value = values.get(metric, NAN)
        out[metric] = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else NAN
    return out


def _running_mean(folds: list[dict]) -> dict:
    keys = folds[0].keys()
    means = {}
    for key in keys:
        values = [fold[key] for fold in folds if math.isfinite(fold[key])]
        means[key] = sum(values) / len(values) if values else NAN
    return means


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    return str(value)
