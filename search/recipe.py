"""From a stored row to an evaluation: the one recipe every part of the search follows.

A trial's configuration (Tune's ``config``) and a row of the results store both
hold a configuration as flat columns: ``method``, ``classifier``, the method's
parameters and, with ``--tune-classifier``, ``<classifier>__<param>``. The
trainable (phase ``search``), the automatic confirmation and ``sedg-search
confirm`` (``confirm``), the final-test score (``final``), ``best``,
``explain`` and ``export`` all turn it into an evaluation here, so "the same
configuration" and "the same splits" mean one thing everywhere.

Examples
--------
>>> from search.settings import SearchSettings
>>> settings = SearchSettings(methods=("smote",), classifiers=("blrr",), name="doc")
>>> row = {"method": "smote", "classifier": "blrr", "k_neighbors": 3.0, "cap": None}
>>> evaluation_config(row, settings, CONFIRM).resampler_params
{'k_neighbors': 3}
>>> config_key(row) == config_key({**row, "trial_id": "b", "delta_qwk": 0.1})
True
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from evaluation import EvaluationConfig
from evaluation.splits import (
    CONFIRM_STREAM,
    FINAL_STREAM,
    SEARCH_STREAM,
    confirmation_protocol,
    final_test_split,
)
from search.experiment.rows import whole

if TYPE_CHECKING:
    from search.settings import SearchSettings
    from sedg.datasets import TabularData

__all__ = [
    "CONFIRM", "FINAL", "PHASES", "SEARCH", "classifier_params", "config_key", "configuration",
    "evaluation_config", "final_test_data", "resampler_params", "tuned_classifier_params", "uses_gpu",
]

#: Where an evaluation belongs: the search's own splits, fresh confirmation splits, or the
#: final-test part (the ``phase`` column of ``evaluations/``).
SEARCH, CONFIRM, FINAL = "search", "confirm", "final"
PHASES = (SEARCH, CONFIRM, FINAL)


def method_of(row: dict, settings: SearchSettings) -> str:
    """The row's method; a search of one method leaves it out of the trial's config."""
    return row.get("method") or settings.methods[0]


def classifier_of(row: dict, settings: SearchSettings) -> str:
    return row.get("classifier") or settings.classifiers[0]


def resampler_params(row: dict, method: str) -> dict:
    """The parameters of ``method`` in a flat trial config or a store row (the keys its space
    suggests), ready for ``make_resampler(method, params=...)``.

    Examples
    --------
    >>> resampler_params({"k_neighbors": 5.0, "latent_dim": None}, "smote")
    {'k_neighbors': 5}
    """
    from search._parameters import method_parameters

    return {name: whole(row[name]) for name in method_parameters(method)
            if name in row and whole(row[name]) is not None}


def tuned_classifier_params(row: dict, classifier: str) -> dict:
    """The classifier's own parameters in a trial config or a store row (``<classifier>__<param>``),
    ready for ``make_classifier(classifier, data, params=...)``; empty when it was not tuned.

    Examples
    --------
    >>> tuned_classifier_params({"nnmodel__dropout": 0.3, "svm_ovr__C": 2.0}, "nnmodel")
    {'dropout': 0.3}
    """
    prefix = f"{classifier}__"
    return {name[len(prefix):]: whole(value) for name, value in row.items()
            if name.startswith(prefix) and whole(value) is not None}


def configuration(row: dict, settings: SearchSettings | None = None) -> dict:
    """What a configuration is: method, classifier, the method's parameters and the classifier's
    tuned ones. Nothing else in a row (its id, timings, metrics) makes it another configuration."""
    method = row.get("method") or (settings.methods[0] if settings else None)
    classifier = row.get("classifier") or (settings.classifiers[0] if settings else None)
    return {"method": method, "classifier": classifier,
            "resampler_params": resampler_params(row, method),
            "classifier_params": tuned_classifier_params(row, classifier)}


def config_key(row: dict, settings: SearchSettings | None = None) -> str:
    """A text equal for two rows exactly when they hold the same configuration (a searcher may
    propose one again): ``best`` lists it once and the confirmation confirms it once."""
    return json.dumps(configuration(row, settings), sort_keys=True, default=str)


def classifier_params(row: dict, classifier: str, settings: SearchSettings) -> dict:
    """The classifier's parameters as it runs: the tuned ones, and NNModel's device (CUDA only
    where trials are given a GPU share)."""
    params = tuned_classifier_params(row, classifier)
    if classifier == "nnmodel":
        params["device"] = "auto" if settings.gpus_per_trial > 0 else "cpu"
    return params


def uses_gpu(row: dict, settings: SearchSettings) -> bool:
    """Whether a configuration's work should ask for a GPU share: torch-based work only (a torch
    classifier such as NNModel, or a method whose spec says ``uses_torch``)."""
    if settings.gpus_per_trial <= 0:
        return False
    from evaluation import METHODS
    from evaluation.classifiers import CLASSIFIERS

    return (METHODS[method_of(row, settings)].uses_torch
            or CLASSIFIERS[classifier_of(row, settings)].uses_torch)


def evaluation_config(row: dict, settings: SearchSettings, phase: str = SEARCH, *,
                      repeats: int | None = None) -> EvaluationConfig:
    """The evaluation of ``row``'s configuration in ``phase``.

    ``search``: the search's protocol and splits (stream 0). ``confirm``: fresh
    splits of the same kind (:func:`evaluation.splits.confirmation_protocol`,
    stream 1), ``repeats`` of them (default ``settings.confirm_repeats``).
    ``final``: one fit on the whole search part, scored on the final-test part
    (:func:`final_test_data` gives the rows). Every phase uses the search's seed
    and the row's tuned classifier parameters.
    """
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}; choose {', '.join(PHASES)}")
    method, classifier = method_of(row, settings), classifier_of(row, settings)
    common = {"classifier": classifier, "resampler": method,
              "resampler_params": resampler_params(row, method),
              "classifier_params": classifier_params(row, classifier, settings), "seed": settings.seed}
    if phase == SEARCH:
        return EvaluationConfig(protocol=settings.protocol, repeats=settings.repeats,
                                stream=SEARCH_STREAM, **common)
    if phase == CONFIRM:
        return EvaluationConfig(protocol=confirmation_protocol(settings.protocol),
                                repeats=repeats or settings.confirm_repeats, stream=CONFIRM_STREAM,
                                **common)
    return EvaluationConfig(protocol="holdout", stream=FINAL_STREAM, **common)


def final_test_data(settings: SearchSettings, whole: TabularData | None = None) -> tuple[TabularData, list]:
    """The whole table (``whole``, else read) and its one (search part, final-test part) split,
    for phase ``final``."""
    from search._data import load_table_of

    if whole is None:
        whole = load_table_of(settings.data_spec())
    return whole, [final_test_split(whole.y, settings.final_test, settings.seed)]
