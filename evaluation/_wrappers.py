"""Estimator wrappers: a full label set for every classifier, and BLRR as a classifier."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from scipy.stats import norm
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import BayesianRidge
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from evaluation._weights import fit_with_weights

__all__ = ["BLRRClassifier", "LabelSetClassifier"]


class LabelSetClassifier(ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on the classes present, answer over the whole label set.

    A training part may lack a class of the data (a 1-member grade that landed
    in the test part); the wrapped estimator sees labels ``0 .. k-1`` of the
    classes present (XGBoost requires it) or, with ``encode_labels=False``,
    the labels themselves (a regression on the label scale, such as BLRR,
    must see the score values: on a gapped scale 0, 2, 4, 18, 20 the codes
    0..4 would erase the gaps), and ``predict_proba`` returns one
    column per entry of ``labels``, zero for classes never seen. Estimators
    without ``predict_proba`` (SVMs) get a softmax of their decision values.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> model = LabelSetClassifier(DecisionTreeClassifier(), labels=[0, 1, 2])
    >>> model.fit(np.array([[0.0], [1.0]]), np.array([0, 2])).predict_proba([[0.0]]).tolist()
    [[1.0, 0.0, 0.0]]
    """

    def __init__(self, estimator, labels=None, encode_labels: bool = True) -> None:
        self.estimator = estimator
        self.labels = labels
        self.encode_labels = encode_labels

    def _target(self, y: np.ndarray, present: np.ndarray) -> np.ndarray:
        return np.searchsorted(present, y) if self.encode_labels else y

    def fit(self, X, y, sample_weight=None) -> LabelSetClassifier:
        """Fit on the classes present; ``sample_weight`` reaches the model that learns
        (:func:`evaluation._weights.fit_with_weights`), never a scaler before it."""
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        present = np.unique(y)
        self.classes_ = np.asarray(self.labels) if self.labels is not None else present
        self.present_columns_ = np.searchsorted(self.classes_, present)
        self.estimator_ = clone(self.estimator)
        if sample_weight is None:
            self.estimator_.fit(X, self._target(y, present))
        else:
            fit_with_weights(self.estimator_, X, self._target(y, present), np.asarray(sample_weight))
        return self

    def warm_fit(self, X, y) -> LabelSetClassifier:
        """Refit keeping the fitted estimator (for ``warm_start`` estimators)."""
        if not hasattr(self, "estimator_"):
            return self.fit(X, y)
        present = self.classes_[self.present_columns_]
        if not np.all(np.isin(np.unique(y), present)):
            return self.fit(X, y)
        if "warm_start" in self.estimator_.get_params():
            self.estimator_.set_params(warm_start=True)
        self.estimator_.fit(X, self._target(y, present))
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        X = validate_data(self, X, reset=False)
        if hasattr(self.estimator_, "predict_proba"):
            scores = self.estimator_.predict_proba(X)
        else:
            decision = np.asarray(self.estimator_.decision_function(X), dtype=float)
            if decision.ndim == 1:
                decision = np.column_stack([-decision, decision])
            scores = softmax(decision, axis=1)
        full = np.zeros((scores.shape[0], self.classes_.size))
        full[:, self.present_columns_] = scores
        return full

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        X = validate_data(self, X, reset=False)
        predicted = np.asarray(self.estimator_.predict(X))
        if not self.encode_labels:
            return predicted
        return self.classes_[self.present_columns_[predicted.astype(int)]]


class BLRRClassifier(ClassifierMixin, BaseEstimator):
    """Bayesian linear ridge regression on the label scale, used as a classifier.

    The regression target is the label's value (numeric labels) or its rank.
    ``predict`` rounds the predictive mean to the nearest label seen in
    training. ``predict_proba`` is the mass of the Gaussian predictive
    distribution ``N(mean, std)`` that falls in each label's interval, the
    intervals being cut half-way between neighbouring labels (the outer ones
    open-ended), so probabilities sum to one and rise towards the predicted
    grade. ``alpha_*`` and ``lambda_*`` are the Gamma priors of the noise and
    weight precisions (scikit-learn's ``BayesianRidge``).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.arange(20.0)[:, None]
    >>> y = np.repeat([1, 2, 3, 4], 5)
    >>> model = BLRRClassifier().fit(X, y)
    >>> model.predict([[0.0], [19.0]]).tolist(), model.predict_proba(X).shape
    ([1, 4], (20, 4))
    """

    def __init__(self, *, max_iter: int = 300, alpha_1: float = 1e-6, alpha_2: float = 1e-6,
                 lambda_1: float = 1e-6, lambda_2: float = 1e-6) -> None:
        self.max_iter = max_iter
        self.alpha_1 = alpha_1
        self.alpha_2 = alpha_2
        self.lambda_1 = lambda_1
        self.lambda_2 = lambda_2

    def fit(self, X, y, sample_weight=None) -> BLRRClassifier:
        """``sample_weight`` weighs each row's term of the Gaussian likelihood (class reweighting
        on the label scale)."""
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self.values_ = (
            self.classes_.astype(float)
            if np.issubdtype(self.classes_.dtype, np.number)
            else np.arange(self.classes_.size, dtype=float)
        )
        target = self.values_[np.searchsorted(self.classes_, y)]
        self.regressor_ = BayesianRidge(
            max_iter=self.max_iter, alpha_1=self.alpha_1, alpha_2=self.alpha_2,
            lambda_1=self.lambda_1, lambda_2=self.lambda_2,
        ).fit(X, target, sample_weight=sample_weight)
        self.n_iter_ = self.regressor_.n_iter_
        return self

    def predict_proba(self, X) -> np.ndarray:
        check_is_fitted(self, "regressor_")
        X = validate_data(self, X, reset=False)
        mean, std = self.regressor_.predict(X, return_std=True)
        cuts = (self.values_[1:] + self.values_[:-1]) / 2
        edges = np.concatenate([[-np.inf], cuts, [np.inf]])
        std = np.maximum(std, 1e-9)[:, None]
        cumulative = norm.cdf((edges[None, :] - mean[:, None]) / std)
        return np.diff(cumulative, axis=1)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # A regression on the label scale: unordered classes (scikit-learn's check data) score poorly.
        tags.classifier_tags.poor_score = True
        return tags

    def predict(self, X) -> np.ndarray:
        check_is_fitted(self, "regressor_")
        X = validate_data(self, X, reset=False)
        mean = self.regressor_.predict(X)
        nearest = np.abs(mean[:, None] - self.values_[None, :]).argmin(axis=1)
        return self.classes_[nearest]
