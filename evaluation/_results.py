"""What an evaluation returns, and the statistics over its splits."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evaluation.metrics import improvements

__all__ = ["EvaluationResult", "mean_metrics", "standard_errors", "summarise_splits"]


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
