"""One spec per method: how to build its sampler and which parameters the search suggests."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sedg import SedgInputError

__all__ = ["METHODS", "NO_RESAMPLING", "MethodSpec", "import_plugins", "make_resampler", "register_method"]

#: The method that leaves the training rows as they are (the baseline's own configuration).
NO_RESAMPLING = "none"

#: ``build(params, random_state) -> sampler or None``: an unfitted sampler from a configuration.
BuildFunction = Callable[[dict, int], Any]
#: ``space(trial, options) -> constants or None``: only ``trial.suggest_*`` calls (define-by-run).
#: ``options`` holds ``classifier`` (None while the store's columns are listed: offer every
#: branch then) and ``n_synthetic`` (the search's budget).
SpaceFunction = Callable[[Any, dict], "dict | None"]


@dataclass(frozen=True)
class MethodSpec:
    """Everything the project knows about one method, in one place.

    The registry (:data:`METHODS`), the search space, the store's columns,
    ``resampler_params`` and ``--plugin`` all read from it.

    Parameters
    ----------
    name : str
    build : callable
        ``build(params, random_state)`` returns an unfitted sampler (None for
        no resampling). Unknown parameters raise ``TypeError``.
    space : callable
        ``space(trial, options)`` suggests the method's parameters and may
        return constants (parameters that are fixed, not searched).
    uses_torch : bool, default=False
        Whether its trials benefit from a GPU share (whatever the classifier).
    reweights : bool, default=False
        Instead of resampling, the classifier is trained on the original rows
        with balanced class weights (``build`` returns None).
    extra : tuple of str or None, default=None
        ``(module, extra)``: the package the method needs and the optional extra of
        sedg-search that installs it (:meth:`check_installed`).
    """

    name: str
    build: BuildFunction
    space: SpaceFunction
    uses_torch: bool = False
    reweights: bool = False
    extra: tuple[str, str] | None = None

    def check_installed(self) -> None:
        """Raise :class:`SedgInputError` naming the ``pip install`` to run when the package the
        method needs is missing (looked up, not imported: a driver need not pay its import)."""
        if self.extra is not None and importlib.util.find_spec(self.extra[0]) is None:
            module, extra = self.extra
            raise SedgInputError(
                f"method {self.name!r} needs the {module} package: pip install 'sedg-search[{extra}]'")

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise SedgInputError(f"a method name must be an identifier, got {self.name!r}")
        if not callable(self.build) or not callable(self.space):
            raise SedgInputError(f"method {self.name!r}: build and space must be callables")


#: Every method by name, in registration order (built-ins first).
METHODS: dict[str, MethodSpec] = {}


def register_method(
    name: str, *, build: BuildFunction, space: SpaceFunction, uses_torch: bool = False,
    reweights: bool = False, extra: tuple[str, str] | None = None,
) -> MethodSpec:
    """Register a method under ``name`` (registering a name again replaces it).

    Examples
    --------
    >>> from imblearn.over_sampling import RandomOverSampler
    >>> spec = register_method(
    ...     "doc_random_over",
    ...     build=lambda params, random_state: RandomOverSampler(random_state=random_state, **params),
    ...     space=lambda trial, options: trial.suggest_float("shrinkage", 0.0, 1.0) and None,
    ... )
    >>> type(make_resampler("doc_random_over", params={"shrinkage": 0.5})).__name__
    'RandomOverSampler'
    >>> del METHODS["doc_random_over"]
    """
    spec = MethodSpec(name, build, space, uses_torch, reweights, extra)
    METHODS[name] = spec
    return spec


def make_resampler(name: str, *, random_state: int = 0, params: dict | None = None):
    """Build method ``name`` with ``params``; ``"none"`` gives None (no resampling).

    Raises
    ------
    SedgInputError
        Unknown name or parameter. Values are validated when the sampler runs.

    Examples
    --------
    >>> type(make_resampler("smote", params={"k_neighbors": 3})).__name__
    'SafeResampler'
    """
    if name not in METHODS:
        raise SedgInputError(f"unknown resampler {name!r}; choose one of {', '.join(METHODS)}")
    try:
        return METHODS[name].build(dict(params or {}), random_state)
    except TypeError as error:
        raise SedgInputError(f"invalid parameter for resampler {name!r}: {error}") from None


def import_plugins(plugins) -> None:
    """Import modules that register extra methods (``--plugin``; in the driver and in every
    trial process, so each knows them)."""
    for plugin in plugins:
        try:
            importlib.import_module(plugin)
        except ImportError as error:
            raise SedgInputError(f"cannot import plugin {plugin!r}: {error}") from None
        except Exception as error:  # the plugin's own code failed: say what it raised
            raise SedgInputError(
                f"plugin {plugin!r} failed while importing: {type(error).__name__}: {error}") from None
