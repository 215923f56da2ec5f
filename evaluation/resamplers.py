"""The resampler registry: imbalanced-learn's classics and GMCSMOTE, by name.

Every entry builds a sampler that never fails on small classes (see
:class:`SafeResampler`). ``n_synthetic``, accepted by the over-samplers,
spreads that many new rows over the classes below the mode in proportion to
their shortfall (the SEDG paper adds 200); without it they fill every class
up to the mode's count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import ADASYN, SMOTE, BorderlineSMOTE, RandomOverSampler
from imblearn.under_sampling import EditedNearestNeighbours, RandomUnderSampler, TomekLinks

from evaluation._safe import SafeResampler
from sedg import GMCSMOTE, DGMSampler, SedgInputError, SEDGSampler
from sedg.synthesis.base import shortfall_counts

__all__ = ["RESAMPLERS", "ResamplerSpec", "make_resampler", "shortfall_strategy"]


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

    def targets(y: np.ndarray) -> dict:
        labels, counts = np.unique(y, return_counts=True)
        extra = shortfall_counts(y, n_synthetic)
        return {label: int(count + extra[label]) for label, count in zip(labels.tolist(), counts)}

    return targets


def _below_median(y: np.ndarray) -> dict:
    labels, counts = np.unique(y, return_counts=True)
    median = int(np.median(counts))
    return {label: median for label, count in zip(labels.tolist(), counts) if count > median}


def _uniform(y: np.ndarray) -> dict:
    labels, counts = np.unique(y, return_counts=True)
    return {label: int(counts.max()) for label in labels.tolist()}


@dataclass(frozen=True)
class ResamplerSpec:
    """How to build a resampler from its parameters, and what it does.

    ``kind`` is ``over``, ``under``, ``clean`` or ``combined``; ``neighbours``
    names the parameter whose value + 1 is the class size it needs.
    """

    build: Callable[..., object]
    kind: str
    neighbours: str | None = None
    defaults: dict = field(default_factory=dict)
    #: False for samplers that handle small classes and discrete codes themselves.
    safe_wrap: bool = True


def _over(cls, **fixed):
    def build(seed: int, n_synthetic: int | None = None, **params):
        return cls(sampling_strategy=shortfall_strategy(n_synthetic), random_state=seed, **fixed, **params)

    return build


def _combined(cls):
    def build(seed: int, n_synthetic: int | None = None, k_neighbors: int = 5):
        smote = SMOTE(
            sampling_strategy=shortfall_strategy(n_synthetic), k_neighbors=k_neighbors, random_state=seed
        )
        return cls(smote=smote, random_state=seed)

    return build


RESAMPLERS: dict[str, ResamplerSpec] = {
    "random_over": ResamplerSpec(_over(RandomOverSampler), "over"),
    "random_under": ResamplerSpec(
        lambda seed: RandomUnderSampler(sampling_strategy=_below_median, random_state=seed), "under"
    ),
    "smote": ResamplerSpec(_over(SMOTE), "over", "k_neighbors", {"k_neighbors": 5}),
    "borderline_smote": ResamplerSpec(
        _over(BorderlineSMOTE), "over", "k_neighbors", {"k_neighbors": 5, "m_neighbors": 10}
    ),
    "adasyn": ResamplerSpec(_over(ADASYN), "over", "n_neighbors", {"n_neighbors": 5}),
    "tomek_links": ResamplerSpec(lambda seed: TomekLinks(), "clean"),
    "enn": ResamplerSpec(
        # kind_sel="mode": with 17 ordinal classes "all" removes nearly every row.
        lambda seed, n_neighbors=3, kind_sel="mode": EditedNearestNeighbours(
            n_neighbors=n_neighbors, kind_sel=kind_sel
        ),
        "clean",
    ),
    "smote_enn": ResamplerSpec(_combined(SMOTEENN), "combined", "k_neighbors", {"k_neighbors": 5}),
    "smote_tomek": ResamplerSpec(_combined(SMOTETomek), "combined", "k_neighbors", {"k_neighbors": 5}),
    "uniform_smote": ResamplerSpec(
        lambda seed, k_neighbors=5: SMOTE(
            sampling_strategy=_uniform, k_neighbors=k_neighbors, random_state=seed
        ),
        "over",
        "k_neighbors",
        {"k_neighbors": 5},
    ),
    "gmcsmote": ResamplerSpec(
        lambda seed, **params: GMCSMOTE(random_state=seed, **params),
        "over", None, {"k_neighbors": 5}, safe_wrap=False,
    ),
    "sedg": ResamplerSpec(
        lambda seed, **params: SEDGSampler(random_state=seed, **params), "over", safe_wrap=False
    ),
    "dgm": ResamplerSpec(
        lambda seed, **params: DGMSampler(random_state=seed, **params), "over", safe_wrap=False
    ),
}


def make_resampler(name: str, *, random_state: int = 0, params: dict | None = None):
    """Build resampler ``name`` with ``params``; ``"none"`` gives None (no resampling).

    Raises
    ------
    SedgInputError
        Unknown name or parameter. Values are validated when the sampler runs.

    Examples
    --------
    >>> type(make_resampler("smote", params={"k_neighbors": 3})).__name__
    'SafeResampler'
    """
    if name == "none":
        if params:
            raise SedgInputError(f"resampler 'none' takes no parameters, got {sorted(params)}")
        return None
    if name not in RESAMPLERS:
        raise SedgInputError(
            f"unknown resampler {name!r}; choose one of none, {', '.join(RESAMPLERS)}"
        )
    spec = RESAMPLERS[name]
    params = {**spec.defaults, **(params or {})}
    try:
        sampler = spec.build(random_state, **params)
    except TypeError as error:
        raise SedgInputError(f"invalid parameter for resampler {name!r}: {error}") from None
    if not spec.safe_wrap:
        return sampler  # it copes with small classes and discrete codes itself
    k = params.get(spec.neighbours, 0) if spec.neighbours else 0
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        if spec.neighbours:
            raise SedgInputError(f"{name}: {spec.neighbours} must be a positive integer, got {k!r}")
    return SafeResampler(sampler, min_class_size=int(k) + 1 if spec.neighbours else 0)
