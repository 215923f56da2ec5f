"""What an evaluation returns, and the statistics over its splits.

Splits of the same rows share most of their training rows, so their results
are correlated and the spread over J splits ÷ √J understates the uncertainty
of their mean about the configuration's improvement on data like this. Every
standard error here is Nadeau and Bengio's corrected resampled one (2003; for
repeated k-fold, Bouckaert and Frank 2004, as scikit-learn's gallery example
"Statistical comparison of models using grid search" uses it):
``s · sqrt(1/J + n_test/n_train)``, with ``s`` the standard deviation over the
J splits, and intervals take Student's t with J − 1 degrees of freedom.

Evidence (``python -m benchmarks.coverage``, ``benchmarks/COVERAGE*.md``): on
generated populations with a known truth, 60 fresh data sets of 650 rows each,
the nominal 90 % intervals of ΔQWK from 10 splits covered the truth in 50–83 %
of data sets with the naive s/√J, and in 93–100 % with this correction (8
settings: random_over, smote, gmcsmote on 60/40 holdout and random_over on
2 × 5-fold, with a random forest on one population and an SVM on another). It
errs on the safe side: the correlation between splits that the data sets
imply (0.09–0.33) is below Nadeau and Bengio's n_test/n. A smaller correlation
fitted to the forest's population (half of theirs: 88–95 % there) covered only
80–83 % on the SVM's, and no single data set can tell which holds, so the
published correction stays.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import t as student_t

from evaluation.metrics import improvements

__all__ = ["EvaluationResult", "intervals", "mean_metrics", "standard_errors", "summarise_splits"]


@dataclass
class EvaluationResult:
    """Metrics of a configuration, of its baseline, and the improvements.

    ``metrics``, ``baseline`` and ``deltas`` are means over splits (one for
    holdout); ``deltas`` are ``metrics - baseline`` of those means, plus
    ``delta_minority_auc``. ``fold_metrics``, ``fold_baselines`` and
    ``split_deltas`` keep each split's values; ``standard_errors`` are the
    corrected standard errors of the improvements (NaN with one split), from
    ``test_train_ratio``, the test part's size over the training part's.
    ``imputed`` says which features had missing values filled and how many
    (each split fills them from its training part); ``None`` when none.
    ``synthetic`` holds the rows the resampler made (``evaluate(...,
    keep_synthetic=True)``), decoded, with the target and a ``split`` column.
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
    test_train_ratio: float = 0.0
    synthetic: pd.DataFrame | None = None
    #: The measures of the rows made (:mod:`evaluation.quality`), means over the splits.
    quality: dict[str, float] = field(default_factory=dict)

    @property
    def standard_errors(self) -> dict[str, float]:
        """``delta_<metric>_se``: the corrected standard error of each improvement."""
        return standard_errors(self.split_deltas, test_train_ratio=self.test_train_ratio)

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
        row.update(self.quality)
        row.update({f"time_{name}": value for name, value in self.timings.items()})
        return row


def summarise_splits(metrics: list[dict], baselines: list[dict], deltas: list[dict],
                     minority: Sequence, *, test_train_ratio: float) -> dict[str, float]:
    """A row from per-split values: mean metrics, ``baseline_<m>``, ``delta_<m>``, their
    corrected standard errors and ``n_splits`` (a trial stopped early, or splits evaluated
    apart)."""
    if not metrics:
        return {"n_splits": 0}
    mean, mean_baseline = mean_metrics(metrics), mean_metrics(baselines)
    return {
        **mean,
        **{f"baseline_{name}": value for name, value in mean_baseline.items()},
        **improvements(mean, mean_baseline, minority),
        **standard_errors(deltas, test_train_ratio=test_train_ratio),
        "n_splits": len(metrics),
    }


def standard_errors(split_deltas: list[dict[str, float]], *,
                    test_train_ratio: float) -> dict[str, float]:
    """Corrected standard error of every improvement's mean over splits (``<name>_se``),
    ignoring NaN splits: ``s · sqrt(1/J + test_train_ratio)``.

    ``test_train_ratio`` is n_test/n_train of the splits (0.4/0.6 for the 60/40
    holdout, 1/(K − 1) for K folds); 0 gives the naive ``s / sqrt(J)``, which
    holds only for splits of independent rows.

    Examples
    --------
    >>> splits = [{"delta_qwk": 0.1}, {"delta_qwk": 0.3}]
    >>> round(standard_errors(splits, test_train_ratio=0.0)["delta_qwk_se"], 6)
    0.1
    >>> round(standard_errors(splits, test_train_ratio=0.4 / 0.6)["delta_qwk_se"], 6)
    0.152753
    """
    if not split_deltas:
        return {}
    names = list(split_deltas[0])
    values = np.array([[split[name] for name in names] for split in split_deltas], dtype=float)
    counts = np.sum(np.isfinite(values), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        spread = np.nanstd(values, axis=0, ddof=1)
    factor = np.sqrt(1.0 / np.maximum(counts, 1) + test_train_ratio)
    errors = np.where(counts > 1, spread * factor, np.nan)
    return {f"{name}_se": float(error) for name, error in zip(names, errors)}


def intervals(values: dict[str, float], n_splits: int, level: float = 0.95) -> dict[str, float]:
    """Two-sided ``level`` intervals of every ``<name>`` that has a ``<name>_se`` in ``values``:
    ``<name>_low`` and ``<name>_high``, mean ± t(J − 1) · se (NaN below two splits).

    Examples
    --------
    >>> bounds = intervals({"delta_qwk": 0.05, "delta_qwk_se": 0.01}, n_splits=10)
    >>> round(bounds["delta_qwk_low"], 4), round(bounds["delta_qwk_high"], 4)
    (0.0274, 0.0726)
    """
    quantile = student_t.ppf(0.5 + level / 2, n_splits - 1) if n_splits > 1 else np.nan
    out = {}
    for name, value in values.items():
        error = values.get(f"{name}_se")
        if error is not None and not name.endswith("_se"):
            out[f"{name}_low"] = float(value - quantile * error)
            out[f"{name}_high"] = float(value + quantile * error)
    return out


def mean_metrics(folds: list[dict[str, float]]) -> dict[str, float]:
    """Mean of every metric over splits, ignoring NaN (a class absent from a test part)."""
    names = list(folds[0])
    stacked = np.array([[fold[name] for name in names] for fold in folds], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN column: NaN, as documented
        means = np.nanmean(stacked, axis=0)
    return dict(zip(names, means.tolist()))
