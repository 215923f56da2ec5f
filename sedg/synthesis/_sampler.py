"""SEDGSampler: the whole embedding-based generation design space as one imbalanced-learn sampler."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from sedg._dense import DenseSampler
from sedg._errors import SedgInputError
from sedg._memory import MEMORY_CONSTRAINT, check_memory
from sedg._random import resolve_seed
from sedg.synthesis._allocation import normalise
from sedg.synthesis._context import (
    classifier_diagnostics,
    feature_importances,
    fitted_classifier,
    in_sample_diagnostics,
    make_embedder,
)
from sedg.synthesis._embeddings import EMBEDDINGS
from sedg.synthesis._features import (
    FEATURE_IMPORTANCES,
    FEATURE_SELECTIONS,
    choose_features,
    imbalance_weights,
)
from sedg.synthesis._modification import FEATURE_MODIFICATIONS, modify
from sedg.synthesis._selection import MEMBER_PROBABILITIES, SAMPLE_SELECTIONS, select_samples

__all__ = ["ITERATION_MODES", "USAGE_STARTS", "SEDGSampler"]

USAGE_STARTS = ("cold", "warm")
ITERATION_MODES = ("append", "replace", "replace_fraction")

_NEEDS_CLASSIFIER = "sample_selection in (pess, ppss), feature_selection='importance' or warm start"


class SEDGSampler(DenseSampler):
    """Synthetic embedding-based data generation (the SEDG paper, Section 3).

    Four chronological choices, each a parameter (the names are the search
    dimensions, so a results row turns back into a sampler):

    1. **sample selection** — ``rss``, ``pass``, ``pess``, ``ppss``
       (see :func:`sedg.synthesis.select_samples`): which ``n_synthetic``
       training rows the synthetic rows are made from;
    2. **feature selection** — ``random``, ``imbalance`` (k-means gap of each
       feature's value counts), ``importance`` (``mdi``, ``permutation``,
       ``drop_column``): which ``n_features`` features of each row to change;
    3. **feature modification** — ``random``, ``pca_nn``, ``pca_cosine``
       (raw features' principal components), ``embedding_nn``,
       ``embedding_cosine`` (an ``embedding`` from ``nnmodel``, ``ae`` or
       ``vae``, optionally PCA-reduced): each chosen feature takes the
       candidate value that keeps the row most similar under the embedding;
    4. **usage** — ``iterations`` rounds (1: non-iterative), each generating
       from a classifier retrained on the augmented data, the new rows
       appended, replacing all, or replacing ``replace_fraction`` of the
       previous synthetic rows; ``usage_start="warm"`` hands the last trained
       classifier on in ``warm_start_model_`` for the final fit to continue.

    Synthetic rows take the label of the row they were made from. The
    returned data is the original rows followed by the synthetic ones.
    Expensive pieces (fitted classifier, out-of-fold losses and class AUCs,
    importances, embeddings) are cached in ``memory`` when given, so a search
    computes each once per training set.

    Parameters
    ----------
    sample_selection : {"rss", "pass", "pess", "ppss"}, default="pass"
    member_probability : {"proportional", "inverse", "uniform", "largest", "smallest"}, default="inverse"
        How PaSS picks a class.
    member_replacement : bool, default=True
    samples_per_draw, samples_per_draw_max : int, default=10, None
        Rows per class draw (PaSS, PPSS): fixed, or uniform between the two.
    n_synthetic : int, default=200
    feature_selection : {"random", "imbalance", "importance"}, default="imbalance"
    feature_importance : {"mdi", "permutation", "drop_column"}, default="permutation"
    n_features, n_features_max : int, default=3, None
        Features changed per row: fixed, or uniform between the two.
    feature_modification : {"random", "pca_nn", "pca_cosine", "embedding_nn", "embedding_cosine"}
        Default ``"embedding_cosine"``.
    embedding : {"nnmodel", "ae", "vae"}, default="ae"
    embedding_pca : bool, default=False
    pca_components : int, default=8
    latent_dim : int, default=8
    carry_replacements : bool, default=True
    max_candidates, grid_steps : int, default=20, 20
    usage_start : {"cold", "warm"}, default="cold"
    iterations : int, default=1
    iteration_mode : {"append", "replace", "replace_fraction"}, default="append"
    replace_fraction : float, default=0.5
    classifier : estimator or None
        Needed for PeSS, PPSS, importances, warm start and the NNModel
        embedding of a classifier that is one; the search passes the trial's.
    discrete_features : list of int or None
        Discrete columns (their candidates are the values seen in training).
    memory : None, str, path, joblib.Memory or store, default=None
        Where expensive pieces are cached (see :func:`sedg.check_memory`); a
        handle, so clones share it.
    random_state : int, RandomState instance or None

    Examples
    --------
    >>> import numpy as np
    >>> from sedg import SEDGSampler
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 3, 60), rng.normal(size=60)])
    >>> y = np.repeat([0, 1, 2], [40, 15, 5])
    >>> sampler = SEDGSampler(n_synthetic=30, feature_modification="pca_cosine",
    ...                       discrete_features=[0], random_state=0)
    >>> X_res, y_res = sampler.fit_resample(X, y)
    >>> X_res.shape, np.isin(X_res[60:, 0], [0, 1, 2]).all()
    ((90, 2), np.True_)
    """

    _parameter_constraints: dict = {
        "sample_selection": [StrOptions(set(SAMPLE_SELECTIONS))],
        "member_probability": [StrOptions(set(MEMBER_PROBABILITIES))],
        "member_replacement": ["boolean"],
        "samples_per_draw": [Interval(numbers.Integral, 1, None, closed="left")],
        "samples_per_draw_max": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "n_synthetic": [Interval(numbers.Integral, 1, None, closed="left")],
        "feature_selection": [StrOptions(set(FEATURE_SELECTIONS))],
        "feature_importance": [StrOptions(set(FEATURE_IMPORTANCES))],
        "n_features": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_features_max": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "feature_modification": [StrOptions(set(FEATURE_MODIFICATIONS))],
        "embedding": [StrOptions(set(EMBEDDINGS))],
        "embedding_pca": ["boolean"],
        "pca_components": [Interval(numbers.Integral, 1, None, closed="left")],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "carry_replacements": ["boolean"],
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left")],
        "grid_steps": [Interval(numbers.Integral, 2, None, closed="left")],
        "usage_start": [StrOptions(set(USAGE_STARTS))],
        "iterations": [Interval(numbers.Integral, 1, None, closed="left")],
        "iteration_mode": [StrOptions(set(ITERATION_MODES))],
        "replace_fraction": [Interval(numbers.Real, 0, 1, closed="right")],
        "classifier": [HasMethods(["fit", "predict_proba"]), None],
        "discrete_features": ["array-like", None],
        "memory": MEMORY_CONSTRAINT,
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, sample_selection="pass", member_probability="inverse", member_replacement=True,
        samples_per_draw=10, samples_per_draw_max=None, n_synthetic=200,
        feature_selection="imbalance", feature_importance="permutation", n_features=3,
        n_features_max=None, feature_modification="embedding_cosine", embedding="ae",
        embedding_pca=False, pca_components=8, latent_dim=8, carry_replacements=True,
        max_candidates=20, grid_steps=20, usage_start="cold", iterations=1,
        iteration_mode="append", replace_fraction=0.5, classifier=None, discrete_features=None,
        memory=None, random_state=None,
    ) -> None:
        self.sample_selection = sample_selection
        self.member_probability = member_probability
        self.member_replacement = member_replacement
        self.samples_per_draw = samples_per_draw
        self.samples_per_draw_max = samples_per_draw_max
        self.n_synthetic = n_synthetic
        self.feature_selection = feature_selection
        self.feature_importance = feature_importance
        self.n_features = n_features
        self.n_features_max = n_features_max
        self.feature_modification = feature_modification
        self.embedding = embedding
        self.embedding_pca = embedding_pca
        self.pca_components = pca_components
        self.latent_dim = latent_dim
        self.carry_replacements = carry_replacements
        self.max_candidates = max_candidates
        self.grid_steps = grid_steps
        self.usage_start = usage_start
        self.iterations = iterations
        self.iteration_mode = iteration_mode
        self.replace_fraction = replace_fraction
        self.classifier = classifier
        self.discrete_features = discrete_features
        self.memory = memory
        self.random_state = random_state

    def _needs_classifier(self) -> bool:
        return (
            self.sample_selection in ("pess", "ppss")
            or self.feature_selection == "importance"
            or self.usage_start == "warm"
            or self.iterations > 1
        )

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        if self.classifier is None and self._needs_classifier():
            raise SedgInputError(f"SEDGSampler needs a classifier for {_NEEDS_CLASSIFIER}")
        seed = resolve_seed(self.random_state)
        rng = np.random.default_rng(seed)
        self.memory_ = check_memory(self.memory)
        labels = np.unique(y)
        discrete = np.zeros(X.shape[1], dtype=bool)
        discrete[list(self.discrete_features or [])] = True
        model = None
        if self._needs_classifier():
            model = fitted_classifier(self.classifier, X, y, memory=self.memory_)
        X_syn, y_syn = np.empty((0, X.shape[1])), np.empty(0, dtype=y.dtype)
        self.sources_, self.modified_features_ = np.empty(0, dtype=int), []
        for round_ in range(self.iterations):
            rows, features, X_new = self._generate(X, y, labels, discrete, model, round_, seed, rng)
            X_syn, y_syn, self.sources_ = self._combine(
                X_syn, y_syn, X_new, y[rows], self.sources_, rows, round_, rng)
            self.modified_features_ = features
            if round_ < self.iterations - 1 or self.usage_start == "warm":
                model = self._retrain(model, np.vstack([X, X_syn]), np.concatenate([y, y_syn]))
        self.warm_start_model_ = model if self.usage_start == "warm" else None
        return np.vstack([X, X_syn]).astype(X.dtype, copy=False), np.concatenate([y, y_syn])

    def _generate(self, X, y, labels, discrete, model, round_, seed, rng):
        losses = aucs = None
        if self.sample_selection in ("pess", "ppss"):
            if round_ == 0:  # out-of-fold, shared; later rounds ask the retrained model
                losses, aucs = classifier_diagnostics(
                    self.classifier, X, y, labels, random_state=seed, memory=self.memory_)
            else:
                losses, aucs = in_sample_diagnostics(model, X, y, labels)
        per_draw = (self.samples_per_draw, max(self.samples_per_draw, self.samples_per_draw_max or 0))
        rows = select_samples(
            self.sample_selection, y, self.n_synthetic, rng,
            member_probability=self.member_probability, replacement=self.member_replacement,
            per_draw=per_draw, losses=losses, class_aucs=aucs,
        )
        weights = self._feature_weights(X, y, seed)
        count = (self.n_features, max(self.n_features, self.n_features_max or 0))
        features = choose_features(weights, rows.size, count, rng)
        similarity, embed = self._similarity(X, y, model, seed)
        X_new = modify(
            X[rows], features, X, discrete, similarity=similarity, embed=embed,
            carry=self.carry_replacements, max_candidates=self.max_candidates,
            grid_steps=self.grid_steps, rng=rng,
        )
        return rows, features, X_new

    def _feature_weights(self, X, y, seed) -> np.ndarray:
        if self.feature_selection == "random":
            return normalise(np.ones(X.shape[1]))
        if self.feature_selection == "imbalance":
            return imbalance_weights(X)
        return feature_importances(
            self.feature_importance, self.classifier, X, y, random_state=seed,
            memory=self.memory_)

    def _similarity(self, X, y, model, seed):
        if self.feature_modification == "random":
            return "random", None
        space, similarity = self.feature_modification.split("_")
        kind = "pca" if space == "pca" else self.embedding
        embedder = make_embedder(
            kind, X, y, classifier=self.classifier, discrete_features=self.discrete_features,
            latent_dim=self.latent_dim, pca=self.embedding_pca and kind != "pca",
            pca_components=self.pca_components, random_state=seed, memory=self.memory_,
        )
        return similarity, embedder.transform

    def _combine(self, X_syn, y_syn, X_new, y_new, sources, rows, round_, rng):
        if round_ == 0 or self.iteration_mode == "append":
            return np.vstack([X_syn, X_new]), np.concatenate([y_syn, y_new]), np.r_[sources, rows]
        if self.iteration_mode == "replace":
            return X_new, y_new, rows
        n_replace = int(round(self.replace_fraction * len(y_syn)))
        keep = rng.choice(len(y_syn), size=len(y_syn) - n_replace, replace=False)
        take = rng.choice(len(y_new), size=n_replace, replace=False)
        return (np.vstack([X_syn[keep], X_new[take]]), np.concatenate([y_syn[keep], y_new[take]]),
                np.r_[sources[keep], rows[take]])

    def _retrain(self, model, X, y):
        if self.usage_start == "cold" or model is None:
            return clone(self.classifier).fit(X, y)
        warm_fit = getattr(model, "warm_fit", None)
        return warm_fit(X, y) if warm_fit is not None else model.fit(X, y)
