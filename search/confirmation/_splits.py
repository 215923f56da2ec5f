"""The confirmed best: the top configurations re-evaluated on splits the search never saw.

The best of many trials is biased upwards (it won partly by split noise).
When a search ends, its top K configurations by in-search mean — among
trials that ran every split — are evaluated again on fresh splits (phase
``confirm`` of :mod:`search.recipe`: the confirmation stream of seeds), one
Ray task per (configuration, split) so that they spread over the cluster.
With ``--final-test`` the part of the data no search split ever touched
scores each of them once more (phase ``final``). Every split lands in the
per-split store; the summary of each configuration in
``confirmed/<trial_id>.parquet``. ``sedg-search confirm`` runs the same
confirmation on demand, in this process when no Ray is running.
"""

from __future__ import annotations

import time

import pandas as pd
import pyarrow as pa

from evaluation import evaluate
from evaluation.metrics import minority_labels, result_names
from evaluation.results import intervals, summarise_splits
from search._data import load_data
from search._defaults import HEARTBEAT_S
from search.experiment import CONFIRMED_PREFIX, FINAL_PREFIX, Experiment, top_configurations
from search.experiment.rows import split_row
from search.recipe import CONFIRM, FINAL, evaluation_config, final_test_data, uses_gpu
from search.settings import SearchSettings
from search.tune.interrupt import check
from sedg import DiskArtifacts, MemoryArtifacts

__all__ = ["confirm_rows", "confirm_split", "confirm_top", "confirmed_schema"]


def _artifacts(settings: SearchSettings, label: str):
    if settings.share_artifacts:
        return DiskArtifacts(settings.artifacts_dir, trial_id=label)
    return MemoryArtifacts()


def confirm_split(settings_json: str, row: dict, phase: str, split: int, repeats: int | None) -> dict:
    """One configuration on one split of ``phase`` (a Ray task, or a call in this process):
    its index, seed, metrics, baseline metrics and improvements."""
    from evaluation.methods import import_plugins

    settings = SearchSettings.from_json(settings_json)
    import_plugins(settings.plugins)
    config = evaluation_config(row, settings, phase, repeats=repeats)
    artifacts = _artifacts(settings, f"{phase}-{row['trial_id']}")
    if phase == FINAL:
        data, which = final_test_data(settings)
        where = {"splits": which}
    else:
        data, where = load_data(settings.data_spec()), {"split_indices": [split]}
    out: dict = {}

    def keep(index, seed, metrics, baseline, deltas):
        out.update(split=index, seed=seed, metrics=metrics, baseline=baseline, deltas=deltas)

    evaluate(data, config, artifacts=artifacts, on_split=keep, **where)
    return out


def confirmed_schema(labels) -> pa.Schema:
    """``confirmed/``'s columns: the mean, corrected standard error and 95 % interval of every
    improvement on the fresh splits, and its value on the final-test part."""
    names = [n for n in result_names(labels) if n.startswith("delta_")]
    means = [name for name in names if not name.endswith("_se")]
    fields = [("trial_id", pa.string()), ("method", pa.string()), ("classifier", pa.string()),
              (f"{CONFIRMED_PREFIX}n_splits", pa.int64())]
    fields += [(f"{CONFIRMED_PREFIX}{name}", pa.float64()) for name in names]
    fields += [(f"{CONFIRMED_PREFIX}{name}_{end}", pa.float64()) for name in means for end in ("low", "high")]
    fields += [(f"{FINAL_PREFIX}{name}", pa.float64()) for name in means]
    return pa.schema(fields)


def _launch(settings: SearchSettings, rows: list[dict], repeats: int | None):
    """Every (configuration, split) task: as Ray tasks when Ray is running, else calls made on
    demand here. Returns per row its confirmation handles and its final-test handle (or None)."""
    import ray

    settings_json = settings.to_json()
    n_splits = len(evaluation_config(rows[0], settings, CONFIRM, repeats=repeats).split_seeds())
    planned = []
    for row in rows:
        phases = [(CONFIRM, split) for split in range(n_splits)]
        if settings.final_test:
            phases.append((FINAL, 0))
        if ray.is_initialized():
            options = {"num_cpus": settings.cpus_per_trial,
                       "num_gpus": settings.gpus_per_trial if uses_gpu(row, settings) else 0}
            task = ray.remote(**options)(confirm_split)
            handles = [task.remote(settings_json, row, phase, split, repeats) for phase, split in phases]
        else:
            handles = [(settings_json, row, phase, split, repeats) for phase, split in phases]
        planned.append(handles)
    return planned


def _result(handle, say, waiting: str) -> dict:
    """A split's result; while a Ray task runs, ``say`` a line every ``HEARTBEAT_S`` seconds."""
    if isinstance(handle, tuple):
        return confirm_split(*handle)
    import ray

    started = time.monotonic()
    while say is not None and not ray.wait([handle], timeout=HEARTBEAT_S)[0]:
        say(f"       confirming: {waiting}, {time.monotonic() - started:.0f}s so far")
    result = ray.get(handle)
    check()  # a deferred Ctrl-C: between splits (search.tune.interrupt)
    return result


def _printer(text: str) -> None:
    print(text, flush=True)


def confirm_rows(settings: SearchSettings, rows: list[dict], *, repeats: int | None = None,
                 say=None) -> pd.DataFrame:
    """Confirm each of ``rows`` (stored rows) on ``repeats`` fresh splits (default
    ``settings.confirm_repeats``) and, with a final-test part, score it there; write every split
    and each summary to the store and return the summaries. ``say`` (a callable taking a line),
    when given, hears of every split done and, while one is awaited, every ``HEARTBEAT_S``."""
    if not rows:
        return pd.DataFrame()
    data = load_data(settings.data_spec())
    minority = minority_labels(data.class_counts)
    store = Experiment(settings.experiment_dir).store
    schema = confirmed_schema(data.class_names)
    ratio = evaluation_config(rows[0], settings, CONFIRM, repeats=repeats).test_train_ratio
    summaries = []
    started = time.monotonic()
    for row, handles in zip(rows, _launch(settings, rows, repeats)):
        splits = []
        for index, handle in enumerate(handles, start=1):
            where = f"trial {row['trial_id']} split {index}/{len(handles)}"
            splits.append(_result(handle, say, f"waiting for {where}"))
            if say is not None:
                say(f"       confirmed {where}  elapsed {time.monotonic() - started:6.1f}s")
        final = splits.pop() if settings.final_test else None
        evaluated = [(CONFIRM, split) for split in splits] + ([(FINAL, final)] if final else [])
        for phase, split in evaluated:
            store.write_evaluation(split_row(row["trial_id"], phase, split["split"], split["seed"],
                                             split["metrics"], split["baseline"], split["deltas"]))
        summary = summarise_splits([s["metrics"] for s in splits], [s["baseline"] for s in splits],
                                   [s["deltas"] for s in splits], minority, test_train_ratio=ratio)
        deltas = {k: v for k, v in summary.items() if k.startswith("delta_")}
        deltas.update(intervals(deltas, summary["n_splits"]))
        confirmed = {"trial_id": row["trial_id"], "method": row["method"], "classifier": row["classifier"],
                     f"{CONFIRMED_PREFIX}n_splits": summary["n_splits"]}
        confirmed.update({f"{CONFIRMED_PREFIX}{k}": v for k, v in deltas.items()})
        if final is not None:
            confirmed.update({f"{FINAL_PREFIX}{k}": v for k, v in final["deltas"].items()})
        store.write_confirmed(confirmed, schema)
        summaries.append(confirmed)
    return pd.DataFrame(summaries)


def confirm_top(settings: SearchSettings) -> pd.DataFrame:
    """The automatic confirmation: the top ``settings.confirm_top`` configurations, when a
    search ends. Those already confirmed on as many splits (an extended or resumed search's)
    are looked up, not evaluated again; the summaries of all of them are returned."""
    experiment = Experiment(settings.experiment_dir)
    top = top_configurations(settings, experiment.rows, settings.confirm_top)
    known = experiment.confirmed
    if not known.empty:
        known = known[known[f"{CONFIRMED_PREFIX}n_splits"] == _confirm_splits(settings, top)]
    done = set(known["trial_id"]) if not known.empty else set()
    for row in top:
        if row["trial_id"] in done:
            _printer(f"       trial {row['trial_id']} is confirmed already")
    fresh = confirm_rows(settings, [row for row in top if row["trial_id"] not in done], say=_printer)
    chosen = [row["trial_id"] for row in top if row["trial_id"] in done]
    frames = [frame for frame in (known[known["trial_id"].isin(chosen)] if chosen else None, fresh)
              if frame is not None and len(frame)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _confirm_splits(settings: SearchSettings, rows: list[dict]) -> int | None:
    """The confirmation's split count for this search (None with nothing to confirm)."""
    if not rows:
        return None
    return len(evaluation_config(rows[0], settings, CONFIRM).split_seeds())
