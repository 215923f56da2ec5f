"""Fitting with per-row weights that reach the model that learns, through any wrapping."""

from __future__ import annotations

import inspect

import numpy as np
import sklearn
from sklearn.base import TransformerMixin
from sklearn.utils.class_weight import compute_sample_weight

from sedg import SedgInputError

__all__ = ["balanced_weights", "fit_with_weights"]


def balanced_weights(y: np.ndarray) -> np.ndarray:
    """scikit-learn's balanced weights: ``n / (k * n_c)`` for a row of class ``c``, so every class
    weighs the same in the loss (``class_weight="balanced"`` as a per-row weight).

    Examples
    --------
    >>> balanced_weights(np.array([0, 0, 0, 1])).tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    return compute_sample_weight("balanced", y)


def _takes_weights(estimator) -> bool:
    return "sample_weight" in inspect.signature(estimator.fit).parameters


def _estimators(estimator) -> list:
    """``estimator`` and every estimator among its parameters, however deep."""
    found = [estimator]
    for value in estimator.get_params(deep=True).values():
        if hasattr(value, "fit") and hasattr(value, "get_params"):
            found.append(value)
    return found


def fit_with_weights(estimator, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray):
    """Fit ``estimator`` with ``sample_weight`` given to the models that learn, never to the
    scalers before them: scikit-learn's metadata routing, every step told whether it wants the
    weights (a one-vs-rest SVM passes them to each binary SVM).

    Raises
    ------
    SedgInputError
        No model in ``estimator`` takes weights.

    Examples
    --------
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.svm import SVC
    >>> X, y = np.arange(8.0)[:, None], np.array([0, 0, 0, 0, 0, 0, 1, 1])
    >>> model = fit_with_weights(make_pipeline(StandardScaler(), SVC()), X, y, balanced_weights(y))
    >>> model.predict([[5.0]]).tolist()
    [1]
    """
    estimators = [e for e in _estimators(estimator) if hasattr(e, "set_fit_request") and _takes_weights(e)]
    learners = [e for e in estimators if not isinstance(e, TransformerMixin)]
    if not learners:
        raise SedgInputError(f"{type(estimator).__name__} cannot take sample weights (class_weight)")
    with sklearn.config_context(enable_metadata_routing=True):
        for step in estimators:
            step.set_fit_request(sample_weight=step in learners)
        return estimator.fit(X, y, sample_weight=sample_weight)
