"""A wrapper that lets neighbour-based resamplers run on classes of any size."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.base import BaseSampler
from imblearn.combine import SMOTEENN, SMOTETomek
from imblearn.over_sampling import ADASYN, SMOTE, SMOTEN, SMOTENC, BorderlineSMOTE
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from sedg import SedgInputError
from sedg.gmcsmote import replicate_small_classes
from sedg.nominal import NOMINAL_HANDLING, smote_for, take_nominal_values

__all__ = ["SafeResampler"]


class SafeResampler(BaseSampler):
    """Run ``sampler`` in standardised space after growing classes too small for it.

    Neighbour-based samplers need ``k_neighbors + 1`` members per class; the
    real data has grades with one student. Classes under ``min_class_size`` are
    first replicated (their members repeated, in order) up to that size, which
    ``replicated_`` records; the replicated rows stay in the output, as in
    GMCSMOTE. Features are standardised before sampling (neighbours in raw
    units would be ruled by the widest feature) and mapped back after.
    If ADASYN finds no majority-class neighbours or would make no row (it
    raises then), SMOTE with the same strategy and neighbours runs instead
    and ``fallback_`` says so. Data the sampler cannot work on (fewer rows
    than a cleaner's neighbours) is a ``SedgInputError`` naming the sampler.

    Nominal features are never interpolated (:mod:`sedg.nominal`): SMOTE, and
    the SMOTE step of SMOTE-ENN and SMOTE-Tomek, become imbalanced-learn's
    SMOTENC (SMOTEN when every feature is nominal); borderline SMOTE and ADASYN,
    which have no mixed-data form, run as they are and each synthetic row then
    takes every nominal value as SMOTENC does, the most frequent among its
    nearest rows of its class. Standardising keeps codes apart (an affine map),
    so categories stay categories.

    Parameters
    ----------
    sampler : imbalanced-learn sampler
    min_class_size : int, default=0
        0 for samplers that need no neighbours within a class.
    nominal_features : list of int, optional
        Columns holding nominal codes (the protocol gives the data's).
    nominal : {"category", "interpolate"}, default="category"
        ``"interpolate"`` runs the sampler on the codes as numbers (the papers'
        protocol; the protocol snaps them back to valid codes).

    Attributes
    ----------
    sampler_ : the fitted sampler
    replicated_ : dict
        Rows added per label before sampling.
    fallback_ : str or None
    nominal_ : str or None
        How nominal features were treated (``smotenc``, ``smoten``, ``most
        frequent of k nearest``, ``interpolated``); None when the sampler
        interpolates nothing or there are none.

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.over_sampling import ADASYN, SMOTE
    >>> X, y = np.arange(24.0).reshape(12, 2), np.array([0] * 11 + [1])
    >>> safe = SafeResampler(SMOTE(k_neighbors=5), min_class_size=6)
    >>> X_res, y_res = safe.fit_resample(X, y)
    >>> safe.replicated_, np.bincount(y_res).tolist()
    ({1: 5}, [11, 11])
    """

    _sampling_type = "bypass"
    # Checked by the base class before ``_fit_resample``; the wrapped sampler owns the strategy.
    sampling_strategy = "auto"
    _parameter_constraints: dict = {
        "sampler": [HasMethods(["fit_resample"])],
        "min_class_size": [Interval(numbers.Integral, 0, None, closed="left")],
        "nominal_features": [None, "array-like"],
        "nominal": [StrOptions(set(NOMINAL_HANDLING))],
    }

    def __init__(self, sampler, *, min_class_size: int = 0, nominal_features=None,
                 nominal: str = NOMINAL_HANDLING[0]) -> None:
        self.sampler = sampler
        self.min_class_size = min_class_size
        self.nominal_features = nominal_features
        self.nominal = nominal

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        scaler = StandardScaler().fit(X)
        Z = scaler.transform(X)
        Z, y, self.replicated_ = replicate_small_classes(Z, y, self.min_class_size)
        self.fallback_ = None
        nominal = [int(i) for i in (self.nominal_features if self.nominal_features is not None else [])]
        self.sampler_, self.nominal_, repair = _with_categories(
            clone(self.sampler), nominal if self.nominal == "category" else [], X.shape[1])
        if nominal and self.nominal == "interpolate" and _interpolates(self.sampler_):
            self.nominal_ = "interpolated"
        try:
            Z_res, y_res = self._run(Z, y)
        except ValueError as error:  # imbalanced-learn's word for data it cannot work on
            name = type(self.sampler_).__name__
            raise SedgInputError(f"{name} cannot resample these {len(y)} rows: {error}") from None
        if len(y_res) == 0:
            raise SedgInputError(f"{type(self.sampler_).__name__} removed all {len(y)} rows")
        if repair and self.fallback_ is None:  # an over-sampler: its new rows follow the input
            Z_res[len(Z):] = take_nominal_values(Z, y, Z_res[len(Z):], y_res[len(Z):], nominal,
                                                 k=repair)
        return scaler.inverse_transform(Z_res), y_res

    def _run(self, Z: np.ndarray, y: np.ndarray):
        try:
            return self.sampler_.fit_resample(Z, y)
        except (RuntimeError, ValueError) as error:
            # ADASYN's "no majority-class neighbours" and "no samples will be generated" (its
            # per-row counts all round to 0); anything else is the caller's to report.
            if not isinstance(self.sampler_, ADASYN) or (
                    isinstance(error, ValueError) and "No samples will be generated" not in str(error)):
                raise
        self.fallback_ = "smote"
        params = self.sampler_.get_params()
        smote = SMOTE(sampling_strategy=params["sampling_strategy"], k_neighbors=params["n_neighbors"],
                      random_state=params["random_state"])
        if self.nominal_ not in (None, "interpolated"):  # SMOTENC itself, no repair afterwards
            smote, self.nominal_, _ = _with_categories(
                smote, [int(i) for i in self.nominal_features], Z.shape[1])
        self.sampler_ = smote
        return self.sampler_.fit_resample(Z, y)


def _smote_parameters(smote) -> dict:
    params = smote.get_params()
    return {name: params[name] for name in ("sampling_strategy", "k_neighbors", "random_state")}


def _interpolates(sampler) -> bool:
    return isinstance(sampler, (SMOTE, BorderlineSMOTE, ADASYN, SMOTEENN, SMOTETomek))


def _with_categories(sampler, nominal: list[int], n_features: int):
    """``(sampler, what it does with nominal features, k of a repair afterwards or 0)``."""
    if not nominal or not _interpolates(sampler):
        return sampler, None, 0
    if isinstance(sampler, (SMOTENC, SMOTEN)):  # categories already
        return sampler, type(sampler).__name__.lower(), 0
    if type(sampler) is SMOTE:
        smote = smote_for(nominal, n_features, **_smote_parameters(sampler))
        return smote, type(smote).__name__.lower(), 0
    if isinstance(sampler, (SMOTEENN, SMOTETomek)):
        inner = sampler.smote if sampler.smote is not None else SMOTE()
        smote = smote_for(nominal, n_features, **_smote_parameters(inner))
        return sampler.set_params(smote=smote), type(smote).__name__.lower(), 0
    k = sampler.get_params().get("k_neighbors", sampler.get_params().get("n_neighbors", 5))
    return sampler, f"most frequent of {k} nearest", int(k)
