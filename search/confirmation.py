"""The confirmed best: the top configurations re-evaluated on splits the search never saw.

The best of many trials is biased upwards (it won partly by split noise).
When a search ends, its top K configurations by in-search mean — among
trials that ran every split — are evaluated again on fresh splits (the
confirmation stream of seeds, :data:`evaluation.splits.CONFIRM_STREAM`), one
Ray task per (configuration, split) so that they spread over the cluster.
With ``--final-test`` the part of the data no search split ever touched
scores each of them once more (``final_delta_<metric>``). Every split lands
in the per-split store (phase ``confirm`` or ``final``); the summary of each
configuration in ``confirmed/<trial_id>.parquet``.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from evaluation import EvaluationConfig, evaluate
from evaluation.metrics import minority_labels, result_names
from evaluation.protocol import summarise_splits
from evaluation.splits import CONFIRM_STREAM, make_splits
from search.settings import SearchSettings, import_plugins, load_data, load_table_of
from search.space import resampler_params
from search.store import OK, ResultsStore, load_results
from sedg import DiskArtifacts, MemoryArtifacts

__all__ = [
    "CONFIRMED_PREFIX", "FINAL_PREFIX", "confirm_top", "confirmation_protocol",
]

CONFIRMED_PREFIX, FINAL_PREFIX = "confirmed_", "final_"
#: Seeds of the final-test evaluation: apart from the search's and the confirmation's.
FINAL_STREAM = 2


def confirmation_protocol(protocol: str) -> str:
    """Fresh splits of the search's own kind: the repeated form of a paper's protocol."""
    return {"holdout": "repeated_holdout", "cv": "repeated_cv"}.get(protocol, protocol)


def _config(settings: SearchSettings, row: dict) -> EvaluationConfig:
    from search.trainable import classifier_params

    method, classifier = row["method"], row["classifier"]
    return EvaluationConfig(
        classifier=classifier, resampler=method, resampler_params=resampler_params(row, method),
        protocol=confirmation_protocol(settings.protocol), repeats=settings.confirm_repeats,
        seed=settings.seed, stream=CONFIRM_STREAM,
        classifier_params=classifier_params(row, classifier, settings),
    )


def _artifacts(settings: SearchSettings, label: str):
    if settings.share_artifacts:
        return DiskArtifacts(settings.experiment_dir / "artifacts", trial_id=label)
    return MemoryArtifacts()


def _values(metrics: dict, baseline: dict, deltas: dict) -> dict:
    return {**metrics, **{f"baseline_{k}": v for k, v in baseline.items()}, **deltas}


def _one_split(data, config: EvaluationConfig, artifacts, **which) -> dict:
    """Evaluate one split; return its index, seed, metrics, baseline and improvements."""
    out: dict = {}

    def keep(index, seed, metrics, baseline, deltas):
        out.update(split=index, seed=seed, metrics=metrics, baseline=baseline, deltas=deltas)

    evaluate(data, config, artifacts=artifacts, on_split=keep, **which)
    return out


def confirm_split(settings_json: str, row: dict, split: int) -> dict:
    """One configuration on one fresh split (runs as a Ray task)."""
    settings = SearchSettings.from_json(settings_json)
    import_plugins(settings.plugins)
    data = load_data(settings.data_spec())
    return _one_split(data, _config(settings, row), _artifacts(settings, f"confirm-{row['trial_id']}"),
                      split_indices=[split])


def final_split(settings_json: str, row: dict) -> dict:
    """One configuration trained on the whole search part, scored on the final-test part."""
    settings = SearchSettings.from_json(settings_json)
    import_plugins(settings.plugins)
    whole = load_table_of(settings.data_spec())
    (search_rows, final_rows), = make_splits(whole.y, "holdout", seed=settings.seed,
                                             test_size=settings.final_test)
    config = replace(_config(settings, row), protocol="holdout", stream=FINAL_STREAM)
    return _one_split(whole, config, _artifacts(settings, f"final-{row['trial_id']}"),
                      splits=[(search_rows, final_rows)])


def _top(settings: SearchSettings) -> list[dict]:
    rows = load_results(settings.experiment_dir)
    metric, mode = settings.metrics[0], settings.modes[0]
    if rows.empty or metric not in rows:
        return []
    values = pd.to_numeric(rows[metric], errors="coerce")
    full = rows["n_splits"].fillna(0) >= settings.n_splits if "n_splits" in rows else True
    usable = rows[(rows["status"] == OK) & np.isfinite(values) & full]
    ranked = usable.sort_values(metric, ascending=mode == "min", kind="stable")
    chosen, seen = [], set()
    for row in ranked.to_dict("records"):
        row = _plain(row)
        params = resampler_params(row, row["method"])
        key = (row["method"], row["classifier"], tuple(sorted(params.items())))
        if key not in seen:  # a configuration the searcher proposed twice is confirmed once
            seen.add(key)
            chosen.append(row)
        if len(chosen) == settings.confirm_top:
            break
    return chosen


def _plain(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def confirmed_schema(labels) -> pa.Schema:
    names = [n for n in result_names(labels) if n.startswith("delta_")]
    fields = [("trial_id", pa.string()), ("method", pa.string()), ("classifier", pa.string()),
              (f"{CONFIRMED_PREFIX}n_splits", pa.int64())]
    fields += [(f"{CONFIRMED_PREFIX}{name}", pa.float64()) for name in names]
    fields += [(f"{FINAL_PREFIX}{name}", pa.float64()) for name in names if not name.endswith("_se")]
    return pa.schema(fields)


def confirm_top(settings: SearchSettings) -> pd.DataFrame:
    """Confirm the top ``settings.confirm_top`` configurations (Ray must be initialised)."""
    import ray

    from search.trainable import uses_gpu

    top = _top(settings)
    if not top or settings.confirm_top == 0:
        return pd.DataFrame()
    data = load_data(settings.data_spec())
    minority = minority_labels(data.class_counts)
    store = ResultsStore(settings.experiment_dir)
    settings_json = settings.to_json()
    n_splits = len(_config(settings, top[0]).split_seeds())
    tasks, finals = [], []
    for row in top:
        options = {"num_cpus": settings.cpus_per_trial,
                   "num_gpus": settings.gpus_per_trial if uses_gpu(row, settings) else 0}
        tasks.append([ray.remote(**options)(confirm_split).remote(settings_json, row, split)
                      for split in range(n_splits)])
        if settings.final_test:
            finals.append(ray.remote(**options)(final_split).remote(settings_json, row))
    schema = confirmed_schema(data.labels)
    summaries = []
    for position, (row, refs) in enumerate(zip(top, tasks)):
        splits = ray.get(refs)
        for split in splits:
            store.write_evaluation({"trial_id": row["trial_id"], "phase": "confirm", "split": split["split"],
                                    "seed": split["seed"], **_values(split["metrics"], split["baseline"],
                                                                      split["deltas"])})
        summary = summarise_splits([s["metrics"] for s in splits], [s["baseline"] for s in splits],
                                   [s["deltas"] for s in splits], minority)
        confirmed = {"trial_id": row["trial_id"], "method": row["method"], "classifier": row["classifier"],
                     f"{CONFIRMED_PREFIX}n_splits": summary["n_splits"]}
        confirmed.update({f"{CONFIRMED_PREFIX}{k}": v for k, v in summary.items() if k.startswith("delta_")})
        if finals:
            final = ray.get(finals[position])
            store.write_evaluation({"trial_id": row["trial_id"], "phase": "final", "split": 0,
                                    "seed": final["seed"], **_values(final["metrics"], final["baseline"],
                                                                      final["deltas"])})
            confirmed.update({f"{FINAL_PREFIX}{k}": v for k, v in final["deltas"].items()})
        store.write_confirmed(confirmed, schema)
        summaries.append(confirmed)
    return pd.DataFrame(summaries)
