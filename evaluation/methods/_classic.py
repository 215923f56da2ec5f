"""imbalanced-learn's classic resamplers as methods.

Every one is wrapped so that it never fails on small classes (see
:class:`~evaluation._safe.SafeResampler`). ``n_synthetic``, taken by the
over-samplers, spreads that many new rows over the classes below the mode in
proportion to their shortfall (the SEDG paper adds 200); without it they fill
every class up to the mode's count. The interpolating ones take ``nominal``:
``"category"`` (the default) never interpolates a nominal feature (SMOTENC's
rule, see :class:`~evaluation._safe.SafeResampler`), ``"interpolate"`` runs on
the codes as the papers did.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from evaluation.methods._registry import NO_RESAMPLING, register_method
from sedg import SedgInputError
from sedg.defaults import N_SYNTHETIC
from sedg.synthesis import shortfall_counts

# imbalanced-learn is imported by the builders, which run in trials: the driver and
# ``--help`` only need the names and search spaces registered here.

__all__ = ["ENN_KINDS", "shortfall_strategy"]

#: ENN's rule for removing a row; "mode" first: with 17 ordinal classes "all" removes nearly every row.
ENN_KINDS = ("mode", "all")


def shortfall_strategy(n_synthetic: int | None) -> Callable[[np.ndarray], dict] | str:
    """Over-sampling targets: every class to the mode, or ``n_synthetic`` rows by shortfall.

    Examples
    --------
    >>> import numpy as np
    >>> shortfall_strategy(30)(np.array([0] * 10 + [1] * 4 + [2] * 8))
    {0: 10, 1: 27, 2: 15}
    """
    if n_synthetic is None:
        return "not majority"
    return partial(_shortfall_targets, n_synthetic=n_synthetic)  # a partial pickles (export)


def _shortfall_targets(y: np.ndarray, n_synthetic: int) -> dict:
    labels, counts = np.unique(y, return_counts=True)
    extra = shortfall_counts(y, n_synthetic)
    return {label: int(count + extra[label]) for label, count in zip(labels.tolist(), counts)}


def _down_to_median(y: np.ndarray) -> dict:
    """Under-sampling targets: classes above the median count go down to it, others stay."""
    labels, counts = np.unique(y, return_counts=True)
    median = int(np.median(counts))
    return {label: median for label, count in zip(labels.tolist(), counts) if count > median}


def _safe(sampler, method: str, neighbours: str | None = None, k=0, nominal: str = "category"):
    """Wrap ``sampler``; one needing ``k`` neighbours gets classes of at least ``k + 1`` rows."""
    from evaluation._safe import SafeResampler
    from sedg.nominal import NOMINAL_HANDLING

    if nominal not in NOMINAL_HANDLING:
        raise SedgInputError(
            f"{method}: nominal must be one of {', '.join(NOMINAL_HANDLING)}, got {nominal!r}")
    if neighbours is None:
        return SafeResampler(sampler, min_class_size=0, nominal=nominal)
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise SedgInputError(f"{method}: {neighbours} must be a positive integer, got {k!r}")
    return SafeResampler(sampler, min_class_size=int(k) + 1, nominal=nominal)


def _keywords(function: Callable) -> Callable[[dict, int], object]:
    """``build(params, random_state)`` from ``function(random_state, **params)``."""
    return lambda params, random_state: function(random_state, **params)


def _random_over(random_state: int, n_synthetic: int | None = None):
    from imblearn.over_sampling import RandomOverSampler

    strategy = shortfall_strategy(n_synthetic)
    return _safe(RandomOverSampler(sampling_strategy=strategy, random_state=random_state), "random_over")


def _random_under(random_state: int):
    from imblearn.under_sampling import RandomUnderSampler

    sampler = RandomUnderSampler(sampling_strategy=_down_to_median, random_state=random_state)
    return _safe(sampler, "random_under")


def _smote(random_state: int, k_neighbors: int = 5, n_synthetic: int | None = None,
           nominal: str = "category"):
    from imblearn.over_sampling import SMOTE

    sampler = SMOTE(sampling_strategy=shortfall_strategy(n_synthetic), k_neighbors=k_neighbors,
                    random_state=random_state)
    return _safe(sampler, "smote", "k_neighbors", k_neighbors, nominal)


def _borderline_smote(random_state: int, k_neighbors: int = 5, m_neighbors: int = 10,
                      n_synthetic: int | None = None, nominal: str = "category"):
    from imblearn.over_sampling import BorderlineSMOTE

    sampler = BorderlineSMOTE(sampling_strategy=shortfall_strategy(n_synthetic), k_neighbors=k_neighbors,
                              m_neighbors=m_neighbors, random_state=random_state)
    return _safe(sampler, "borderline_smote", "k_neighbors", k_neighbors, nominal)


def _adasyn(random_state: int, n_neighbors: int = 5, n_synthetic: int | None = None,
            nominal: str = "category"):
    from imblearn.over_sampling import ADASYN

    sampler = ADASYN(sampling_strategy=shortfall_strategy(n_synthetic), n_neighbors=n_neighbors,
                     random_state=random_state)
    return _safe(sampler, "adasyn", "n_neighbors", n_neighbors, nominal)


def _tomek_links(random_state: int):
    from imblearn.under_sampling import TomekLinks

    return _safe(TomekLinks(), "tomek_links")


def _enn(random_state: int, n_neighbors: int = 3, kind_sel: str = ENN_KINDS[0]):
    from imblearn.under_sampling import EditedNearestNeighbours

    return _safe(EditedNearestNeighbours(n_neighbors=n_neighbors, kind_sel=kind_sel), "enn")


def _combined(combiner: str, method: str) -> Callable:
    def build(random_state: int, k_neighbors: int = 5, n_synthetic: int | None = None,
              nominal: str = "category"):
        import imblearn.combine
        from imblearn.over_sampling import SMOTE

        cls = getattr(imblearn.combine, combiner)
        smote = SMOTE(sampling_strategy=shortfall_strategy(n_synthetic), k_neighbors=k_neighbors,
                      random_state=random_state)
        return _safe(cls(smote=smote, random_state=random_state), method, "k_neighbors", k_neighbors,
                     nominal)

    return build


def _amount(trial, options: dict) -> None:
    # None: fill every class to the mode; a number: the SEDG paper's fixed budget.
    trial.suggest_categorical("n_synthetic", [None, options.get("n_synthetic", N_SYNTHETIC)])


def _no_parameters(trial, options: dict) -> None:
    return None


def _random_over_space(trial, options: dict) -> None:
    _amount(trial, options)


def _smote_space(trial, options: dict) -> None:
    trial.suggest_int("k_neighbors", 1, 7)
    _amount(trial, options)


def _borderline_space(trial, options: dict) -> None:
    trial.suggest_int("k_neighbors", 1, 7)
    trial.suggest_int("m_neighbors", 5, 15)
    _amount(trial, options)


def _adasyn_space(trial, options: dict) -> None:
    trial.suggest_int("n_neighbors", 1, 7)
    _amount(trial, options)


def _enn_space(trial, options: dict) -> None:
    trial.suggest_int("n_neighbors", 1, 7)
    trial.suggest_categorical("kind_sel", list(ENN_KINDS))


def _none_build(params: dict, random_state: int) -> None:
    if params:
        raise SedgInputError(f"resampler 'none' takes no parameters, got {sorted(params)}")
    return None


register_method(NO_RESAMPLING, build=_none_build, space=_no_parameters)
register_method("random_over", build=_keywords(_random_over), space=_random_over_space)
register_method("random_under", build=_keywords(_random_under), space=_no_parameters)
register_method("smote", build=_keywords(_smote), space=_smote_space)
register_method("borderline_smote", build=_keywords(_borderline_smote), space=_borderline_space)
register_method("adasyn", build=_keywords(_adasyn), space=_adasyn_space)
register_method("tomek_links", build=_keywords(_tomek_links), space=_no_parameters)
register_method("enn", build=_keywords(_enn), space=_enn_space)
register_method("smote_enn", build=_keywords(_combined("SMOTEENN", "smote_enn")),
                space=_smote_space)
register_method("smote_tomek", build=_keywords(_combined("SMOTETomek", "smote_tomek")),
                space=_smote_space)
