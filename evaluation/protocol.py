"""The paired evaluation protocol: one configuration against its no-resampling baseline."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from evaluation._trial import (
    InvalidConfiguration,
    build_classifier,
    build_resampler,
    fit,
    resample,
    resampler_info,
)
from evaluation.classifiers import CLASSIFIERS
from evaluation.methods import METHODS, NO_RESAMPLING
from evaluation.metrics import compute_metrics, improvements, minority_labels
from evaluation.splits import (
    DEFAULT_PROTOCOL,
    N_FOLDS,
    PROTOCOLS,
    REPEATS,
    SEARCH_STREAM,
    TEST_SIZE,
    make_splits,
    split_seeds,
)
from sedg import MemoryArtifacts, SedgInputError
from sedg._memory import ArtifactStore, data_key
from sedg.datasets import TabularData, impute_split

__all__ = [
    "EvaluationConfig", "EvaluationResult", "InvalidConfiguration", "evaluate", "mean_metrics",
    "standard_errors", "summarise_splits",
]

@dataclass(frozen=True)
class EvaluationConfig:
    """One point of the design space, validated on creation.

    Parameters
    ----------
    classifier : str
        A name of ``evaluation.classifiers.CLASSIFIERS``.
    resampler : str or sampler
        ``"none"``, a name of ``evaluation.methods.METHODS``, or any
        object with ``fit_resample`` (an SEDG or DGM sampler, a Pipeline step).
    resampler_params, classifier_params : dict
    protocol : {"repeated_holdout", "repeated_cv", "holdout", "cv"}
        ``holdout`` and ``cv`` are the papers' protocols (one seed); the
        repeated ones (the default) average improvements over ``repeats``
        paired splits and report their standard errors.
    seed : int
        Seeds the split, the classifier and the resampler (per repeat, a seed
        derived from it: :func:`evaluation.splits.split_seeds`).
    test_size : float
        Holdout test share (the SEDG paper's 40 %).
    n_folds : int
        Folds for ``cv`` (the GMCSMOTE paper's 5).
    repeats : int
        Repeats of a repeated protocol.
    stream : int
        0: the search's splits; 1: fresh splits for confirmation.

    Examples
    --------
    >>> EvaluationConfig(classifier="blrr", resampler="gmcsmote").protocol
    'repeated_holdout'
    """

    classifier: str = "random_forest"
    resampler: Any = "none"
    resampler_params: dict = field(default_factory=dict)
    classifier_params: dict = field(default_factory=dict)
    protocol: str = DEFAULT_PROTOCOL
    seed: int = 0
    test_size: float = TEST_SIZE
    n_folds: int = N_FOLDS
    repeats: int = REPEATS
    stream: int = SEARCH_STREAM

    def __post_init__(self) -> None:
        if self.classifier not in CLASSIFIERS:
            raise SedgInputError(
                f"unknown classifier {self.classifier!r}; choose one of {', '.join(CLASSIFIERS)}"
            )
        if isinstance(self.resampler, str):
            if self.resampler not in METHODS:
                raise SedgInputError(
                    f"unknown resampler {self.resampler!r}; choose one of {', '.join(METHODS)}"
                )
        elif not hasattr(self.resampler, "fit_resample"):
            raise SedgInputError("resampler must be a name or an object with fit_resample")
        if self.protocol not in PROTOCOLS:
            raise SedgInputError(f"unknown protocol {self.protocol!r}; choose {' or '.join(PROTOCOLS)}")
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise SedgInputError(f"seed must be a non-negative integer, got {self.seed!r}")
        if not 0.0 < float(self.test_size) < 1.0:
            raise SedgInputError(f"test_size must be between 0 and 1, got {self.test_size!r}")
        if not isinstance(self.n_folds, (int, np.integer)) or self.n_folds < 2:
            raise SedgInputError(f"n_folds must be an integer >= 2, got {self.n_folds!r}")
        if not isinstance(self.repeats, (int, np.integer)) or self.repeats < 1:
            raise SedgInputError(f"repeats must be an integer >= 1, got {self.repeats!r}")

    @property
    def resampler_name(self) -> str:
        return self.resampler if isinstance(self.resampler, str) else type(self.resampler).__name__

    def splits(self, y) -> list[tuple[np.ndarray, np.ndarray]]:
        return make_splits(y, self.protocol, seed=self.seed, test_size=self.test_size,
                           n_folds=self.n_folds, repeats=self.repeats, stream=self.stream)

    def split_seeds(self) -> list[int]:
        return split_seeds(self.protocol, self.seed, n_folds=self.n_folds, repeats=self.repeats,
                           stream=self.stream)

    def baseline_key(self, data: TabularData, split: int, split_seed: int) -> str:
        """Everything a baseline depends on: data, split, classifier and the split's seed."""
        scheme = f"holdout{self.test_size}" if "holdout" in self.protocol else f"cv{self.n_folds}"
        params = json.dumps(self.classifier_params, sort_keys=True, default=str)
        return (f"{data.fingerprint}|{self.protocol}|{scheme}|stream{self.stream}|split{split}|"
                f"{self.classifier}|{params}|seed{split_seed}")


@dataclass
class EvaluationResult:
    """Metrics of a configuration, of its baseline, and the improvements.

    ``metrics``, ``baseline`` and ``deltas`` are means over splits (one for
    holdout); ``deltas`` are ``metrics - baseline`` of those means, plus
    ``delta_minority_auc``. ``fold_metrics``, ``fold_baselines`` and
    ``split_deltas`` keep each split's values; ``standard_errors`` are the
    standard errors of the improvements over splits (NaN with one split).
    ``imputed`` says which features had missing values filled and how many
    (each split fills them from its training part); ``None`` when none.
    """

    metrics: dict[str, float]
    baseline: dict[str, float]
    deltas: dict[str, float]
    fold_metrics: list[dict[str, float]]
    n_train: int
    n_synthetic: int
    timings: dict[str, float]
    baseline_cache_hits: int
    minority_labels: list
    resampler_info: dict = field(default_factory=dict)
    fold_baselines: list[dict[str, float]] = field(default_factory=list)
    split_deltas: list[dict[str, float]] = field(default_factory=list)
    split_seeds: list[int] = field(default_factory=list)
    imputed: str | None = None

    @property
    def standard_errors(self) -> dict[str, float]:
        """``delta_<metric>_se``: the standard error of each improvement over the splits."""
        return standard_errors(self.split_deltas)

    def to_row(self) -> dict[str, Any]:
        """One flat dict: metrics, ``baseline_<metric>``, ``delta_<metric>``, counts, timings.

        ``synthetic_rows`` is ``n_synthetic`` (rows added, negative when a
        cleaner removed more than it added), named apart from the
        ``n_synthetic`` budget parameter of a configuration.
        """
        row: dict[str, Any] = dict(self.metrics)
        row.update({f"baseline_{name}": value for name, value in self.baseline.items()})
        row.update(self.deltas)
        row.update(self.standard_errors)
        row.update(
            n_splits=len(self.fold_metrics),
            n_train=self.n_train,
            synthetic_rows=self.n_synthetic,
            baseline_cache_hits=self.baseline_cache_hits,
            n_folds=len(self.fold_metrics),
            imputed=self.imputed,
        )
        row.update({f"time_{name}": value for name, value in self.timings.items()})
        return row


def summarise_splits(metrics: list[dict], baselines: list[dict], deltas: list[dict],
                     minority: Sequence) -> dict[str, float]:
    """A row from per-split values: mean metrics, ``baseline_<m>``, ``delta_<m>``, their standard
    errors and ``n_splits`` (a trial stopped early, or splits evaluated apart)."""
    if not metrics:
        return {"n_splits": 0}
    mean, mean_baseline = mean_metrics(metrics), mean_metrics(baselines)
    return {
        **mean,
        **{f"baseline_{name}": value for name, value in mean_baseline.items()},
        **improvements(mean, mean_baseline, minority),
        **standard_errors(deltas),
        "n_splits": len(metrics),
    }


def standard_errors(split_deltas: list[dict[str, float]]) -> dict[str, float]:
    """Standard error over splits of every improvement (``<name>_se``), ignoring NaN splits.

    Examples
    --------
    >>> errors = standard_errors([{"delta_qwk": 0.1}, {"delta_qwk": 0.3}])
    >>> round(errors["delta_qwk_se"], 6)
    0.1
    """
    if not split_deltas:
        return {}
    names = list(split_deltas[0])
    values = np.array([[split[name] for name in names] for split in split_deltas], dtype=float)
    counts = np.sum(np.isfinite(values), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanstd(values, axis=0, ddof=1)
    errors = np.where(counts > 1, spread / np.sqrt(np.maximum(counts, 1)), np.nan)
    return {f"{name}_se": float(error) for name, error in zip(names, errors)}


def mean_metrics(folds: list[dict[str, float]]) -> dict[str, float]:
    """Mean of every metric over splits, ignoring NaN (a class absent from a test part)."""
    names = list(folds[0])
    stacked = np.array([[fold[name] for name in names] for fold in folds], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: NaN, as documented
        means = np.nanmean(stacked, axis=0)
    return dict(zip(names, means.tolist()))


def _score(model, X: np.ndarray, y: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    probabilities = model.predict_proba(X)
    return compute_metrics(y, model.predict(X), probabilities, labels)


def evaluate(
    data: TabularData,
    config: EvaluationConfig | None = None,
    *,
    artifacts: ArtifactStore | None = None,
    on_split=None,
    split_indices: Sequence[int] | None = None,
    splits: list[tuple[np.ndarray, np.ndarray]] | None = None,
    **config_fields: Any,
) -> EvaluationResult:
    """Evaluate one configuration on ``data`` against the no-resampling baseline.

    For each split (see :func:`evaluation.splits.make_splits`): the baseline
    classifier is fitted on the original training rows (or taken from
    ``artifacts`` when the same data, split, classifier and seed was seen
    before); the resampler runs on the training rows only, its discrete
    columns are snapped to valid codes, a fresh classifier with the same seed
    is fitted on the result, and both are scored on the untouched test rows.
    On a repeated protocol the seed is the split's own (every configuration
    gets the same one on the same split, so improvements are paired).
    Scaling and one-hot encoding live inside the classifiers and are fitted on
    training rows only. ``resampler="none"`` reuses the baseline (zero
    improvement by construction).

    Parameters
    ----------
    data : TabularData
    config : EvaluationConfig, optional
        Or pass its fields as keywords.
    artifacts : ArtifactStore, optional
        Where baselines (and samplers' ``memory``) are shared; a fresh
        in-memory store by default.
    on_split : callable, optional
        Called as ``on_split(split, seed, metrics, baseline, deltas)`` after
        each split (the search reports it, so schedulers can stop weak trials
        early and every split is stored).
    split_indices : sequence of int, optional
        Evaluate only these splits of the protocol's sequence (confirmation
        spreads one configuration's splits over workers).
    splits : list of (train, test), optional
        Explicit index pairs instead of the protocol's (a final-test part),
        all with ``config.seed``.

    Returns
    -------
    EvaluationResult

    Raises
    ------
    SedgInputError
        A bad name; :class:`InvalidConfiguration` for parameter values the
        classifier or resampler rejects.

    Examples
    --------
    >>> from sedg.datasets import make_grades
    >>> result = evaluate(make_grades(n_samples=200), classifier="blrr", resampler="none")
    >>> result.deltas["delta_qwk"], len(result.split_deltas)
    (0.0, 5)
    """
    config = config or EvaluationConfig(**config_fields)
    artifacts = artifacts if artifacts is not None else MemoryArtifacts()
    minority = minority_labels(data.class_counts)
    custom_splits = splits is not None
    if custom_splits:
        indices, seeds = list(range(len(splits))), [config.seed] * len(splits)
    else:
        splits, seeds = config.splits(data.y), config.split_seeds()
        indices = list(range(len(splits)))
        if split_indices is not None:
            indices = [int(i) for i in split_indices]
            splits, seeds = [splits[i] for i in indices], [seeds[i] for i in indices]
    timings = dict.fromkeys(("baseline", "resample", "fit", "score"), 0.0)
    folds, baselines, split_deltas = [], [], []
    hits, n_train, n_synthetic, info, imputed = 0, 0, 0, {}, None
    for index, (train, test), seed in zip(indices, splits, seeds):
        X_train, y_train, X_test, y_test = data.X[train], data.y[train], data.X[test], data.y[test]
        if data.has_missing:  # filled from the training part only (load_table(impute=True))
            X_train, X_test, imputation = impute_split(data, X_train, X_test)
            imputed = imputation.describe()

        fit_baseline = partial(
            _baseline, config, data, seed, X_train, y_train, X_test, y_test, artifacts)
        started = time.perf_counter()
        key = config.baseline_key(data, index, seed)
        if custom_splits:  # given rows, not the protocol's: the rows are part of the key
            key = f"{key}|rows{data_key(train, test)}"
        baseline, hit = artifacts.get_or_compute("baseline", key, fit_baseline)
        timings["baseline"] += time.perf_counter() - started
        hits += int(hit)
        n_train += len(train)
        if config.resampler == NO_RESAMPLING:
            metrics = dict(baseline)
        else:
            resampled = partial(_resampled, config, data, seed, artifacts, timings,
                                X_train, y_train, X_test, y_test)
            if isinstance(config.resampler, str):
                # A registered method is built from its name and parameters alone: the same
                # configuration on the same split (a searcher proposing it again) is looked up.
                params = json.dumps(config.resampler_params, sort_keys=True, default=str)
                (metrics, added, info), _ = artifacts.get_or_compute(
                    "evaluation", f"{key}|{config.resampler}|{params}", resampled)
            else:
                metrics, added, info = resampled()
            n_synthetic += added
        deltas = improvements(metrics, baseline, minority)
        folds.append(metrics)
        baselines.append(baseline)
        split_deltas.append(deltas)
        if on_split is not None:
            on_split(index, seed, metrics, baseline, deltas)
    mean, mean_baseline = mean_metrics(folds), mean_metrics(baselines)
    return EvaluationResult(
        metrics=mean,
        baseline=mean_baseline,
        deltas=improvements(mean, mean_baseline, minority),
        fold_metrics=folds,
        n_train=n_train // len(splits),
        n_synthetic=n_synthetic // len(splits),
        timings=timings,
        baseline_cache_hits=hits,
        minority_labels=minority,
        resampler_info=info,
        fold_baselines=baselines,
        split_deltas=split_deltas,
        split_seeds=seeds,
        imputed=imputed,
    )


def _resampled(config, data, seed, artifacts, timings, X_train, y_train, X_test, y_test):
    """Resample the training rows, fit, score: ``(metrics, rows added, resampler info)``."""
    sampler = build_resampler(config, data, seed, artifacts, (X_train, y_train))
    started = time.perf_counter()
    X_res, y_res = resample(sampler, X_train, y_train, config)
    X_res = data.snap(X_res)
    timings["resample"] += time.perf_counter() - started
    started = time.perf_counter()
    model = getattr(sampler, "warm_start_model_", None)
    if model is not None:  # warm start: one more fit, continuing the sampler's weights
        from sedg.synthesis import continue_training

        continue_training(model, X_res, y_res)
    else:
        model = build_classifier(config, data, seed, (X_train, y_train), artifacts)
        fit(model, X_res, y_res, config)
    timings["fit"] += time.perf_counter() - started
    started = time.perf_counter()
    metrics = _score(model, X_test, y_test, data.labels)
    timings["score"] += time.perf_counter() - started
    return metrics, len(y_res) - len(y_train), resampler_info(sampler)


def _baseline(config, data, seed, X_train, y_train, X_test, y_test, artifacts) -> dict[str, float]:
    model = build_classifier(config, data, seed, (X_train, y_train), artifacts)
    fit(model, X_train, y_train, config)
    return _score(model, X_test, y_test, data.labels)
