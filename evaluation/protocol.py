"""The paired evaluation protocol: one configuration against its no-resampling baseline."""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from evaluation.classifiers import CLASSIFIERS, make_classifier
from evaluation.methods import METHODS, NO_RESAMPLING, make_resampler
from evaluation.metrics import compute_metrics, improvements, minority_labels
from evaluation.splits import N_FOLDS, PROTOCOLS, TEST_SIZE, make_splits
from sedg import MemoryArtifacts, SedgInputError
from sedg._memory import ArtifactStore
from sedg.datasets import TabularData

__all__ = ["EvaluationConfig", "EvaluationResult", "InvalidConfiguration", "evaluate"]

class InvalidConfiguration(SedgInputError):
    """A configuration that cannot run on this data (bad parameter value); retrying won't help."""


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
    protocol : {"holdout", "cv"}
    seed : int
        Seeds the split, the classifier and the resampler.
    test_size : float
        Holdout test share (the SEDG paper's 40 %).
    n_folds : int
        Folds for ``cv`` (the GMCSMOTE paper's 5).

    Examples
    --------
    >>> EvaluationConfig(classifier="blrr", resampler="gmcsmote").protocol
    'holdout'
    """

    classifier: str = "random_forest"
    resampler: Any = "none"
    resampler_params: dict = field(default_factory=dict)
    classifier_params: dict = field(default_factory=dict)
    protocol: str = "holdout"
    seed: int = 0
    test_size: float = TEST_SIZE
    n_folds: int = N_FOLDS

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

    @property
    def resampler_name(self) -> str:
        return self.resampler if isinstance(self.resampler, str) else type(self.resampler).__name__

    def baseline_key(self, data: TabularData, fold: int) -> str:
        """Everything a baseline depends on: data, split, fold, classifier and seed."""
        split = f"holdout{self.test_size}" if self.protocol == "holdout" else f"cv{self.n_folds}"
        params = json.dumps(self.classifier_params, sort_keys=True, default=str)
        return f"{data.fingerprint}|{split}|fold{fold}|{self.classifier}|{params}|seed{self.seed}"


@dataclass
class EvaluationResult:
    """Metrics of a configuration, of its baseline, and the improvements.

    ``metrics``, ``baseline`` and ``deltas`` are means over folds (one fold for
    holdout); ``deltas`` are ``metrics - baseline`` of those means, plus
    ``delta_minority_auc``. ``fold_metrics`` keeps each fold's values.
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

    def to_row(self) -> dict[str, Any]:
        """One flat dict: metrics, ``baseline_<metric>``, ``delta_<metric>``, counts, timings.

        ``synthetic_rows`` is ``n_synthetic`` (rows added, negative when a
        cleaner removed more than it added), named apart from the
        ``n_synthetic`` budget parameter of a configuration.
        """
        row: dict[str, Any] = dict(self.metrics)
        row.update({f"baseline_{name}": value for name, value in self.baseline.items()})
        row.update(self.deltas)
        row.update(
            n_train=self.n_train,
            synthetic_rows=self.n_synthetic,
            baseline_cache_hits=self.baseline_cache_hits,
            n_folds=len(self.fold_metrics),
        )
        row.update({f"time_{name}": value for name, value in self.timings.items()})
        return row


def _mean_metrics(folds: list[dict[str, float]]) -> dict[str, float]:
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
    on_fold=None,
    **config_fields: Any,
) -> EvaluationResult:
    """Evaluate one configuration on ``data`` against the no-resampling baseline.

    For each split (see :func:`evaluation.splits.make_splits`): the baseline
    classifier is fitted on the original training rows (or taken from
    ``artifacts`` when the same data, split, classifier and seed was seen
    before); the resampler runs on the training rows only, its discrete
    columns are snapped to valid codes, a fresh classifier with the same seed
    is fitted on the result, and both are scored on the untouched test rows.
    Scaling and one-hot encoding live inside the classifiers and are fitted on
    training rows only. ``resampler="none"`` reuses the baseline (zero
    improvement by construction).

    Parameters
    ----------
    data : TabularData
    config : EvaluationConfig, optional
        Or pass its fields as keywords.
    artifacts : ArtifactStore, optional
        Where baselines are shared; a fresh in-memory store by default.
    on_fold : callable, optional
        Called as ``on_fold(fold_index, fold_metrics, fold_deltas)`` after each
        fold (the search reports it so schedulers can stop weak trials early).

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
    >>> result.deltas["delta_qwk"]
    0.0
    """
    config = config or EvaluationConfig(**config_fields)
    artifacts = artifacts if artifacts is not None else MemoryArtifacts()
    labels = data.labels
    minority = minority_labels(data.class_counts)
    splits = make_splits(
        data.y, config.protocol, seed=config.seed, test_size=config.test_size, n_folds=config.n_folds
    )
    timings = dict.fromkeys(("baseline", "resample", "fit", "score"), 0.0)
    folds, baselines, hits, n_train, n_synthetic, info = [], [], 0, 0, 0, {}
    for fold, (train, test) in enumerate(splits):
        X_train, y_train, X_test, y_test = data.X[train], data.y[train], data.X[test], data.y[test]

        fit_baseline = partial(_baseline, config, data, X_train, y_train, X_test, y_test)
        started = time.perf_counter()
        key = config.baseline_key(data, fold)
        baseline, hit = artifacts.get_or_compute("baseline", key, fit_baseline)
        timings["baseline"] += time.perf_counter() - started
        hits += int(hit)
        n_train += len(train)
        if config.resampler == NO_RESAMPLING:
            metrics = dict(baseline)
        else:
            sampler = _build_resampler(config, data, artifacts)
            started = time.perf_counter()
            X_res, y_res = _resample(sampler, X_train, y_train, config)
            X_res = data.snap(X_res)
            timings["resample"] += time.perf_counter() - started
            n_synthetic += len(y_res) - len(y_train)
            info = _resampler_info(sampler)
            started = time.perf_counter()
            model = getattr(sampler, "warm_start_model_", None)
            if model is not None:  # warm start: keep the weights the sampler trained
                model.warm_fit(X_res, y_res)
            else:
                model = _build_classifier(config, data)
                _fit(model, X_res, y_res, config)
            timings["fit"] += time.perf_counter() - started
            started = time.perf_counter()
            metrics = _score(model, X_test, y_test, labels)
            timings["score"] += time.perf_counter() - started
        folds.append(metrics)
        baselines.append(baseline)
        if on_fold is not None:
            on_fold(fold, metrics, improvements(metrics, baseline, minority))
    mean_metrics, mean_baseline = _mean_metrics(folds), _mean_metrics(baselines)
    return EvaluationResult(
        metrics=mean_metrics,
        baseline=mean_baseline,
        deltas=improvements(mean_metrics, mean_baseline, minority),
        fold_metrics=folds,
        n_train=n_train // len(splits),
        n_synthetic=n_synthetic // len(splits),
        timings=timings,
        baseline_cache_hits=hits,
        minority_labels=minority,
        resampler_info=info,
        fold_baselines=baselines,
    )


def _baseline(config, data, X_train, y_train, X_test, y_test) -> dict[str, float]:
    model = _build_classifier(config, data)
    _fit(model, X_train, y_train, config)
    return _score(model, X_test, y_test, data.labels)


def _build_classifier(config: EvaluationConfig, data: TabularData):
    return make_classifier(
        config.classifier, data, random_state=config.seed, params=config.classifier_params
    )


def _build_resampler(config: EvaluationConfig, data: TabularData, artifacts):
    if isinstance(config.resampler, str):
        sampler = make_resampler(
            config.resampler, random_state=config.seed, params=config.resampler_params
        )
    else:
        sampler = clone(config.resampler)
        if config.resampler_params:
            sampler.set_params(**config.resampler_params)
    # The protocol's context: samplers that learn from the classifier (SEDG, DGMs) get the
    # trial's classifier, the data's discrete columns and the shared store as their ``memory``
    # (a handle: cloning keeps it shared), unless they were given their own.
    if sampler is not None and hasattr(sampler, "get_params"):
        params = sampler.get_params(deep=False)
        context = {
            "classifier": lambda: _build_classifier(config, data),
            "discrete_features": lambda: data.discrete_indices,
            "memory": lambda: artifacts,
        }
        sampler.set_params(**{
            name: make() for name, make in context.items() if name in params and params[name] is None
        })
    return sampler


def _fit(model, X: np.ndarray, y: np.ndarray, config: EvaluationConfig) -> None:
    try:
        model.fit(X, y)
    except InvalidParameterError as error:
        raise InvalidConfiguration(f"classifier {config.classifier!r}: {error}") from None


def _resample(sampler, X: np.ndarray, y: np.ndarray, config: EvaluationConfig):
    try:
        X_res, y_res = sampler.fit_resample(X, y)
    except (InvalidParameterError, SedgInputError) as error:
        raise InvalidConfiguration(f"resampler {config.resampler_name!r}: {error}") from None
    if np.unique(y_res).size < 2:
        raise InvalidConfiguration(
            f"resampler {config.resampler_name!r} left {len(y_res)} rows of "
            f"{np.unique(y_res).size} class(es); nothing to train on"
        )
    return X_res, y_res


def _resampler_info(sampler) -> dict:
    """What the resampler adapted: replicated classes, neighbours used, fallbacks."""
    info = {}
    for source in (sampler, getattr(sampler, "sampler_", None)):
        for name in ("replicated_", "k_neighbors_", "fallback_", "stopped_epoch_"):
            if source is not None and getattr(source, name, None) not in (None, {}):
                info[name.rstrip("_")] = getattr(source, name)
    return info
