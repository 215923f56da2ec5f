"""What generation needs from the training rows and the classifier, computed once and shared."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import BaseEnsemble, HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

from sedg.memory import cached, data_key, estimator_key
from sedg.nn import NNModel
from sedg.synthesis._embeddings import ModelEmbedder, PCAEmbedder, Reduced, fit_autoencoder
from sedg.synthesis._features import importance_weights

__all__ = [
    "classifier_diagnostics", "continue_training", "fitted_classifier", "has_embed",
    "in_sample_diagnostics", "keeps_weights",
    "make_embedder", "proba_for",
]

#: Steps the NNModel embedding trains for when the classifier has none of its own. 100 epochs
#: of the SEDG paper's tables (up to about 700 training rows) fit in it, so their embeddings
#: are unchanged; on a large table it keeps the embedding under the classifier's own fit
#: (10,000 diagnostic rows trained 100 epochs were 8 s beside XGBoost's 4 s at 10^5 rows).
EMBEDDING_MAX_STEPS = 1_000


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
    """Loss per row and AUC per class of a model fitted on these rows (the paper's reading)."""
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
    random_state, memory, layer: str = "input", fitted_model=None, kl_weight: float = 0.1,
):
    """An embedder of ``kind`` (``pca``, ``ae``, ``vae``, ``nnmodel``), optionally PCA-reduced.

    For ``nnmodel`` the classifier's own network is used when it is one
    (``fitted_model`` when given: a later round's retrained model), else an
    NNModel trained on ``X, y``; ``layer`` picks phi (``"input"``) or the last block.
    """
    base_key = f"{data_key(X, y)}|seed{random_state}"
    if kind == "pca":
        key = f"{base_key}|pca{pca_components}"
        return cached(memory, "embedding_pca", key,
                      lambda: PCAEmbedder(pca_components, random_state).fit(X))
    if kind in ("ae", "vae"):
        variational = kind == "vae"
        key = f"{base_key}|{kind}|latent{latent_dim}" + (f"|kl{kl_weight}" if variational else "")
        embedder = cached(memory, f"embedding_{kind}", key, lambda: fit_autoencoder(
            X, variational=variational, latent_dim=latent_dim, kl_weight=kl_weight,
            random_state=random_state))
    elif kind == "nnmodel":
        if has_embed(classifier):
            model = fitted_model if fitted_model is not None else fitted_classifier(
                classifier, X, y, memory=memory)
            embedder = ModelEmbedder(model, layer)
        else:
            # float64: an embedding that the machine's float32 kernels do not move (SEDGSampler)
            network = NNModel(discrete_features=discrete_features, max_steps=EMBEDDING_MAX_STEPS,
                              precision="float64", random_state=random_state)
            key = f"{base_key}|nnmodel|{estimator_key(network)}"
            fitted = cached(memory, "embedding_nnmodel", key, lambda: clone(network).fit(X, y))
            embedder = ModelEmbedder(fitted, layer)
        kind = f"nnmodel_{layer}"
    else:
        raise ValueError(f"unknown embedding {kind!r}")
    if not pca:
        return embedder
    if fitted_model is not None:  # a round's own model: nothing to share
        return Reduced(embedder, X, pca_components, random_state)
    key = (f"{base_key}|{kind}|latent{latent_dim}|kl{kl_weight}|{estimator_key(classifier)}|"
           f"pca{pca_components}")
    return cached(memory, f"embedding_{kind}_pca", key,
                  lambda: Reduced(embedder, X, pca_components, random_state))


def has_embed(model) -> bool:
    """Whether ``model`` (or the estimator it wraps) is a network with a learned embedding."""
    return model is not None and (
        hasattr(model, "embed") or hasattr(getattr(model, "estimator", None), "embed")
    )


def keeps_weights(classifier) -> bool:
    """Whether refitting ``classifier`` with ``warm_start=True`` continues from its weights.

    NNModel, scikit-learn's MLPs and linear models do; ensembles whose warm start
    only grows more members (forests, gradient boosting) and models without the
    parameter (SVMs, XGBoost's scikit-learn API) do not.
    """
    inner = getattr(classifier, "estimator", classifier)
    params = inner.get_params(deep=False) if hasattr(inner, "get_params") else {}
    growing = isinstance(inner, (BaseEnsemble, HistGradientBoostingClassifier))
    return "warm_start" in params and not growing


def continue_training(model, X, y):
    """Fit ``model`` again on ``X, y`` from its current weights (SEDG's warm start)."""
    warm_fit = getattr(model, "warm_fit", None)
    if warm_fit is not None:
        return warm_fit(X, y)
    model.set_params(warm_start=True)
    return model.fit(X, y)
