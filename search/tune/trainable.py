"""The Ray Tune trainable: one trial evaluates one configuration and reports one row."""

from __future__ import annotations

import json
import math
import time
import traceback
from datetime import datetime, timezone

from evaluation import InvalidConfiguration, evaluate
from evaluation.methods import import_plugins
from evaluation.metrics import minority_labels
from evaluation.results import summarise_splits
from search._data import load_data
from search.experiment.rows import ROW_KEY, SPLIT_KEY, jsonable, split_row
from search.experiment.store import FAILED, INVALID, OK, STOPPED
from search.recipe import SEARCH, classifier_of, evaluation_config, method_of, uses_gpu
from search.settings import SearchSettings
from search.tune.artifacts import store_for
from sedg.datasets import TabularData

__all__ = ["make_trainable", "run_trial"]

NAN = float("nan")


def make_trainable(settings: SearchSettings, data: TabularData | None = None):
    """The function trainable with its resource request decided per configuration.

    Only two resource shapes exist (CPU only, or CPU plus the GPU share), so
    Ray can still reuse actors between trials of the same shape. ``data``, the
    rows the search's splits are drawn from, is put in Ray's object store once
    and handed to every trial (without it each worker reads the file).
    """
    from ray import tune

    settings_json = settings.to_json()

    def sedg_trial(config: dict, data: TabularData | None = None) -> None:
        run_trial(config, SearchSettings.from_json(settings_json), data)

    if data is not None:
        sedg_trial = tune.with_parameters(sedg_trial, data=data)

    def resources(config: dict) -> dict:
        gpu = settings.gpus_per_trial if uses_gpu(config, settings) else 0
        return {"cpu": settings.cpus_per_trial, "gpu": gpu}

    return tune.with_resources(sedg_trial, resources=resources)


def run_trial(config: dict, settings: SearchSettings, data: TabularData | None = None) -> dict:
    """Evaluate ``config``; report after every split, the final report carrying the row.

    Every report carries the split's own values (``split_json``, stored as one
    evaluation row; ``split_value`` for racing), the running objective over
    the splits done, and the trial's row so far (``row_json``), so a trial a
    scheduler stops keeps a row with ``status="stopped"`` and its ``n_splits``.
    """
    import ray
    from ray import tune

    import_plugins(settings.plugins)
    # No more threads than the trial's CPU share: trials running side by side must not
    # oversubscribe the cores (BLAS, OpenMP and torch each start one thread per core).
    threads = max(1, int(settings.cpus_per_trial))
    trial_id = tune.get_context().get_trial_id() or "local"
    started = time.perf_counter()
    row = {
        **config,
        "trial_id": trial_id,
        "method": method_of(config, settings),
        "classifier": classifier_of(config, settings),
        "protocol": settings.protocol,
        "seed": settings.seed,
        "node_id": ray.get_runtime_context().get_node_id(),
    }
    assigned = ray.get_runtime_context().get_assigned_resources()
    row.update(cpu_share=assigned.get("CPU", 0.0), gpu_share=assigned.get("GPU", 0.0))
    artifacts = store_for(settings, trial_id)
    planned = settings.n_splits
    done: dict[str, list] = {"metrics": [], "baselines": [], "deltas": []}
    minority: list = []

    def on_split(split: int, seed: int, metrics: dict, baseline: dict, deltas: dict) -> None:
        for key, values in zip(done, (metrics, baseline, deltas)):
            done[key].append(values)
        values = split_row(trial_id, SEARCH, split, seed, metrics, baseline, deltas)
        so_far = summarise_splits(done["metrics"], done["baselines"], done["deltas"], minority,
                                  test_train_ratio=trial_config.test_train_ratio)
        now = time.perf_counter()
        seconds, clock[0] = now - clock[0], now
        report = {**_objective(so_far, settings), "n_splits": split + 1, "split_seconds": seconds,
                  "split": split, "split_value": _finite(values.get(settings.metrics[0])),
                  SPLIT_KEY: json.dumps(values, default=jsonable)}
        if split < planned - 1:  # the last split comes with the final report
            # A trial stopped here keeps its time so far (the profile's sums count it).
            partial = {**row, **so_far, "status": STOPPED, "time_total": time.perf_counter() - started,
                       "finished_at": datetime.now(timezone.utc).isoformat()}  # its last split's end
            tune.report(report | {ROW_KEY: json.dumps(partial, default=jsonable)})
        else:
            last.update(report)

    last: dict = {}
    clock = [started]  # when the last split ended: its successor's seconds count from there
    try:
        loading = time.perf_counter()
        data = data if data is not None else load_data(settings.data_spec())
        row["time_data"] = time.perf_counter() - loading
        minority.extend(minority_labels(data.class_counts))
        row.update(dataset=data.name, dataset_fingerprint=data.fingerprint, n_folds=planned)
        trial_config = evaluation_config(config, settings, SEARCH)
        result = evaluate(data, trial_config, artifacts=artifacts, on_split=on_split, n_jobs=threads)
        row.update(result.to_row())
        info = json.dumps(result.resampler_info, default=str)
        # ``method`` stays what was asked; what ran instead, if anything, is said beside it.
        row.update(status=OK, resampler_info=info, fallback=result.resampler_info.get("fallback"),
                   nominal=result.resampler_info.get("nominal"))
    except InvalidConfiguration as error:
        row.update(status=INVALID, error=str(error))
    except Exception as error:  # recorded as the trial's outcome; the search goes on
        row.update(status=FAILED, error=f"{type(error).__name__}: {error}")
        row["traceback"] = traceback.format_exc(limit=-8)  # the innermost frames: where it raised
    used = getattr(artifacts, "used", [])
    row["artifacts_reused"] = json.dumps(sorted({e["kind"] for e in used if e["event"] == "hit"}))
    row["time_wait"] = sum(e.get("waited", 0.0) for e in used)
    row["time_total"] = time.perf_counter() - started
    row["finished_at"] = datetime.now(timezone.utc).isoformat()
    final = {**last, **_objective(row, settings), "n_splits": row.get("n_splits", 0)}
    final[ROW_KEY] = json.dumps(row, default=jsonable)
    tune.report(final)
    return row


def _finite(value) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else NAN


def _objective(values: dict, settings: SearchSettings) -> dict:
    """The objective metrics; NaN or infinite values become NaN (Optuna then marks a failure)."""
    out = {}
    for metric in settings.metrics:
        value = values.get(metric, NAN)
        out[metric] = float(value) if isinstance(value, (int, float)) and math.isfinite(value) else NAN
    return out
