"""Queries over finished searches: the best configurations, and the experiments stored."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from evaluation.metrics import IMPROVEMENTS, is_metric_name
from search._defaults import DEFAULT_STORAGE_PATH, SETTINGS_FILE
from search.recipe import config_key
from search.settings import SearchSettings
from search.store import FAILED, INVALID, OK, STOPPED, DamagedStoreWarning, load_confirmed, load_results
from sedg import SedgInputError

__all__ = ["best", "config_columns", "list_experiments", "latest_experiment"]


def latest_experiment(storage_path: str | Path) -> str:
    """Name of the most recently started experiment in ``storage_path``."""
    candidates = sorted(
        Path(storage_path).glob(f"*/{SETTINGS_FILE}"), key=lambda path: path.stat().st_mtime
    )
    if not candidates:
        raise SedgInputError(f"no experiments in {Path(storage_path).resolve()}")
    return candidates[-1].parent.name


def config_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that describe a configuration: method, classifier, the method's parameters and,
    in a search with ``--tune-classifier``, the classifier's (``<classifier>__<param>``)."""
    from evaluation.classifiers import CLASSIFIERS
    from evaluation.methods import METHODS
    from search._schema import classifier_parameters, method_parameters

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
    mean; a configuration proposed several times is listed once. When none of
    them is above zero with confidence (one-sided 95 %),
    ``frame.attrs["note"]`` says so. With ``by``: one row per value of that
    column with the ``max``, ``mean``, ``median`` and ``count`` of the metric
    over its trials and the trial id of its best one, sorted best first (the
    SEDG paper's protocol reports the max over trials per method; it is
    comparable only between groups with equal trial counts, see
    ``--trials-per-method``).
    """
    storage_path = Path(storage_path)
    name = name or latest_experiment(storage_path)
    experiment_dir = storage_path / name
    if not (experiment_dir / SETTINGS_FILE).is_file():
        raise SedgInputError(f"no experiment {name!r} in {storage_path.resolve()}")
    if not isinstance(top, int) or top < 1:
        raise SedgInputError(f"--top must be an integer >= 1, got {top!r}")
    settings = SearchSettings.load(experiment_dir)
    metric = metric or settings.metrics[0]
    if mode is None:
        default = "min" if metric.startswith("time_") else "max"
        mode = dict(zip(settings.metrics, settings.modes)).get(metric, default)
    frame = load_results(experiment_dir)
    if frame.empty:
        return frame
    if metric not in frame.columns:
        if is_metric_name(metric.removesuffix("_se")):
            raise SedgInputError(
                f"experiment {name!r} has no {metric!r}: its store predates that metric, or the "
                "data has no such label; a new search records it")
        raise SedgInputError(f"unknown metric {metric!r} for experiment {name!r}")
    if by is not None and by not in frame.columns:
        raise SedgInputError(f"unknown dimension {by!r}; columns include {', '.join(config_columns(frame))}")
    values = pd.to_numeric(frame[metric], errors="coerce")
    usable = frame[(frame["status"] == OK) & np.isfinite(values)].copy()
    ascending = mode == "min"
    if by is None:
        return _ranked(usable, load_confirmed(experiment_dir), metric, ascending, top)
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


def _ranked(usable: pd.DataFrame, confirmed: pd.DataFrame, metric: str, ascending: bool,
            top: int) -> pd.DataFrame:
    confirmed_metric = f"confirmed_{metric}"
    if not confirmed.empty and confirmed_metric in confirmed:
        extra_columns = [c for c in confirmed.columns if c not in ("method", "classifier")]
        usable = usable.merge(confirmed[extra_columns], on="trial_id", how="left")
        usable[f"optimism_gap_{metric}"] = usable[metric] - usable[confirmed_metric]
        usable["_confirmed"] = usable[confirmed_metric].notna()
        usable["_rank"] = usable[confirmed_metric].where(usable["_confirmed"], usable[metric])
        ranked = usable.sort_values(["_confirmed", "_rank"], ascending=[False, ascending], kind="stable")
    else:
        ranked = usable.sort_values(metric, ascending=ascending, kind="stable")
    # A configuration the searcher proposed again is one answer, not several.
    keys = pd.Series([config_key(row) for row in ranked.to_dict("records")], index=ranked.index)
    ranked = ranked[~keys.duplicated()].head(top)
    shown = [metric, f"{metric}_se", "n_splits", confirmed_metric, f"{confirmed_metric}_se",
             f"{confirmed_metric}_low", f"{confirmed_metric}_high", f"optimism_gap_{metric}",
             f"final_{metric}"]
    columns = ["trial_id", *config_columns(ranked), *(c for c in shown if c in ranked)]
    extra = [c for c in IMPROVEMENTS if c in ranked and c not in columns]
    result = ranked[columns + extra].dropna(axis=1, how="all").reset_index(drop=True)
    result.attrs["objective"] = metric
    note = _confidence_note(ranked, metric, ascending)
    if note:
        result.attrs["note"] = note
    return result


def _confidence_note(ranked: pd.DataFrame, metric: str, ascending: bool) -> str | None:
    """One line when no confirmed configuration improves on the baseline with confidence."""
    column = f"confirmed_{metric}"
    if column not in ranked or not metric.startswith("delta_") or ranked[column].isna().all():
        return None
    confirmed = ranked[ranked[column].notna()]
    n = confirmed["confirmed_n_splits"].astype(float)
    margin = student_t.ppf(0.95, np.maximum(n - 1, 1)) * confirmed[f"{column}_se"].fillna(np.inf)
    sign = -1.0 if ascending else 1.0
    if ((sign * confirmed[column] - margin) > 0).any():
        return None
    return (f"no confirmed configuration improves {metric} over the baseline with confidence "
            f"(one-sided 95 % on {int(n.max())} fresh splits): the search found no reliable gain")


def list_experiments(storage_path: str | Path = DEFAULT_STORAGE_PATH) -> pd.DataFrame:
    """One row per experiment: trials, errors, the first metric's best value, when it started."""
    storage_path = Path(storage_path)
    rows = []
    for settings_file in sorted(storage_path.glob(f"*/{SETTINGS_FILE}")):
        experiment_dir = settings_file.parent
        try:
            settings = SearchSettings.load(experiment_dir)
        except SedgInputError as error:  # one damaged experiment: the others stay listed
            warnings.warn(str(error), DamagedStoreWarning, stacklevel=2)
            continue
        metric, mode = settings.metrics[0], settings.modes[0]
        frame = load_results(experiment_dir)
        value = math.nan
        if not frame.empty and metric in frame:
            ok = pd.to_numeric(frame.loc[frame["status"] == OK, metric], errors="coerce")
            ok = ok[np.isfinite(ok)]
            value = (ok.max() if mode == "max" else ok.min()) if len(ok) else math.nan
        rows.append({
            "name": experiment_dir.name,
            "trials": len(frame),
            "planned": settings.num_samples,
            "errors": int((frame["status"].isin([FAILED, INVALID])).sum()) if len(frame) else 0,
            "metric": metric,
            "best": value,
            "methods": ",".join(settings.methods),
        })
    return pd.DataFrame(rows)
