"""The search space: define-by-run, conditional, one sub-space per method.

Each method's spec (:func:`evaluation.methods.register_method`, re-exported
here and from :mod:`search`) holds the function that suggests its own
parameters; :func:`define_space` picks the method and classifier and calls
it. Space functions only call ``trial.suggest_*`` (no computation), so
Optuna's TPE sees a conditional tree: a parameter exists only under its
method. Parameter names are shared between methods only where their ranges
are equal (Optuna needs one distribution per name).

Examples
--------
>>> import optuna
>>> space = define_space(methods=("smote", "gmcsmote"), classifiers=("blrr",))
>>> trial = optuna.trial.FixedTrial({"method": "smote", "k_neighbors": 3, "n_synthetic": None})
>>> config = space(trial)
>>> sorted(config) == ["classifier"] and trial.params["method"] == "smote"
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evaluation.methods import METHODS, register_method
from sedg import SedgInputError
from sedg.defaults import N_SYNTHETIC

__all__ = ["DesignSpace", "check_names", "define_space", "register_method"]


def check_names(methods: Sequence[str], classifiers: Sequence[str]) -> None:
    """Raise :class:`SedgInputError` for an unknown method or classifier."""
    from evaluation.classifiers import CLASSIFIERS

    for method in methods:
        if method not in METHODS:
            raise SedgInputError(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
        METHODS[method].check_installed()
    for classifier in classifiers:
        if classifier not in CLASSIFIERS:
            raise SedgInputError(
                f"unknown classifier {classifier!r}; choose from {', '.join(CLASSIFIERS)}"
            )
    if not methods or not classifiers:
        raise SedgInputError("at least one method and one classifier are required")


class DesignSpace:
    """The define-by-run function for Optuna: method, classifier, then the method's own parameters.

    A single method or classifier is a constant (returned, not suggested).
    With ``tune_classifier``, the chosen classifier's own parameters follow,
    named ``<classifier>__<param>``.
    With ``trials_per_method``, the method is a constant too, taken in turn by
    the trial's number, so every method gets the same number of trials (the
    SEDG paper's equal budget); the searcher samples the rest within it.
    A class rather than a closure so that Ray Tune can pickle the searcher's state.
    """

    def __init__(self, methods: Sequence[str], classifiers: Sequence[str], **options: Any) -> None:
        check_names(methods, classifiers)
        self.methods, self.classifiers, self.options = list(methods), list(classifiers), options

    def __call__(self, trial) -> dict:
        constants = {}
        if self.options.get("trials_per_method") and len(self.methods) > 1:
            method = constants["method"] = self.methods[trial.number % len(self.methods)]
        elif len(self.methods) > 1:
            method = trial.suggest_categorical("method", self.methods)
        else:
            method = constants["method"] = self.methods[0]
        if len(self.classifiers) > 1:
            classifier = trial.suggest_categorical("classifier", self.classifiers)
        else:
            classifier = constants["classifier"] = self.classifiers[0]
        options = {"n_synthetic": self.options.get("n_synthetic", N_SYNTHETIC), "classifier": classifier}
        constants.update(METHODS[method].space(trial, options) or {})
        if self.options.get("tune_classifier"):
            from evaluation.classifiers import CLASSIFIERS

            tunable = CLASSIFIERS[classifier].space
            if tunable is not None:  # scikit-learn's step__param names: one column per classifier
                tunable(trial, f"{classifier}__")
        return constants


def define_space(methods: Sequence[str], classifiers: Sequence[str], **options: Any) -> DesignSpace:
    """The search space over ``methods`` and ``classifiers`` (see :class:`DesignSpace`)."""
    return DesignSpace(methods, classifiers, **options)
