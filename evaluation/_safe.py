"""A wrapper that lets neighbour-based resamplers run on classes of any size."""

from __future__ import annotations

import numbers

import numpy as np
from imblearn.base import BaseSampler
from imblearn.over_sampling import ADASYN, SMOTE
from sklearn.base import clone
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import HasMethods, Interval

from sedg import SedgInputError
from sedg.gmcsmote import replicate_small_classes

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

    Parameters
    ----------
    sampler : imbalanced-learn sampler
    min_class_size : int, default=0
        0 for samplers that need no neighbours within a class.

    Attributes
    ----------
    sampler_ : the fitted sampler
    replicated_ : dict
        Rows added per label before sampling.
    fallback_ : str or None

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
    }

    def __init__(self, sampler, *, min_class_size: int = 0) -> None:
        self.sampler = sampler
        self.min_class_size = min_class_size

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        scaler = StandardScaler().fit(X)
        Z = scaler.transform(X)
        Z, y, self.replicated_ = replicate_small_classes(Z, y, self.min_class_size)
        self.sampler_ = clone(self.sampler)
        self.fallback_ = None
        try:
            Z_res, y_res = self._run(Z, y)
        except ValueError as error:  # imbalanced-learn's word for data it cannot work on
            name = type(self.sampler_).__name__
            raise SedgInputError(f"{name} cannot resample these {len(y)} rows: {error}") from None
        if len(y_res) == 0:
            raise SedgInputError(f"{type(self.sampler_).__name__} removed all {len(y)} rows")
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
        self.sampler_ = SMOTE(
            sampling_strategy=params["sampling_strategy"],
            k_neighbors=params["n_neighbors"],
            random_state=params["random_state"],
        )
        return self.sampler_.fit_resample(Z, y)
