"""A base for samplers that need dense rows (candidates, embeddings, networks)."""

from __future__ import annotations

from imblearn.base import BaseSampler

from sedg.threads import limited_threads

__all__ = ["DenseSampler"]


class DenseSampler(BaseSampler):
    """imbalanced-learn's ``BaseSampler`` that refuses sparse input and tags itself so.

    Subclasses build their own sampling targets, so the base class's
    ``sampling_strategy`` check is bypassed. A subclass with an ``n_jobs`` parameter
    resamples with torch, BLAS and OpenMP held to that many threads
    (:func:`sedg.threads.limited_threads`; ``None``: the CPUs the process may use).
    """

    _sampling_type = "bypass"
    sampling_strategy = "auto"  # read by the base class before ``_fit_resample``; not a parameter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags

    def fit_resample(self, X, y, **params):
        with limited_threads(getattr(self, "n_jobs", None)):
            return super().fit_resample(X, y, **params)

    def _check_X_y(self, X, y, accept_sparse=None):
        return super()._check_X_y(X, y, accept_sparse=False)
