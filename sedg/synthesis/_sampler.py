"""SEDGSampler: the whole embedding-based generation design space as one imbalanced-learn sampler."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions

from sedg._dense import DenseSampler
from sedg._errors import SedgInputError
from sedg._random import resolve_seed
from sedg._subsample import DIAGNOSTIC_ROWS, stratified_subsample
from sedg.defaults import N_SYNTHETIC
from sedg.memory import MEMORY_CONSTRAINT, check_memory
from sedg.nn import EMBEDDING_LAYERS
from sedg.synthesis._allocation import normalise
from sedg.synthesis._choices import (
    DIAGNOSTICS,
    FEATURE_COMPARISONS,
    FEATURE_IMPORTANCES,
    FEATURE_MODIFICATIONS,
    FEATURE_SELECTIONS,
    ITERATION_MODES,
    MEMBER_PROBABILITIES,
    SAMPLE_SELECTIONS,
    USAGE_STARTS,
)
from sedg.synthesis._context import (
    classifier_diagnostics,
    continue_training,
    feature_importances,
    fitted_classifier,
    has_embed,
    in_sample_diagnostics,
    keeps_weights,
    make_embedder,
)
from sedg.synthesis._embeddings import EMBEDDINGS
from sedg.synthesis._features import choose_features, imbalance_weights
from sedg.synthesis._modification import SIMILARITY_TOLERANCE, modify
from sedg.synthesis._selection import select_samples

__all__ = ["DIAGNOSTICS", "FEATURE_COMPARISONS", "ITERATION_MODES", "USAGE_STARTS", "SEDGSampler"]


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
       candidate value that keeps the row most similar under the embedding.
       The NNModel embedding is the paper's input embedding phi
       (``embedding_layer="input"``; ``"hidden"``, the last LRND block, is the
       alternative), compared row by row or, with
       ``feature_comparison="feature"``, value by value under phi_i;
    4. **usage** — ``iterations`` rounds (1: non-iterative). Every round
       recomputes what it generates from — the classifier's diagnostics,
       importances, feature imbalance and the embedding — on the training rows
       plus the synthetic rows so far, with the classifier retrained on them
       (from scratch, or continuing its weights with ``usage_start="warm"``);
       source rows are always original ones. New rows are appended (the
       ``n_synthetic`` budget split over the rounds, so the total stays
       ``n_synthetic``: a deviation, the paper leaves append's growth open),
       replace all previous ones, or replace ``replace_fraction`` of them.
       With ``usage_start="warm"`` the classifier trained last is handed on in
       ``warm_start_model_`` and the caller's final fit continues it once
       (:func:`sedg.synthesis.continue_training`); warm start needs a
       classifier whose warm start keeps weights (NNModel, an MLP, a linear
       model) and is refused for the others.

    Synthetic rows take the label of the row they were made from. The
    returned data is the original rows followed by the synthetic ones.
    PeSS and PPSS read the trained classifier's loss per row and AUC per
    class on the training rows (the paper's reading, ``diagnostics="in_sample"``);
    ``"out_of_fold"`` (3 folds) is the deliberate alternative, for a classifier
    that memorises its training rows and so ranks them all alike. The "range
    with a fixed step" of a feature whose training values are whole numbers is
    read as whole-number steps.
    Expensive pieces (fitted classifier, out-of-fold losses and class AUCs,
    importances, embeddings) are cached in ``memory`` when given, so a search
    computes each once per training set. On a table of more than
    ``diagnostic_rows`` rows the embedding network, the importances and the
    out-of-fold losses are learnt on a stratified subsample of that many
    (:func:`sedg._subsample.stratified_subsample`; a deviation that only large
    tables see), and PeSS with out-of-fold losses draws from its rows; sources,
    candidate values and in-sample losses use every row.

    Parameters
    ----------
    sample_selection : {"rss", "pass", "pess", "ppss"}, default="pass"
    member_probability : {"proportional", "inverse", "uniform", "largest", "smallest"}, default="proportional"
        How PaSS picks a class; the paper's is proportional to class size.
    diagnostics : {"in_sample", "out_of_fold"}, default="in_sample"
        Where PeSS/PPSS losses and class AUCs come from.
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
    embedding_layer : {"input", "hidden"}, default="input"
        Where the NNModel embedding is read: phi (the paper), or the last block.
    feature_comparison : {"row", "feature"}, default="row"
        ``"feature"`` needs the NNModel embedding's input layer, without PCA.
    embedding_pca : bool, default=False
    pca_components : int, default=8
    latent_dim : int, default=8
    kl_weight : float, default=0.1
        Weight of the KL term when the VAE embedding is trained.
    carry_replacements : bool, default=True
    max_candidates, grid_steps : int, default=20, 20
    similarity_tolerance : float, default=1e-4
        Candidates within this fraction (of a row's largest |similarity|) of
        the most similar one are tied, and one is drawn (:func:`sedg.synthesis.most_similar`):
        the paper leaves ties open (one step above or below under a piecewise-linear
        embedding), and rounding would break them differently on each machine.
    usage_start : {"cold", "warm"}, default="cold"
    iterations : int, default=1
    iteration_mode : {"append", "replace", "replace_fraction"}, default="append"
    replace_fraction : float, default=0.5
    classifier : estimator or None
        Needed for PeSS, PPSS, importances, warm start and the NNModel
        embedding of a classifier that is one; the search passes the trial's.
    discrete_features : list of int or None
        Discrete columns (their candidates are the values seen in training).
    diagnostic_rows : int or None, default=5000
        The most rows diagnostics are learnt on (``None``: all of them).
    memory : None, str, path, joblib.Memory or store, default=None
        Where expensive pieces are cached (see :func:`sedg.check_memory`); a
        handle, so clones share it.
    n_jobs : int or None, default=None
        Threads for torch, BLAS and OpenMP while resampling
        (:func:`sedg.threads.resolve_n_jobs`; ``None``: the CPUs the process may use).
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
        "diagnostics": [StrOptions(set(DIAGNOSTICS))],
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
        "embedding_layer": [StrOptions(set(EMBEDDING_LAYERS))],
        "feature_comparison": [StrOptions(set(FEATURE_COMPARISONS))],
        "embedding_pca": ["boolean"],
        "pca_components": [Interval(numbers.Integral, 1, None, closed="left")],
        "latent_dim": [Interval(numbers.Integral, 1, None, closed="left")],
        "kl_weight": [Interval(numbers.Real, 0, None, closed="left")],
        "carry_replacements": ["boolean"],
        "max_candidates": [Interval(numbers.Integral, 1, None, closed="left")],
        "grid_steps": [Interval(numbers.Integral, 2, None, closed="left")],
        "similarity_tolerance": [Interval(numbers.Real, 0, 1, closed="both")],
        "usage_start": [StrOptions(set(USAGE_STARTS))],
        "iterations": [Interval(numbers.Integral, 1, None, closed="left")],
        "iteration_mode": [StrOptions(set(ITERATION_MODES))],
        "replace_fraction": [Interval(numbers.Real, 0, 1, closed="right")],
        "classifier": [HasMethods(["fit", "predict_proba"]), None],
        "discrete_features": ["array-like", None],
        "diagnostic_rows": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "memory": MEMORY_CONSTRAINT,
        "n_jobs": [numbers.Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self, *, sample_selection="pass", member_probability="proportional", diagnostics="in_sample",
        member_replacement=True,
        samples_per_draw=10, samples_per_draw_max=None, n_synthetic=N_SYNTHETIC,
        feature_selection="imbalance", feature_importance="permutation", n_features=3,
        n_features_max=None, feature_modification="embedding_cosine", embedding="ae",
        embedding_layer="input", feature_comparison="row", embedding_pca=False, pca_components=8,
        latent_dim=8, kl_weight=0.1, carry_replacements=True,
        max_candidates=20, grid_steps=20, similarity_tolerance=SIMILARITY_TOLERANCE, usage_start="cold",
        iterations=1,
        iteration_mode="append", replace_fraction=0.5, classifier=None, discrete_features=None,
        diagnostic_rows=DIAGNOSTIC_ROWS, memory=None, n_jobs=None, random_state=None,
    ) -> None:
        self.sample_selection = sample_selection
        self.member_probability = member_probability
        self.diagnostics = diagnostics
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
        self.embedding_layer = embedding_layer
        self.feature_comparison = feature_comparison
        self.embedding_pca = embedding_pca
        self.pca_components = pca_components
        self.latent_dim = latent_dim
        self.kl_weight = kl_weight
        self.carry_replacements = carry_replacements
        self.max_candidates = max_candidates
        self.grid_steps = grid_steps
        self.similarity_tolerance = similarity_tolerance
        self.usage_start = usage_start
        self.iterations = iterations
        self.iteration_mode = iteration_mode
        self.replace_fraction = replace_fraction
        self.classifier = classifier
        self.discrete_features = discrete_features
        self.diagnostic_rows = diagnostic_rows
        self.memory = memory
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _needs_classifier(self) -> bool:
        return (
            self.sample_selection in ("pess", "ppss")
            or self.feature_selection == "importance"
            or self.usage_start == "warm"
            or self.iterations > 1
        )

    def _reads_fitted_classifier(self) -> bool:
        """Whether the first round reads the classifier fitted on every training row: its
        in-sample losses, or warm start going on from it. Importances, out-of-fold losses and
        a cold round's retraining fit their own."""
        in_sample = self.sample_selection in ("pess", "ppss") and self.diagnostics == "in_sample"
        return in_sample or self.usage_start == "warm"

    def _check_choices(self) -> None:
        if self.classifier is None and self._needs_classifier():
            raise SedgInputError(f"SEDGSampler needs a classifier for {_NEEDS_CLASSIFIER}")
        if self.usage_start == "warm" and not keeps_weights(self.classifier):
            raise SedgInputError(
                f"usage_start='warm' needs a classifier whose warm start keeps its weights "
                f"(NNModel, an MLP, a linear model); {type(self.classifier).__name__} does not")
        per_feature = self.feature_comparison == "feature"
        if per_feature and not (
            self.feature_modification.startswith("embedding") and self.embedding == "nnmodel"
            and self.embedding_layer == "input" and not self.embedding_pca
        ):
            raise SedgInputError(
                "feature_comparison='feature' needs feature_modification='embedding_*' with "
                "embedding='nnmodel', embedding_layer='input' and embedding_pca=False")

    def _round_sizes(self) -> list[int]:
        if self.iteration_mode == "append":  # the budget spread over the rounds
            return [part.size for part in np.array_split(np.arange(self.n_synthetic), self.iterations)]
        return [self.n_synthetic] * self.iterations

    def _fit_resample(self, X: np.ndarray, y: np.ndarray):
        self._check_choices()
        seed = resolve_seed(self.random_state)
        rng = np.random.default_rng(seed)
        self.memory_ = check_memory(self.memory)
        discrete = np.zeros(X.shape[1], dtype=bool)
        discrete[list(self.discrete_features or [])] = True
        model = None
        if self._reads_fitted_classifier():  # a full fit: only where the first round reads it
            model = fitted_classifier(self.classifier, X, y, memory=self.memory_)
        X_syn, y_syn = np.empty((0, X.shape[1])), np.empty(0, dtype=y.dtype)
        self.sources_, self.modified_features_ = np.empty(0, dtype=int), []
        sizes = self._round_sizes()
        for round_, size in enumerate(sizes):
            if size:
                known = (np.vstack([X, X_syn]), np.concatenate([y, y_syn]))
                rows, features, X_new = self._generate(
                    X, y, known, discrete, model, round_, size, seed, rng)
                X_syn, y_syn, self.sources_ = self._combine(
                    X_syn, y_syn, X_new, y[rows], self.sources_, rows, round_, rng)
                self.modified_features_ = features
            if round_ < len(sizes) - 1:  # the next round generates from a retrained classifier
                model = self._retrain(model, np.vstack([X, X_syn]), np.concatenate([y, y_syn]))
        self.warm_start_model_ = model if self.usage_start == "warm" else None
        return np.vstack([X, X_syn]).astype(X.dtype, copy=False), np.concatenate([y, y_syn])

    def _generate(self, X, y, known, discrete, model, round_, size, seed, rng):
        """One round: ``size`` rows from original ones, guided by everything ``known`` so far.

        ``model`` is the classifier trained on the ``known`` rows (in the first
        round the shared, cached fit of the training rows).
        """
        X_known, y_known = known
        labels = np.unique(y_known)
        # Learnt on a stratified subsample of a large table; the same one in every round.
        kept = stratified_subsample(y_known, self.diagnostic_rows, seed)
        X_learn, y_learn = known if kept is None else (X_known[kept], y_known[kept])
        losses = aucs = None
        candidates = None  # rows PeSS may draw (all of them unless losses are a subsample's)
        if self.sample_selection in ("pess", "ppss"):
            if self.diagnostics == "in_sample":
                losses, aucs = in_sample_diagnostics(model, X_known, y_known, labels)
                losses = losses[: y.size]
            else:
                losses, aucs = classifier_diagnostics(self.classifier, X_learn, y_learn, labels,
                                                      random_state=seed, memory=self.memory_)
                if kept is None:
                    losses = losses[: y.size]
                else:  # losses of the subsample's original rows only
                    original = kept < y.size
                    candidates, losses = kept[original], losses[original]
            aucs = aucs[np.searchsorted(labels, np.unique(y))]
        per_draw = (self.samples_per_draw, max(self.samples_per_draw, self.samples_per_draw_max or 0))
        rows = select_samples(
            self.sample_selection, y, size, rng,
            member_probability=self.member_probability, replacement=self.member_replacement,
            per_draw=per_draw, losses=losses, class_aucs=aucs, candidates=candidates,
        )
        weights = self._feature_weights(X_known, y_known, X_learn, y_learn, seed)
        count = (self.n_features, max(self.n_features, self.n_features_max or 0))
        features = choose_features(weights, rows.size, count, rng)
        similarity, embedder = self._similarity(X_learn, y_learn, model if round_ else None, seed)
        per_feature = self.feature_comparison == "feature" and embedder is not None
        X_new = modify(
            X[rows], features, X, discrete, similarity=similarity,
            embed=getattr(embedder, "transform", None),
            embed_values=embedder.embed_values if per_feature else None,
            carry=self.carry_replacements, max_candidates=self.max_candidates,
            grid_steps=self.grid_steps, tolerance=self.similarity_tolerance, rng=rng,
        )
        return rows, features, X_new

    def _feature_weights(self, X, y, X_learn, y_learn, seed) -> np.ndarray:
        if self.feature_selection == "random":
            return normalise(np.ones(X.shape[1]))
        if self.feature_selection == "imbalance":  # value counts: every row, cheaply
            return imbalance_weights(X)
        return feature_importances(
            self.feature_importance, self.classifier, X_learn, y_learn, random_state=seed,
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
            layer=self.embedding_layer, kl_weight=self.kl_weight,
            fitted_model=model if has_embed(self.classifier) else None,
        )
        return similarity, embedder

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
        return continue_training(model, X, y)
