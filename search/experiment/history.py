"""What a search already knows when it goes on (``extend``, ``resume``): its trials told to a new
Optuna study, racing's per-split values, and a check that the data are still the same rows."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from search.experiment.rows import plain_row
from search.experiment.store import OK, STOPPED, load_evaluations
from search.recipe import SEARCH, resampler_params, tuned_classifier_params
from sedg import SedgInputError

__all__ = ["check_same_data", "replay_trials", "running_means", "split_values"]


def check_same_data(rows: pd.DataFrame, fingerprint: str, name: str) -> None:
    """Raise unless every stored trial saw the rows whose fingerprint is ``fingerprint``: going on
    with another table would mix results on different rows under one experiment."""
    if rows.empty or "dataset_fingerprint" not in rows:
        return
    stored = sorted({str(value) for value in rows["dataset_fingerprint"].dropna()})
    if stored and stored != [fingerprint]:
        raise SedgInputError(
            f"experiment {name!r} was searched on other rows (data fingerprint {stored[0][:12]}, "
            f"now {fingerprint[:12]}): the data file changed; restore it or start a new search")


def _params(row: dict, settings) -> dict:
    """The values the space suggested for ``row``'s trial (the method and classifier where they
    were choices, the method's and the tuned classifier's parameters)."""
    params = {}
    if len(settings.methods) > 1 and not settings.trials_per_method:
        params["method"] = row["method"]
    if len(settings.classifiers) > 1:
        params["classifier"] = row["classifier"]
    params.update(resampler_params(row, row["method"]))
    prefix = f"{row['classifier']}__"
    params.update({prefix + key: value for key, value in
                   tuned_classifier_params(row, row["classifier"]).items()})
    return params


def replay_trials(study, rows: pd.DataFrame, settings, running_means: dict[str, list[float]]) -> int:
    """Tell ``study`` every stored trial, in the order they finished, as what it was: a trial that
    ran every split as complete with its values, one a scheduler or the budget stopped as pruned
    (its running mean after each split as intermediate values, single-objective only), a failed
    or invalid one as failed. Each is asked through the search space with its parameters
    enqueued, so Optuna records them with their distributions. Returns how many it told."""
    import optuna

    from search.space import define_space

    told = 0
    for row in map(plain_row, rows.to_dict("records")):
        if not row.get("method") or not row.get("classifier"):
            continue
        # With --trials-per-method the method follows the trial's number; here it is the row's.
        methods = [row["method"]] if settings.trials_per_method else settings.methods
        space = define_space(methods, settings.classifiers, n_synthetic=settings.n_synthetic,
                             tune_classifier=settings.tune_classifier)
        study.enqueue_trial(_params(row, settings), skip_if_exists=False)
        trial = study.ask()
        space(trial)
        values = [row.get(metric) for metric in settings.metrics]
        complete = all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)
        if row.get("status") == OK and complete:
            study.tell(trial, values if len(values) > 1 else values[0])
        elif row.get("status") == STOPPED:
            if len(values) == 1:
                for step, mean in enumerate(running_means.get(row["trial_id"], [])):
                    trial.report(mean, step)
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        told += 1
    return told


def split_values(experiment_dir: Path, metric: str) -> dict[str, dict[int, float]]:
    """Per trial, its search splits' values of ``metric`` (racing's state, from ``evaluations/``)."""
    frame = load_evaluations(experiment_dir)
    if frame.empty or metric not in frame:
        return {}
    frame = frame[frame["phase"] == SEARCH]
    values: dict[str, dict[int, float]] = {}
    for trial_id, split, value in zip(frame["trial_id"], frame["split"], frame[metric]):
        if value is not None and math.isfinite(value):
            values.setdefault(str(trial_id), {})[int(split)] = float(value)
    return values


def running_means(values: dict[str, dict[int, float]]) -> dict[str, list[float]]:
    """Per trial, the mean over its first 1, 2, ... splits (what it reported as it went)."""
    means = {}
    for trial_id, by_split in values.items():
        ordered = [by_split[split] for split in sorted(by_split)]
        means[trial_id] = [sum(ordered[: i + 1]) / (i + 1) for i in range(len(ordered))]
    return means
