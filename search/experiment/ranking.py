"""Which configuration is best: one ranking, read by ``best``, ``export``, ``explain``, ``report``,
the confirmation's choice and the progress bar.

A row counts when its trial finished (status ``ok``) with a finite value of the metric. Ranked
``by="confirmed"`` (what a user is shown), configurations confirmed on fresh splits come first by
their confirmed mean, the others follow by their in-search mean; ``by="search"`` (what the
confirmation chooses from, before anything is confirmed) ranks by the in-search mean alone. A
configuration the searcher proposed again is one answer, not several: it is listed once, by its
best trial.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from search.experiment.rows import CONFIRMED_PREFIX
from search.experiment.store import OK
from search.recipe import config_key

__all__ = ["RANKINGS", "confidence_note", "ranked", "usable"]

#: What a ranking reads: confirmed means first, or the in-search means alone.
RANKINGS = ("confirmed", "search")


def usable(rows: pd.DataFrame, metric: str, *, complete_splits: int | None = None,
           methods=None) -> pd.DataFrame:
    """Rows that may be ranked: finished, with a finite ``metric``; with ``complete_splits``,
    only trials that ran that many splits; with ``methods``, only those methods."""
    if rows.empty or metric not in rows:
        return rows.iloc[:0]
    values = pd.to_numeric(rows[metric], errors="coerce")
    keep = (rows["status"] == OK) & np.isfinite(values)
    if complete_splits is not None:
        keep &= rows["n_splits"].fillna(0) >= complete_splits
    if methods is not None:
        keep &= rows["method"].isin(list(methods))
    return rows[keep].copy()


def ranked(rows: pd.DataFrame, confirmed: pd.DataFrame | None, metric: str, mode: str, *,
           by: str = "confirmed", complete_splits: int | None = None, methods=None) -> pd.DataFrame:
    """Distinct configurations, best first (see the module's text).

    With ``by="confirmed"`` the confirmation's columns (``confirmed_<metric>`` and the rest)
    join their trials' rows, with ``optimism_gap_<metric>`` = in-search − confirmed.

    Examples
    --------
    >>> rows = pd.DataFrame({"trial_id": ["a", "b", "c"], "status": "ok", "method": "smote",
    ...                      "k_neighbors": [3.0, 5.0, 3.0], "delta_qwk": [0.1, 0.05, 0.2]})
    >>> ranked(rows, None, "delta_qwk", "max")["trial_id"].tolist()  # c and a are one configuration
    ['c', 'b']
    """
    if by not in RANKINGS:
        raise ValueError(f"by must be one of {RANKINGS}, got {by!r}")
    candidates = usable(rows, metric, complete_splits=complete_splits, methods=methods)
    ascending = mode == "min"
    confirmed_metric = f"{CONFIRMED_PREFIX}{metric}"
    if by == "confirmed" and confirmed is not None and confirmed_metric in confirmed:
        extra = [c for c in confirmed.columns if c not in ("method", "classifier")]
        candidates = candidates.merge(confirmed[extra], on="trial_id", how="left")
        candidates[f"optimism_gap_{metric}"] = candidates[metric] - candidates[confirmed_metric]
        is_confirmed = candidates[confirmed_metric].notna()
        order = candidates[confirmed_metric].where(is_confirmed, candidates[metric])
        candidates = candidates.assign(_confirmed=is_confirmed, _order=order).sort_values(
            ["_confirmed", "_order"], ascending=[False, ascending], kind="stable").drop(
            columns=["_confirmed", "_order"])
    else:
        candidates = candidates.sort_values(metric, ascending=ascending, kind="stable")
    keys = pd.Series([config_key(row) for row in candidates.to_dict("records")], index=candidates.index)
    return candidates[~keys.duplicated()].reset_index(drop=True)


def confidence_note(frame: pd.DataFrame, metric: str, mode: str) -> str | None:
    """One line when no confirmed configuration of ``frame`` improves on the baseline with
    confidence: when the 95 % interval shown beside each (``confirmed_<metric>_low``, ``_high``;
    Student's t on the confirmed splits) reaches zero for every one. The verdict and the
    interval a reader sees are one rule."""
    column = f"{CONFIRMED_PREFIX}{metric}"
    if column not in frame or not metric.startswith("delta_") or frame[column].isna().all():
        return None
    confirmed = frame[frame[column].notna()]
    n = confirmed[f"{CONFIRMED_PREFIX}n_splits"].astype(float)
    end = f"{column}_high" if mode == "min" else f"{column}_low"
    bound = confirmed[end].astype(float) if end in confirmed else pd.Series(np.nan, index=confirmed.index)
    sign = -1.0 if mode == "min" else 1.0
    if (sign * bound > 0).any():
        return None
    return (f"no confirmed configuration improves {metric} over the baseline with confidence (each "
            f"95 % interval on {int(n.max())} fresh splits reaches zero): the search found no "
            "reliable gain")
