"""The search layer: Ray Tune trials under an Optuna searcher, the results store, queries, CLI.

Names are imported on first use: the command line starts without Ray, torch or pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg._lazy import lazy_attributes

if TYPE_CHECKING:
    from search.export import best_pipeline, export, load_model
    from search.query import best, list_experiments
    from search.runner import extend, resume, run
    from search.settings import SearchSettings
    from search.space import define_space, register_method
    from search.store import load_results

__all__ = [
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
    "SearchSettings": "search.settings",
    "best": "search.query",
    "best_pipeline": "search.export",
    "export": "search.export",
    "extend": "search.runner",
    "load_model": "search.export",
    "define_space": "search.space",
    "list_experiments": "search.query",
    "load_results": "search.store",
    "register_method": "search.space",
    "resume": "search.runner",
    "run": "search.runner",
})
