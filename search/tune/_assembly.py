"""What a search's Tuner is assembled from: its scheduler and callbacks, the checks of the
services it talks to (GPUs, the Optuna database, the tracking server), and what it tells the
tracking server when it ends."""

from __future__ import annotations

import math

import pandas as pd

from search.settings import SearchSettings
from search.tune.profile import Profile
from sedg import SedgInputError

__all__ = ["check_gpus", "check_services", "make_callbacks", "make_scheduler", "running_means_of",
           "track_report"]


def check_gpus(settings: SearchSettings) -> None:
    """A GPU share on a cluster without GPUs would leave torch trials waiting forever."""
    import ray

    from evaluation import METHODS
    from evaluation.classifiers import CLASSIFIERS

    torch_based = any(METHODS[name].uses_torch for name in settings.methods) or any(
        CLASSIFIERS[name].uses_torch for name in settings.classifiers)
    if settings.gpus_per_trial > 0 and torch_based and not ray.cluster_resources().get("GPU"):
        raise SedgInputError(
            "--gpus-per-trial asks for GPUs but the Ray cluster declares none "
            "(use 0 here, or a cluster whose nodes have --num-gpus)"
        )


def make_scheduler(settings: SearchSettings, profile: Profile | None):
    """A trial reports once per split; racing and ASHA stop weak ones between splits."""
    if settings.scheduler == "race" and settings.n_splits > 1:
        from search.tune.racing import RacingScheduler

        return RacingScheduler(settings.metrics[0], settings.modes[0], settings.n_splits,
                               alpha=settings.race_alpha, profile=profile,
                               experiment_dir=settings.experiment_dir)
    if settings.scheduler != "asha":
        return None
    from ray.tune.schedulers import ASHAScheduler

    return ASHAScheduler(
        time_attr="training_iteration",
        metric=settings.metrics[0],
        mode=settings.modes[0],
        max_t=settings.n_splits,
        grace_period=1,
        reduction_factor=2,
    )


def make_callbacks(settings: SearchSettings, profile: Profile | None, num_samples: int | None,
                   history: pd.DataFrame | None, search_seconds: float | None = None) -> list:
    """The store, the progress (``num_samples`` trials, or None: as the budget allows, the search
    having ``search_seconds`` of it; an extended search's best so far from ``history``), and the
    tracking callbacks."""
    from search.experiment import top_configurations
    from search.tracking.callbacks import tracking_callbacks
    from search.tune.callbacks import ProgressCallback, StoreCallback
    from sedg.memory import LOG_NAME

    metric = settings.metrics[0]
    leader = top_configurations(settings, history, 1) if history is not None else []
    return [
        StoreCallback(str(settings.experiment_dir), profile=profile),
        ProgressCallback(num_samples, settings.metrics[0], settings.modes[0],
                         splits_per_trial=settings.n_splits,
                         artifacts_log=settings.artifacts_dir / LOG_NAME,
                         time_budget_s=search_seconds,
                         best=leader[0][metric] if leader else math.nan),
        *tracking_callbacks(settings),
    ]


def check_services(settings: SearchSettings, *, new: bool) -> None:
    """The Optuna database and the tracking server answer: one line within seconds, before Ray
    starts and before anything is written."""
    from search.tracking import check_tracking
    from search.tune._study_storage import check_optuna_storage

    check_optuna_storage(settings, new=new)
    check_tracking(settings)


def track_report(settings: SearchSettings) -> None:
    """With MLflow, the report's figures become the search run's artifacts."""
    if settings.mlflow_tracking_uri:
        from search.report import write_report
        from search.tracking import end_search_run, log_artifacts

        try:
            paths = write_report(settings.name, settings.storage_path)
        except SedgInputError:  # no finished trial: nothing to draw
            paths = []
        log_artifacts(settings, paths, "report")
        end_search_run(settings)


def running_means_of(settings: SearchSettings, history: pd.DataFrame | None) -> dict:
    """Per stored trial, its running mean after each split (what a replayed pruned trial
    reported); empty for a new search."""
    if history is None or history.empty:
        return {}
    from search.experiment.history import running_means, split_values

    return running_means(split_values(settings.experiment_dir, settings.metrics[0]))
