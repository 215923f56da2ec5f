"""The experiment folder ``<storage-path>/<name>/``: its one owner (:class:`Experiment`), the
results store, its schema, the lock, the runs, the ranking, the history a search goes on from,
``check``, and the queries ``best`` and ``list``.

Names are imported on first use: the command line starts without pandas or pyarrow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sedg.lazy import lazy_attributes

if TYPE_CHECKING:
    from search.experiment._experiment import TUNE_DIR, Experiment, readable, top_configurations
    from search.experiment._lock import experiment_lock
    from search.experiment.check import check_experiment
    from search.experiment.query import best, list_experiments
    from search.experiment.ranking import ranked
    from search.experiment.rows import CONFIRMED_PREFIX, FINAL_PREFIX
    from search.experiment.store import (
        FAILED,
        INVALID,
        OK,
        STOPPED,
        DamagedStoreWarning,
        ResultsStore,
        load_confirmed,
        load_evaluations,
        load_results,
    )

__all__ = [
    "CONFIRMED_PREFIX", "FAILED", "FINAL_PREFIX", "INVALID", "OK", "STOPPED", "DamagedStoreWarning",
    "Experiment", "ResultsStore", "best", "check_experiment", "experiment_lock", "list_experiments",
    "TUNE_DIR", "load_confirmed", "load_evaluations", "load_results", "ranked", "readable",
    "top_configurations",
]

__getattr__, __dir__ = lazy_attributes(__name__, {
    "CONFIRMED_PREFIX": "search.experiment.rows",
    "DamagedStoreWarning": "search.experiment.store",
    "Experiment": "search.experiment._experiment",
    "FAILED": "search.experiment.store",
    "FINAL_PREFIX": "search.experiment.rows",
    "INVALID": "search.experiment.store",
    "OK": "search.experiment.store",
    "ResultsStore": "search.experiment.store",
    "STOPPED": "search.experiment.store",
    "TUNE_DIR": "search.experiment._experiment",
    "best": "search.experiment.query",
    "check_experiment": "search.experiment.check",
    "experiment_lock": "search.experiment._lock",
    "list_experiments": "search.experiment.query",
    "load_confirmed": "search.experiment.store",
    "load_evaluations": "search.experiment.store",
    "load_results": "search.experiment.store",
    "ranked": "search.experiment.ranking",
    "readable": "search.experiment._experiment",
    "top_configurations": "search.experiment._experiment",
})
