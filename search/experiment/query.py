"""Queries over finished searches: the best configurations, and the experiments stored."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.metrics import IMPROVEMENTS, is_metric_name
from evaluation.quality import QUALITY_COLUMNS
from search._checks import Whole, check_values
from search._defaults import DEFAULT_STORAGE_PATH
from search.experiment._experiment import Experiment, readable
from search.experiment.ranking import confidence_note
from search.experiment.rows import CONFIRMED_PREFIX, FINAL_PREFIX
from search.experiment.store import FAILED, INVALID, OK, STOPPED
from search.recipe import config_key
from sedg import SedgInputError

__all__ = ["best", "config_columns", "list_experiments", "top_table"]


def config_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that describe a configuration: method, classifier, the method's parameters and,
    in a search with ``--tune-classifier``, the classifier's (``<classifier>__<param>``)."""
    from evaluation.classifiers import CLASSIFIERS
    from evaluation.methods import METHODS
    from search._parameters import classifier_parameters, method_parameters

    names = ["method", "classifier"]
    for method in METHODS:
        names += [name for name in method_parameters(method) if name not in names]
    for classifier in CLASSIFIERS:
        names += [name for name in classifier_parameters(classifier) if name not in names]
    return [name for name in names if name in frame.columns]


def best(
    name: str | None = None,
    storage_path: str | Path = DEFAULT_STORAGE_PATH,
    *,
    metric: str | None = None,
    by: str | None = None,
    top: int = 5,
    mode: str | None = None,
) -> pd.DataFrame:
    """The best configurations by ``metric``, overall or per value of a dimension.

    Only rows with ``status == "ok"`` and a finite metric count, so a NaN or
    infinite value is never the best. Overall: the ``top`` rows with their
    configuration, the metric's mean over the trial's splits, its standard
    error and ``n_splits``, and where the configuration was confirmed on fresh
    splits, ``confirmed_<metric>``, its standard error, the optimism gap
    (in-search − confirmed) and ``final_<metric>`` (the untouched final-test
    part, if kept). Confirmed configurations rank first, by their confirmed
    mean; a configuration proposed several times is listed once
    (:mod:`search.experiment.ranking`). When none of them is above zero with
    confidence (its 95 % interval reaches zero), ``frame.attrs["note"]`` says so. With ``by``:
    one row per value of that column with the ``max``, ``mean``, ``median`` and
    ``count`` of the metric over its trials and the trial id of its best one,
    sorted best first (the SEDG paper's protocol reports the max over trials
    per method; it is comparable only between groups with equal trial counts,
    see ``--trials-per-method``).
    """
    experiment = Experiment.open(name, storage_path) if name else Experiment.latest(storage_path)
    check_values({"top": Whole(1)}, top=top)
    metric, mode = experiment.objective(metric, mode)
    frame = experiment.rows
    if frame.empty:
        return frame
    if metric not in frame.columns:
        if is_metric_name(metric.removesuffix("_se")):
            raise SedgInputError(
                f"experiment {experiment.name!r} has no {metric!r}: its store predates that metric, "
                "or the data has no such label; a new search records it")
        raise SedgInputError(f"unknown metric {metric!r} for experiment {experiment.name!r}")
    if by is not None and by not in frame.columns:
        raise SedgInputError(f"unknown dimension {by!r}; columns include {', '.join(config_columns(frame))}")
    if by is None:
        return top_table(experiment, metric, mode, top)
    return _by_group(frame, metric, mode, by)


def top_table(experiment: Experiment, metric: str, mode: str, top: int) -> pd.DataFrame:
    """The ``top`` distinct configurations as ``best`` shows them: configuration, in-search mean
    and standard error, and the confirmation's numbers where there are some."""
    ranked = experiment.ranked(metric, mode).head(top)
    confirmed = f"{CONFIRMED_PREFIX}{metric}"
    shown = [metric, f"{metric}_se", "n_splits", confirmed, f"{confirmed}_se", f"{confirmed}_low",
             f"{confirmed}_high", f"optimism_gap_{metric}", f"{FINAL_PREFIX}{metric}"]
    columns = ["trial_id", *config_columns(ranked), *(c for c in shown if c in ranked)]
    # The other improvements, then what the made rows look like (evaluation.quality).
    extra = [c for c in (*IMPROVEMENTS, *QUALITY_COLUMNS) if c in ranked and c not in columns]
    result = ranked[columns + extra].dropna(axis=1, how="all").reset_index(drop=True)
    result.attrs["objective"] = metric
    note = confidence_note(ranked, metric, mode)
    if note:
        result.attrs["note"] = note
    return result


def _by_group(frame: pd.DataFrame, metric: str, mode: str, by: str) -> pd.DataFrame:
    values = pd.to_numeric(frame[metric], errors="coerce")
    usable = frame[(frame["status"] == OK) & np.isfinite(values)].copy()
    ascending = mode == "min"
    groups = usable.groupby(by, dropna=False)[metric]
    aggregates = ["min", "mean", "median", "count"] if ascending else ["max", "mean", "median", "count"]
    summary = groups.agg(aggregates)
    best_index = groups.idxmin() if ascending else groups.idxmax()
    summary["best_trial_id"] = pd.Series(usable.loc[best_index.values, "trial_id"].values,
                                         index=summary.index)
    # A group whose every trial racing stopped still shows, with the partial means it reached.
    stopped = frame[(frame["status"] == STOPPED) & np.isfinite(values)]
    summary = summary.join(stopped.groupby(by, dropna=False)[metric].agg(
        stopped="count", stopped_mean="mean"), how="outer")
    summary[["count", "stopped"]] = summary[["count", "stopped"]].fillna(0).astype(int)
    summary = summary.sort_values(aggregates[0], ascending=ascending, na_position="last")
    summary.insert(0, "metric", metric)
    result = summary.reset_index()
    if (result["stopped"] > 0).any():
        result.attrs["note"] = ("stopped: trials ended early, by racing (behind the incumbent on the "
                                "splits they shared), ASHA or the time budget; stopped_mean is their "
                                "mean over the splits they ran")
    return result


def list_experiments(storage_path: str | Path = DEFAULT_STORAGE_PATH) -> pd.DataFrame:
    """One row per experiment: trials, distinct configurations among them, errors, and its best by the
    first metric as ``best`` ranks it (:mod:`search.experiment.ranking`): the trial, its method,
    its value (``best``: the confirmed mean where the best is confirmed, else the in-search
    mean) and which of the two (``best_is``); its methods.

    An experiment whose settings do not read is named in a warning and left out."""
    rows = []
    for experiment in readable(Experiment.every(storage_path)):
        settings = experiment.settings
        metric, mode = settings.metrics[0], settings.modes[0]
        frame = experiment.rows
        top = experiment.ranked(metric, mode).head(1) if len(frame) else frame
        confirmed = f"{CONFIRMED_PREFIX}{metric}"
        leader = top.iloc[0] if len(top) else None
        is_confirmed = leader is not None and confirmed in top and pd.notna(leader[confirmed])
        rows.append({
            "name": experiment.name,
            "trials": len(frame),
            "distinct": len({config_key(row) for row in frame.to_dict("records")}),
            "planned": settings.num_samples,
            "errors": int((frame["status"].isin([FAILED, INVALID])).sum()) if len(frame) else 0,
            "metric": metric,
            "best": math.nan if leader is None else leader[confirmed if is_confirmed else metric],
            "best_is": None if leader is None else ("confirmed" if is_confirmed else "in-search"),
            "best_trial": None if leader is None else leader["trial_id"],
            "best_method": None if leader is None else leader["method"],
            "methods": ",".join(settings.methods),
        })
    return pd.DataFrame(rows)
