"""NNModel's trained embedding as pre-processing for another classifier (the SEDG paper's Table 1)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from evaluation._weights import fit_with_weights
from sedg.nn import EMBEDDING_LAYERS
from sedg.synthesis import ModelEmbedder

__all__ = ["EmbeddingClassifier"]


def _estimator_has(method: str):
    return lambda self: hasattr(self.estimator, method)


class EmbeddingClassifier(ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on the rows as a trained NNModel embeds them.

    ``embedder`` is either an unfitted network with ``embed`` (NNModel),
    fitted here on the same rows, or an already fitted embedder with
    ``transform`` (a :class:`~sedg.synthesis.ModelEmbedder`), used as it is:
    the evaluation protocol fits NNModel once per training split and shares
    it, so a search over resamplers does not retrain it for every trial, and
    synthetic rows are embedded by the network of the original rows.

    Parameters
    ----------
    estimator : classifier
        The downstream model (an SVM, a forest, XGBoost), fitted on embeddings.
    embedder : NNModel-like estimator or fitted embedder
    layer : {"input", "hidden"}, default="input"
        The layer an unfitted ``embedder`` is read at: the paper's phi, or the last block.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sedg import NNModel
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 3, 90), rng.normal(size=90)])
    >>> y = (X[:, 0] + (X[:, 1] > 0)).astype(int)
    >>> model = EmbeddingClassifier(RandomForestClassifier(n_estimators=10, random_state=0),
    ...                             NNModel(discrete_features=[0], max_epochs=5, random_state=0))
    >>> model.fit(X, y).predict_proba(X).shape
    (90, 4)
    """

    def __init__(self, estimator, embedder, layer: str = "input") -> None:
        self.estimator = estimator
        self.embedder = embedder
        self.layer = layer

    def fit(self, X, y, sample_weight=None) -> EmbeddingClassifier:
        """Fit the network (unless given a fitted embedder) and the model on its embedding;
        ``sample_weight`` reaches the model on the embedding, not the network (trained once per
        training split and shared by every trial)."""
        if self.layer not in EMBEDDING_LAYERS:
            raise ValueError(f"layer must be one of {EMBEDDING_LAYERS}, got {self.layer!r}")
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        if hasattr(self.embedder, "transform"):
            self.embedder_ = self.embedder
        else:
            self.embedder_ = ModelEmbedder(clone(self.embedder).fit(X, y), self.layer)
        embedded = self.embedder_.transform(X)
        if sample_weight is None:
            self.estimator_ = clone(self.estimator).fit(embedded, y)
        else:
            self.estimator_ = fit_with_weights(clone(self.estimator), embedded, y, sample_weight)
        self.classes_ = np.asarray(self.estimator_.classes_)
        return self

    def _embedded(self, X) -> np.ndarray:
        check_is_fitted(self, "estimator_")
        return self.embedder_.transform(validate_data(self, X, reset=False))

    def predict(self, X) -> np.ndarray:
        return self.estimator_.predict(self._embedded(X))

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X) -> np.ndarray:
        return self.estimator_.predict_proba(self._embedded(X))

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X) -> np.ndarray:
        return self.estimator_.decision_function(self._embedded(X))
