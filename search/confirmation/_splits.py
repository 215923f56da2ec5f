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
from search.tune.artifacts import store_for
from search.tune.interrupt import check

__all__ = ["confirm_rows", "confirm_split", "confirm_top", "confirmed_schema"]


def confirm_split(settings_json: str, row: dict, phase: str, split: int, repeats: int | None,
                  data=None) -> dict:
    """One configuration on one split of ``phase`` (a Ray task, or a call in this process):
    its index, seed, metrics, baseline metrics and improvements. ``data`` is the table the
    phase draws from (the driver's, through Ray's object store; read here when None)."""
    from evaluation.methods import import_plugins

    settings = SearchSettings.from_json(settings_json)
    import_plugins(settings.plugins)
    config = evaluation_config(row, settings, phase, repeats=repeats)
    artifacts = store_for(settings, f"{phase}-{row['trial_id']}")
    if phase == FINAL:
        data, which = final_test_data(settings, data)
        where = {"splits": which}
    else:
        if data is None:
            data = load_data(settings.data_spec())
        where = {"split_indices": [split]}
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


def _jobs(settings: SearchSettings, rows: list[dict], repeats: int | None) -> list[tuple[int, str, int]]:
    """Every (row index, phase, split) to evaluate, in rounds: each configuration's first fresh
    split, then each one's second, ...; the final-test scores last. A deadline that cuts the
    list leaves every configuration with about as many splits as the others."""
    n_splits = len(evaluation_config(rows[0], settings, CONFIRM, repeats=repeats).split_seeds())
    jobs = [(index, CONFIRM, split) for split in range(n_splits) for index in range(len(rows))]
    if settings.final_test:
        jobs += [(index, FINAL, 0) for index in range(len(rows))]
    return jobs


def _evaluate_all(settings: SearchSettings, rows: list[dict], jobs: list, repeats: int | None,
                  tables: dict, say, deadline) -> dict:
    """``{job: result}`` for the jobs done: as Ray tasks when Ray is running (the tables travel
    through Ray's object store: a worker never reads the driver's disk), else one after another
    here. ``tables``: per phase, the table it draws from. At the ``deadline`` the jobs running
    are cancelled (Ray) and the others not started."""
    import ray

    settings_json = settings.to_json()
    done: dict = {}
    started = time.monotonic()
    n_splits = sum(phase == CONFIRM and index == 0 for index, phase, _ in jobs)

    def heard(job) -> None:
        index, phase, split = job
        if say is not None:
            which = "final test" if phase == FINAL else f"split {split + 1}/{n_splits}"
            say(f"       confirmed trial {rows[index]['trial_id']} {which}  "
                f"elapsed {time.monotonic() - started:6.1f}s")

    if not ray.is_initialized():
        for job in jobs:
            if deadline is not None and deadline.left() <= 0:
                break
            index, phase, split = job
            done[job] = confirm_split(settings_json, rows[index], phase, split, repeats, tables[phase])
            heard(job)
            check()
        return done
    refs = {phase: ray.put(table) for phase, table in tables.items()}
    queue, pending = list(jobs), {}
    # Tasks are started as slots free (one more than the slots, so none idles while the next is
    # sent): at the deadline few are running, none waits to be cancelled.
    window = int(ray.cluster_resources().get("CPU", 1) // max(settings.cpus_per_trial, 1e-9)) + 1
    while queue or pending:
        while queue and len(pending) < window and (deadline is None or deadline.left() > 0):
            job = queue.pop(0)
            index, phase, split = job
            options = {"num_cpus": settings.cpus_per_trial,
                       "num_gpus": settings.gpus_per_trial if uses_gpu(rows[index], settings) else 0}
            task = ray.remote(**options)(confirm_split)
            pending[task.remote(settings_json, rows[index], phase, split, repeats, refs[phase])] = job
        if not pending:
            break
        timeout = HEARTBEAT_S if deadline is None else max(0.0, min(HEARTBEAT_S, deadline.left()))
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=timeout)
        for ref in ready:
            job = pending.pop(ref)
            done[job] = ray.get(ref)
            heard(job)
        check()  # a deferred Ctrl-C: between splits (search.tune.interrupt)
        if deadline is not None and deadline.left() <= 0:
            for ref in pending:
                ray.cancel(ref)  # a running one is interrupted
            break
        if not ready and say is not None:
            say(f"       confirming: {len(pending)} split(s) running, {len(queue)} to start, "
                f"{time.monotonic() - started:.0f}s so far")
    return done


def _printer(text: str) -> None:
    print(text, flush=True)


def confirm_rows(settings: SearchSettings, rows: list[dict], *, repeats: int | None = None,
                 say=None, deadline=None, data=None) -> pd.DataFrame:
    """Confirm each of ``rows`` (stored rows) on ``repeats`` fresh splits (default
    ``settings.confirm_repeats``) and, with a final-test part, score it there; write every split
    and each summary to the store and return the summaries. ``say`` (a callable taking a line),
    when given, hears of every split done and, while they are awaited, every ``HEARTBEAT_S``.
    A ``deadline`` (:class:`search.tune.deadline.Deadline`) ends the confirmation: each
    configuration is then confirmed on the fresh splits it finished, when they are two or more,
    and the line says how many. ``data``: the search's rows when the caller has them (else
    read here)."""
    if not rows:
        return pd.DataFrame()
    jobs = _jobs(settings, rows, repeats)
    tables = {CONFIRM: data if data is not None else load_data(settings.data_spec())}
    if settings.final_test:
        tables[FINAL] = final_test_data(settings)[0]
    done = _evaluate_all(settings, rows, jobs, repeats, tables, say, deadline)
    minority = minority_labels(tables[CONFIRM].class_counts)
    store = Experiment(settings.experiment_dir).store
    schema = confirmed_schema(tables[CONFIRM].class_names)
    ratio = evaluation_config(rows[0], settings, CONFIRM, repeats=repeats).test_train_ratio
    planned = sum(phase == CONFIRM for index, phase, _ in jobs if index == 0)
    summaries, cut = [], []
    for index, row in enumerate(rows):
        splits = [done[job] for job in ((index, CONFIRM, split) for split in range(planned)) if job in done]
        final = done.get((index, FINAL, 0))
        evaluated = [(CONFIRM, split) for split in splits] + ([(FINAL, final)] if final else [])
        for phase, split in evaluated:
            store.write_evaluation(split_row(row["trial_id"], phase, split["split"], split["seed"],
                                             split["metrics"], split["baseline"], split["deltas"]))
        if len(splits) < planned:
            cut.append(f"{row['trial_id']} {len(splits)}")
        if len(splits) < 2:  # no standard error, no interval: not a confirmation
            continue
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
    if cut:
        (say or _printer)(f"       the time budget ended the confirmation: fresh splits done of "
                          f"{planned} (trial count): {', '.join(cut)}; a configuration with fewer "
                          "than 2 is not confirmed, the others' intervals are wider")
    return pd.DataFrame(summaries)


def confirm_top(settings: SearchSettings, *, deadline=None, data=None) -> pd.DataFrame:
    """The automatic confirmation: the top ``settings.confirm_top`` configurations, when a
    search ends, within the command's ``deadline`` (``data``: the search's rows, as read by
    its driver). Those already confirmed on as many splits
    (an extended or resumed search's) are looked up, not evaluated again; the summaries of all
    of them are returned."""
    experiment = Experiment(settings.experiment_dir)
    top = top_configurations(settings, experiment.rows, settings.confirm_top)
    known = experiment.confirmed
    if not known.empty:
        known = known[known[f"{CONFIRMED_PREFIX}n_splits"] == _confirm_splits(settings, top)]
    done = set(known["trial_id"]) if not known.empty else set()
    for row in top:
        if row["trial_id"] in done:
            _printer(f"       trial {row['trial_id']} is confirmed already")
    fresh = confirm_rows(settings, [row for row in top if row["trial_id"] not in done], say=_printer,
                         deadline=deadline, data=data)
    chosen = [row["trial_id"] for row in top if row["trial_id"] in done]
    frames = [frame for frame in (known[known["trial_id"].isin(chosen)] if chosen else None, fresh)
              if frame is not None and len(frame)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _confirm_splits(settings: SearchSettings, rows: list[dict]) -> int | None:
    """The confirmation's split count for this search (None with nothing to confirm)."""
    if not rows:
        return None
    return len(evaluation_config(rows[0], settings, CONFIRM).split_seeds())
