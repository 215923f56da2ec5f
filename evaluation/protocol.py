"""The paired evaluation protocol: one configuration against its no-resampling baseline."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np

from evaluation._config import EvaluationConfig
from evaluation._synthetic import made_rows, synthetic_frame
from evaluation._trial import (
    build_classifier,
    build_resampler,
    fit,
    fit_resampled,
    resample,
    resampler_info,
)
from evaluation.methods import NO_RESAMPLING
from evaluation.metrics import compute_metrics, improvements, minority_labels
from evaluation.quality import made_row_quality, mean_quality
from evaluation.results import EvaluationResult, mean_metrics
from sedg import MemoryArtifacts
from sedg.datasets import TabularData, impute_split
from sedg.memory import ArtifactStore, data_key
from sedg.threads import limited_threads

__all__ = ["Resampled", "evaluate", "resample_split"]


@dataclass
class _Split:
    """One (train, test) pair of the protocol, its index in the sequence and its seed."""

    index: int
    train: np.ndarray
    test: np.ndarray
    seed: int


def _plan(data: TabularData, config: EvaluationConfig, split_indices, splits) -> list[_Split]:
    """The splits to evaluate: the protocol's (or some of them), or explicit index pairs."""
    if splits is not None:  # explicit rows (a final-test part), all with the configuration's seed
        return [_Split(i, train, test, config.seed) for i, (train, test) in enumerate(splits)]
    pairs, seeds = config.splits(data.y), config.split_seeds()
    indices = range(len(pairs)) if split_indices is None else [int(i) for i in split_indices]
    return [_Split(i, *pairs[i], seeds[i]) for i in indices]


def _parts(data: TabularData, split: _Split):
    """Training and test rows; missing values filled from the training part only."""
    X_train, X_test = data.X[split.train], data.X[split.test]
    imputation = None
    if data.has_missing:  # load_table(impute=True)
        X_train, X_test, imputation = impute_split(data, X_train, X_test)
    return X_train, data.y[split.train], X_test, data.y[split.test], imputation


@dataclass
class _Totals:
    """What the splits add up: seconds per phase, cache hits, rows trained on and added."""

    timings: dict[str, float] = field(
        default_factory=lambda: dict.fromkeys(("baseline", "resample", "fit", "score", "quality"), 0.0))
    hits: int = 0
    n_train: int = 0
    n_synthetic: int = 0
    info: dict = field(default_factory=dict)
    imputed: str | None = None
    #: With ``keep_synthetic``: per split, ``(split index, rows made, their labels)``.
    made: list | None = None
    #: Per split, the measures of the rows made (:mod:`evaluation.quality`).
    quality: list = field(default_factory=list)


def evaluate(
    data: TabularData,
    config: EvaluationConfig | None = None,
    *,
    artifacts: ArtifactStore | None = None,
    on_split=None,
    split_indices: Sequence[int] | None = None,
    splits: list[tuple[np.ndarray, np.ndarray]] | None = None,
    keep_synthetic: bool = False,
    n_jobs: int | None = None,
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
    keep_synthetic : bool, default=False
        Keep the rows the resampler made on every split as ``result.synthetic``
        (decoded to the data's values, with the target and a ``split`` column);
        each split is then computed, not looked up.
    n_jobs : int, optional
        Threads for the whole evaluation: the classifiers' ``n_jobs``, and torch, BLAS and
        OpenMP held to it (:func:`sedg.threads.limited_threads`); by default every CPU
        the process may use (within a Ray trial, its CPU share).

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
    with limited_threads(n_jobs):
        return _evaluate(data, config, artifacts, on_split, split_indices, splits, keep_synthetic)


def _evaluate(data, config, artifacts, on_split, split_indices, splits, keep_synthetic):
    artifacts = artifacts if artifacts is not None else MemoryArtifacts()
    minority = minority_labels(data.class_counts)
    planned = _plan(data, config, split_indices, splits)
    totals = _Totals(made=[] if keep_synthetic else None)
    folds, baselines, split_deltas = [], [], []
    for split in planned:
        metrics, baseline = _evaluate_split(data, config, split, artifacts, totals,
                                            explicit=splits is not None)
        deltas = improvements(metrics, baseline, minority)
        folds.append(metrics)
        baselines.append(baseline)
        split_deltas.append(deltas)
        if on_split is not None:
            on_split(split.index, split.seed, metrics, baseline, deltas)
    mean, mean_baseline = mean_metrics(folds), mean_metrics(baselines)
    return EvaluationResult(
        metrics=mean,
        baseline=mean_baseline,
        deltas=improvements(mean, mean_baseline, minority),
        fold_metrics=folds,
        n_train=totals.n_train // len(planned),
        n_synthetic=totals.n_synthetic // len(planned),
        timings=totals.timings,
        baseline_cache_hits=totals.hits,
        minority_labels=minority,
        resampler_info=totals.info,
        fold_baselines=baselines,
        split_deltas=split_deltas,
        split_seeds=[split.seed for split in planned],
        imputed=totals.imputed,
        test_train_ratio=_test_train_ratio(config, planned, explicit=splits is not None),
        synthetic=synthetic_frame(data, totals.made) if keep_synthetic else None,
        quality=mean_quality(totals.quality),
    )


def _test_train_ratio(config: EvaluationConfig, planned: list[_Split], *, explicit: bool) -> float:
    """The protocol's n_test / n_train, or that of the given rows."""
    if not explicit:
        return config.test_train_ratio
    return float(np.mean([split.test.size / split.train.size for split in planned]))


def _evaluate_split(data, config, split: _Split, artifacts, totals: _Totals, *, explicit: bool):
    """``(metrics, baseline metrics)`` of one split; its counts and seconds added to ``totals``."""
    X_train, y_train, X_test, y_test, imputation = _parts(data, split)
    if imputation is not None:
        totals.imputed = imputation.describe(data.non_finite)
    key = config.baseline_key(data, split.index, split.seed)
    if explicit:  # given rows, not the protocol's: the rows are part of the key
        key = f"{key}|rows{data_key(split.train, split.test)}"
    started = time.perf_counter()
    fit_baseline = partial(_baseline, config, data, split.seed, X_train, y_train, X_test, y_test,
                           artifacts)
    baseline, hit = artifacts.get_or_compute("baseline", key, fit_baseline)
    totals.timings["baseline"] += time.perf_counter() - started
    totals.hits += int(hit)
    totals.n_train += len(split.train)
    if config.resampler == NO_RESAMPLING:
        return dict(baseline), baseline
    resampled = partial(_resampled, config, data, split.seed, artifacts, totals.timings,
                        X_train, y_train, X_test, y_test)
    if totals.made is not None:  # the rows themselves are wanted: computed, never looked up
        metrics, added, info, quality, made = resampled(keep=True)
        totals.made.append((split.index, *made))
    elif isinstance(config.resampler, str):
        # A registered method is built from its name and parameters alone: the same
        # configuration on the same split (a searcher proposing it again) is looked up.
        params = json.dumps(config.resampler_params, sort_keys=True, default=str)
        outcome, _ = artifacts.get_or_compute("evaluation", f"{key}|{config.resampler}|{params}",
                                              resampled)
        metrics, added, info, quality = (*outcome, {})[:4]  # one stored before the measures: none
    else:
        metrics, added, info, quality = resampled()
    totals.n_synthetic += added
    totals.info = info
    totals.quality.append(quality)
    return metrics, baseline


def _score(model, X: np.ndarray, y: np.ndarray, data: TabularData) -> dict[str, float]:
    probabilities = model.predict_proba(X)
    return compute_metrics(y, model.predict(X), probabilities, data.labels, data.class_names)


def _resampled(config, data, seed, artifacts, timings, X_train, y_train, X_test, y_test, keep=False):
    """Resample the training rows, fit, score: ``(metrics, rows added, resampler info)``, and with
    ``keep`` the rows made and their labels. A reweighting method fits on the training rows with
    balanced class weights instead."""
    sampler = build_resampler(config, data, seed, artifacts, (X_train, y_train))
    model, X_res, y_res = fit_resampled(
        config, sampler, lambda: build_classifier(config, data, seed, (X_train, y_train), artifacts),
        X_train, y_train, data.cardinalities, timings)
    started = time.perf_counter()
    metrics = _score(model, X_test, y_test, data)
    timings["score"] += time.perf_counter() - started
    made = made_rows(X_train, y_train, X_res, y_res)
    started = time.perf_counter()
    quality = made_row_quality(X_train, y_train, X_test, X_res[made], y_res[made], data.nominal_indices,
                               random_state=seed)
    timings["quality"] += time.perf_counter() - started
    outcome = (metrics, len(y_res) - len(y_train),
               resampler_info(sampler) if sampler is not None else {}, quality)
    return (*outcome, (X_res[made], y_res[made])) if keep else outcome


def _baseline(config, data, seed, X_train, y_train, X_test, y_test, artifacts) -> dict[str, float]:
    model = build_classifier(config, data, seed, (X_train, y_train), artifacts)
    fit(model, X_train, y_train, config)
    return _score(model, X_test, y_test, data)


@dataclass
class Resampled:
    """One split's resampling, kept whole: the fitted sampler, its input and its output (discrete
    columns snapped, as the protocol trains on them)."""

    sampler: Any
    X_train: np.ndarray
    y_train: np.ndarray
    X_resampled: np.ndarray
    y_resampled: np.ndarray


def resample_split(data: TabularData, config: EvaluationConfig, split: int = 0, *,
                   artifacts: ArtifactStore | None = None) -> Resampled:
    """Run the configuration's resampler on split ``split`` of its protocol exactly as
    :func:`evaluate` does (same rows, seed, imputation and context), and keep what it made.

    Examples
    --------
    >>> from sedg.datasets import make_grades
    >>> config = EvaluationConfig(classifier="blrr", resampler="random_over")
    >>> made = resample_split(make_grades(n_samples=200), config)
    >>> len(made.y_resampled) > len(made.y_train)
    True
    """
    artifacts = artifacts if artifacts is not None else MemoryArtifacts()
    chosen, = _plan(data, config, [split], None)
    X_train, y_train, _, _, _ = _parts(data, chosen)
    sampler = build_resampler(config, data, chosen.seed, artifacts, (X_train, y_train))
    if sampler is None:
        return Resampled(None, X_train, y_train, X_train, y_train)
    X_res, y_res = resample(sampler, X_train, y_train, config)
    return Resampled(sampler, X_train, y_train, data.snap(X_res), y_res)
