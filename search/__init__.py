"""The search layer: Ray Tune trials under an Optuna searcher, the results store, queries, CLI."""

from __future__ import annotations

from search.query import best, list_experiments
from search.runner import resume, run
from search.settings import SearchSettings
from search.space import define_space, register_method
from search.store import load_results

__all__ = [
    "SearchSettings",
    "best",
    "define_space",
    "list_experiments",
    "load_results",
    "register_method",
    "resume",
    "run",
]
