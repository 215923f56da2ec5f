"""Experiment tracking: every trial of a search as an MLflow run (and a Weights & Biases run).

:mod:`search.tracking._mlflow` says what goes where; :mod:`search.tracking.callbacks` holds the
driver-side Ray Tune callbacks that log as the search runs; :mod:`search.tracking._model` puts an
exported model into MLflow. Names are imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from search.tracking._mlflow import (
        SEARCH_TAG,
        TRACKING_FILE,
        TRIAL_TAG,
        check_tracking,
        end_search_run,
        has_wandb,
        log_artifacts,
        log_confirmation,
        start_search_run,
    )
    from search.tracking._model import LoggedModel, check_model_tracking, log_exported_model
    from search.tracking.callbacks import tracking_callbacks

__all__ = ["SEARCH_TAG", "TRACKING_FILE", "TRIAL_TAG", "LoggedModel", "check_model_tracking",
           "check_tracking", "end_search_run", "has_wandb", "log_artifacts", "log_confirmation",
           "log_exported_model", "start_search_run", "tracking_callbacks"]

_MODEL = ("LoggedModel", "check_model_tracking", "log_exported_model")
__getattr__, __dir__ = lazy_attributes(__name__, {
    **{name: "search.tracking._mlflow" for name in __all__ if name != "tracking_callbacks"},
    **{name: "search.tracking._model" for name in _MODEL},
    "tracking_callbacks": "search.tracking.callbacks",
})
