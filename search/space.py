"""The search space: define-by-run, conditional, one sub-space per method.

A method registers the function that suggests its own parameters with
:func:`register_space`; :func:`define_space` picks the method and classifier
and calls it. Space functions only call ``trial.suggest_*`` (no computation),
so Optuna's TPE sees a conditional tree: a parameter exists only under its
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

from collections.abc import Callable, Sequence
from typing import Any

from sedg import SedgInputError

__all__ = ["METHOD_SPACES", "DesignSpace", "define_space", "register_space"]

#: ``function(trial, options) -> constants or None``; ``options`` holds ``classifier`` (None
#: while the store's columns are being listed: offer every branch then) and ``n_synthetic``.
SpaceFunction = Callable[[Any, dict], "dict | None"]

#: method name -> function(trial, options) suggesting that method's parameters.
METHOD_SPACES: dict[str, SpaceFunction] = {}


def register_space(name: str) -> Callable[[SpaceFunction], SpaceFunction]:
    """Register the parameter space of method ``name`` (a decorator)."""

    def decorate(function: SpaceFunction) -> SpaceFunction:
        METHOD_SPACES[name] = function
        return function

    return decorate


def _amount(trial, options: dict) -> None:
    # None: fill every class to the mode; a number: the SEDG paper's fixed budget.
    trial.suggest_categorical("n_synthetic", [None, options.get("n_synthetic", 200)])


@register_space("none")
@register_space("random_under")
@register_space("tomek_links")
def _no_parameters(trial, options: dict) -> None:
    return None


@register_space("random_over")
def _random_over(trial, options: dict) -> None:
    _amount(trial, options)


@register_space("smote")
@register_space("smote_enn")
@register_space("smote_tomek")
def _smote(trial, options: dict) -> None:
    trial.suggest_int("k_neighbors", 1, 7)
    _amount(trial, options)


@register_space("borderline_smote")
def _borderline(trial, options: dict) -> None:
    trial.suggest_int("k_neighbors", 1, 7)
    trial.suggest_int("m_neighbors", 5, 15)
    _amount(trial, options)


@register_space("adasyn")
def _adasyn(trial, options: dict) -> None:
    trial.suggest_int("n_neighbors", 1, 7)
    _amount(trial, options)


@register_space("enn")
def _enn(trial, options: dict) -> None:
    trial.suggest_int("n_neighbors", 1, 7)
    trial.suggest_categorical("kind_sel", ["mode", "all"])


@register_space("uniform_smote")
def _uniform(trial, options: dict) -> None:
    trial.suggest_int("k_neighbors", 1, 7)


@register_space("gmcsmote")
def _gmcsmote(trial, options: dict) -> None:
    trial.suggest_float("cap", 1.5, 4.0)
    trial.suggest_int("min_samples", 2, 8)
    trial.suggest_int("k_neighbors", 1, 7)
    trial.suggest_categorical("distance", ["index", "value"])


def check_names(methods: Sequence[str], classifiers: Sequence[str]) -> None:
    """Raise :class:`SedgInputError` for an unknown method or classifier."""
    from evaluation.classifiers import CLASSIFIERS

    for method in methods:
        if method not in METHOD_SPACES:
            raise SedgInputError(
                f"unknown method {method!r}; choose from {', '.join(sorted(METHOD_SPACES))}"
            )
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
    A class rather than a closure so that Ray Tune can pickle the searcher's state.
    """

    def __init__(self, methods: Sequence[str], classifiers: Sequence[str], **options: Any) -> None:
        check_names(methods, classifiers)
        self.methods, self.classifiers, self.options = list(methods), list(classifiers), options

    def __call__(self, trial) -> dict:
        constants = {}
        if len(self.methods) > 1:
            method = trial.suggest_categorical("method", self.methods)
        else:
            method = constants["method"] = self.methods[0]
        if len(self.classifiers) > 1:
            classifier = trial.suggest_categorical("classifier", self.classifiers)
        else:
            classifier = constants["classifier"] = self.classifiers[0]
        constants.update(METHOD_SPACES[method](trial, {**self.options, "classifier": classifier}) or {})
        return constants


def define_space(methods: Sequence[str], classifiers: Sequence[str], **options: Any) -> DesignSpace:
    """The search space over ``methods`` and ``classifiers`` (see :class:`DesignSpace`)."""
    return DesignSpace(methods, classifiers, **options)


#: Parameters suggested under another name because their choices depend on the classifier
#: (Optuna needs one distribution per name); they reach the sampler under their own name.
ALIASES = {"feature_importance_model_agnostic": "feature_importance"}


def resampler_params(config: dict, method: str) -> dict:
    """The parameters of ``method`` in a flat trial config (the keys its space suggested)."""
    from search._schema import method_parameters

    names = method_parameters(method)
    return {
        ALIASES.get(name, name): _plain(config[name])
        for name in names
        if name in config and not _missing(config[name])
    }


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _plain(value):
    """Store values back to Python: integer columns are stored as floats (so they can be null)."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value



# Methods whose spaces live in their own modules register on import.
from search import _dgm_space, _sedg_space  # noqa: E402, F401
