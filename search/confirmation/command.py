"""``sedg-search confirm``: the search's own confirmation, run again on demand.

The best of many noisy trials is biased upwards; re-running it on splits the
search never saw tells whether its improvement holds. This is the automatic
confirmation (:mod:`search.confirmation`) on demand: the same top
configurations, the same fresh splits and seeds (the confirmation stream), the
same number of them unless told (``repeats``), the same tuned classifier
parameters. Run after a search with ``--confirm-top 0``, or to confirm more
configurations or on more splits; its numbers equal the automatic ones.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from search._checks import Whole, check_values
from search._defaults import DEFAULT_STORAGE_PATH
from search.confirmation._splits import confirm_rows
from search.experiment import CONFIRMED_PREFIX, FINAL_PREFIX, Experiment
from search.experiment.query import config_columns
from sedg import SedgInputError

__all__ = ["confirm"]


def confirm(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, *, top: int = 3,
            repeats: int | None = None) -> pd.DataFrame:
    """Confirm the ``top`` configurations of experiment ``name`` on ``repeats`` fresh splits
    (default: the experiment's ``confirm_repeats``) and return one row per configuration: its
    trial, configuration, in-search mean and ``confirmed_<metric>`` with its corrected standard
    error, 95 % interval and optimism gap, for the search's first metric (every metric's
    confirmation is in the store's ``confirmed/``).

    The splits and summaries are written to the store, as the automatic confirmation writes them
    (``best`` then ranks these configurations by their confirmed means), and logged to MLflow
    when the search was.
    """
    check_values({"top": Whole(1), "repeats": Whole(2, optional=True)}, top=top, repeats=repeats)
    experiment = Experiment.open(name, storage_path)
    settings = experiment.settings
    experiment.data()  # the data file must still be there
    with experiment.lock():  # it writes to the store, as a driver does
        rows = experiment.top_configurations(top)
        if not rows:
            raise SedgInputError(f"experiment {name!r} has no trial that ran every split to confirm")
        summaries = confirm_rows(settings, rows, repeats=repeats)
    if settings.mlflow_tracking_uri:  # onto the trials' MLflow runs, as the automatic one
        from search.tracking import log_confirmation

        log_confirmation(settings, summaries)
    metric = settings.metrics[0]
    confirmed = f"{CONFIRMED_PREFIX}{metric}"
    frame = pd.DataFrame(rows)
    shown = ["trial_id", *config_columns(frame), metric, f"{metric}_se", "n_splits"]
    kept = ["trial_id", f"{CONFIRMED_PREFIX}n_splits", confirmed, f"{confirmed}_se", f"{confirmed}_low",
            f"{confirmed}_high", f"{FINAL_PREFIX}{metric}"]
    table = frame[[c for c in shown if c in frame]].merge(
        summaries[[c for c in kept if c in summaries]], on="trial_id")
    if confirmed in table:
        table[f"optimism_gap_{metric}"] = table[metric] - table[confirmed]
    return table.dropna(axis=1, how="all")
