"""The configurations an experiment has evaluated or is evaluating, so that no trial repeats one.

A searcher may propose a configuration again (a method with no free parameter has one; TPE
returns to its best region). :class:`Distinct` knows each configuration's key
(:func:`search.recipe.config_key`), the trial that holds it and, once known, what it gave;
the searcher answers a repeat from it and draws again (:mod:`search.tune.searcher`).
"""

from __future__ import annotations

import math

import pandas as pd
from optuna.trial import TrialState

from search.experiment.store import OK, STOPPED
from search.recipe import config_key
from search.settings import SearchSettings

__all__ = ["Distinct"]


class Distinct:
    """Configuration key → the trial that holds it, and its answer: the objective value(s) of a
    trial that ran every split, ``TrialState.PRUNED`` for one running or stopped early (no
    value yet or ever), ``TrialState.FAIL`` for one that raised (it would raise again).

    Examples
    --------
    >>> from search.settings import SearchSettings
    >>> distinct = Distinct(SearchSettings(methods=("none", "smote"), classifiers=("blrr",)))
    >>> key = distinct.claim({"method": "none"}, "t1")
    >>> distinct.holder({"method": "none"}), distinct.answer(key)
    ('t1', <TrialState.PRUNED: 2>)
    >>> distinct.settle("t1", 0.25); distinct.answer(key)
    0.25
    """

    def __init__(self, settings: SearchSettings, history: pd.DataFrame | None = None) -> None:
        self.settings = settings
        self.holders: dict[str, str] = {}
        self.answers: dict[str, object] = {}
        self.keys: dict[str, str] = {}  # trial id -> its configuration's key
        for row in [] if history is None else history.to_dict("records"):
            key = self.claim(row, str(row["trial_id"]))
            self.answers[key] = self._answer_of(row)

    def key(self, config: dict) -> str:
        return config_key(config, self.settings)

    def holder(self, config: dict) -> str | None:
        """The trial that holds ``config`` already, if one does."""
        return self.holders.get(self.key(config))

    def claim(self, config: dict, trial_id: str) -> str:
        key = self.key(config)
        self.holders.setdefault(key, trial_id)
        self.answers.setdefault(key, TrialState.PRUNED)
        self.keys[trial_id] = key
        return key

    def settle(self, trial_id: str, answer) -> None:
        """What trial ``trial_id`` gave (a value, or a :class:`TrialState`)."""
        if trial_id in self.keys:
            self.answers[self.keys[trial_id]] = answer

    def answer(self, key: str):
        return self.answers.get(key, TrialState.PRUNED)

    def _answer_of(self, row: dict):
        if row.get("status") != OK:
            return TrialState.PRUNED if row.get("status") == STOPPED else TrialState.FAIL
        values = [row.get(metric) for metric in self.settings.metrics]
        if any(value is None or not math.isfinite(float(value)) for value in values):
            return TrialState.FAIL
        return values[0] if len(values) == 1 else values
