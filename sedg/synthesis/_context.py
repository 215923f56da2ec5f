"""What generation needs from the training rows and the classifier, computed once and shared."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.base import clone
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

from sedg._memory import cached, data_key, estimator_key
from sedg.nn import NNModel
from sedg.synthesis._embeddings import ModelEmbedder, PCAEmbedder, Reduced, fit_autoencoder
from sedg.synthesis._features import importance_weights

__all__ = ["classifier_diagnostics", "fitted_classifier", "make_embedder", "proba_for"]


def proba_for(model, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``predict_proba`` with one column per entry of ``labels`` (zeros for unseen classes)."""
    probabilities = model.predict_proba(X)
    classes = np.asarray(getattr(model, "classes_", labels))
    full = np.zeros((X.shape[0], labels.size))
    full[:, np.searchsorted(labels, classes)] = probabilities
    return full


def _losses_and_aucs(probabilities: np.ndarray, y: np.ndarray, labels: np.ndarray):
    truth = np.searchsorted(labels, y)
    p_true = probabilities[np.arange(y.size), truth]
    wrong = probabilities.argmax(axis=1) != truth
    # Misclassified rows first, then by cross-entropy: the paper's "largest margin for error".
    losses = -np.log(np.clip(p_true, 1e-12, 1.0)) + 1e3 * wrong
    aucs = np.full(labels.size, np.nan)
    for index in range(labels.size):
        positive = truth == index
        if 0 < positive.sum() < y.size:
            aucs[index] = roc_auc_score(positive, probabilities[:, index])
    return losses, aucs


def classifier_diagnostics(classifier, X, y, labels, *, random_state, memory):
    """Out-of-fold (3 folds) loss per training row and AUC per class, for PeSS and PPSS."""

    def compute():
        probabilities = np.zeros((y.size, labels.size))
        folds = KFold(3, shuffle=True, random_state=random_state)
        for fit_rows, held_rows in folds.split(X):
            model = clone(classifier).fit(X[fit_rows], y[fit_rows])
            probabilities[held_rows] = proba_for(model, X[held_rows], labels)
        return _losses_and_aucs(probabilities, y, labels)

    key = f"{data_key(X, y)}|{estimator_key(classifier)}|oof3|{random_state}"
    return cached(memory, "classifier_diagnostics", key, compute)


def in_sample_diagnostics(model, X, y, labels):
    """Loss and class AUC of a model trained in an earlier round, on the original rows."""
    return _losses_and_aucs(proba_for(model, X, labels), y, labels)


def fitted_classifier(classifier, X, y, *, memory):
    """The classifier fitted on the training rows (a private copy: callers may keep training it)."""
    key = f"{data_key(X, y)}|{estimator_key(classifier)}"
    model = cached(memory, "fitted_classifier", key, lambda: clone(classifier).fit(X, y))
    return copy.deepcopy(model)


def feature_importances(kind, classifier, X, y, *, random_state, memory):
    key = f"{data_key(X, y)}|{estimator_key(classifier)}|{kind}|{random_state}"
    return cached(
        memory, f"importance_{kind}",
        key, lambda: importance_weights(kind, classifier, X, y, random_state=random_state),
    )


def make_embedder(
    kind: str, X, y, *, classifier, discrete_features, latent_dim, pca, pca_components,
    random_state, memory,
):
    """An embedder of ``kind`` (``pca``, ``ae``, ``vae``, ``nnmodel``), optionally PCA-reduced."""
    base_key = f"{data_key(X, y)}|seed{random_state}"
    if kind == "pca":
        key = f"{base_key}|pca{pca_components}"
        return cached(memory, "embedding_pca", key,
                      lambda: PCAEmbedder(pca_components, random_state).fit(X))
    if kind in ("ae", "vae"):
        key = f"{base_key}|{kind}|latent{latent_dim}"
        embedder = cached(memory, f"embedding_{kind}", key, lambda: fit_autoencoder(
            X, variational=kind == "vae", latent_dim=latent_dim, random_state=random_state))
    elif kind == "nnmodel":
        model = classifier if _has_embed(classifier) else NNModel(
            discrete_features=discrete_features, random_state=random_state)
        key = f"{base_key}|nnmodel|{estimator_key(model)}"
        embedder = cached(memory, "embedding_nnmodel", key,
                          lambda: ModelEmbedder(clone(model).fit(X, y)))
    else:
        raise ValueError(f"unknown embedding {kind!r}")
    if not pca:
        return embedder
    key = f"{base_key}|{kind}|latent{latent_dim}|pca{pca_components}"
    return cached(memory, f"embedding_{kind}_pca", key,
                  lambda: Reduced(embedder, X, pca_components, random_state))


def _has_embed(model) -> bool:
    return model is not None and (
        hasattr(model, "embed") or hasattr(getattr(model, "estimator", None), "embed")
    )
