"""The search layer: Ray Tune trials under an Optuna searcher, the experiment folder, the
confirmation, reports, export, tracking and the command line (README, "Architecture").

Names are imported on first use: the command line starts without Ray, torch or pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from search.experiment import Experiment, best, list_experiments, load_results
    from search.export import best_pipeline, export, load_model
    from search.settings import SearchSettings
    from search.space import define_space, register_method
    from search.tune import extend, resume, run

__all__ = [
    "Experiment",
    "SearchSettings",
    "best",
    "best_pipeline",
    "export",
    "extend",
    "load_model",
    "define_space",
    "list_experiments",
    "load_results",
    "register_method",
    "resume",
    "run",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "Experiment": "search.experiment",
    "SearchSettings": "search.settings",
    "best": "search.experiment",
    "best_pipeline": "search.export",
    "export": "search.export",
    "extend": "search.tune",
    "load_model": "search.export",
    "define_space": "search.space",
    "list_experiments": "search.experiment",
    "load_results": "search.experiment",
    "register_method": "search.space",
    "resume": "search.tune",
    "run": "search.tune",
})
