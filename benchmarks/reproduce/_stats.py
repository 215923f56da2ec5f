"""Per-level statistics: the paper's max over trials on one split, and the honest paired means,
with the corrected standard errors the product reports and one-sided tests for the claims."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t

from benchmarks.reproduce._runs import Trial

#: Improvements shown, as the SEDG paper's figures do (score, auc_macro, class AUC) and QWK.
METRICS = ("accuracy", "macro_auc", "minority_auc", "qwk")
#: The fresh splits are 60/40 holdouts of the same rows: n_test / n_train for the correction.
HOLDOUT_RATIO = 0.4 / 0.6


def group(trials: list[Trial], key: Callable[[Trial], str | None]) -> dict[str, list[Trial]]:
    """Trials by level (``key`` returns None for a trial outside the figure)."""
    levels: dict[str, list[Trial]] = {}
    for trial in trials:
        level = key(trial)
        if level is not None:
            levels.setdefault(level, []).append(trial)
    return levels


def ok(trials: list[Trial]) -> list[Trial]:
    """The trials that ran on every split (a failed configuration has no improvement to average)."""
    return [t for t in trials if t.error is None and t.paper and len(t.honest) > 0]


def per_split(trial: Trial, metric: str) -> np.ndarray:
    return np.array([split.get(f"delta_{metric}", np.nan) for split in trial.honest], dtype=float)


def split_means(trials: list[Trial], metric: str) -> np.ndarray:
    """Per fresh split, the mean improvement over the level's trials (paired across levels)."""
    values = np.array([per_split(t, metric) for t in ok(trials)], dtype=float)
    if values.size == 0:
        return np.array([])
    with np.errstate(all="ignore"):
        return np.nanmean(values, axis=0)


@dataclass(frozen=True)
class Test:
    """A one-sided test that a per-split difference is above zero."""

    mean: float
    se: float
    naive_se: float
    n: int

    @property
    def t(self) -> float:
        return self.mean / self.se if self.se > 0 and math.isfinite(self.se) else math.nan

    @property
    def naive_t(self) -> float:
        return self.mean / self.naive_se if self.naive_se > 0 and math.isfinite(self.naive_se) else math.nan

    @property
    def p(self) -> float:
        """One-sided p-value, Student's t with n − 1 degrees of freedom (NaN below two splits)."""
        return float(student_t.sf(self.t, self.n - 1)) if math.isfinite(self.t) else math.nan


def paired_test(differences: np.ndarray, ratio: float = HOLDOUT_RATIO) -> Test:
    """Mean of ``differences`` over splits with the corrected standard error
    s · √(1/J + ratio) (Nadeau–Bengio; with ``ratio`` = 1/(K − 1) and J = R·K, Bouckaert–Frank's
    for repeated K-fold) and the naive one, s / √J.

    Examples
    --------
    >>> result = paired_test(np.array([0.02, 0.04, 0.03, 0.05]))
    >>> round(result.naive_t, 2), round(result.t, 2)
    (5.42, 2.83)
    """
    values = np.asarray(differences, dtype=float)
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return Test(math.nan, math.nan, math.nan, 0)
    spread = float(values.std(ddof=1)) if n > 1 else math.nan
    return Test(float(values.mean()), spread * math.sqrt(1 / n + ratio), spread / math.sqrt(n), n)


def mean_se(values: np.ndarray, ratio: float = HOLDOUT_RATIO) -> tuple[float, float]:
    """The mean over splits and its corrected standard error."""
    result = paired_test(values, ratio)
    return result.mean, result.se


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values (family-wise error across all claims); NaN stays NaN.

    Examples
    --------
    >>> [round(p, 3) for p in holm([0.01, 0.04, 0.03])]
    [0.03, 0.06, 0.06]
    """
    indexed = sorted((p, i) for i, p in enumerate(p_values) if math.isfinite(p))
    adjusted = [math.nan] * len(p_values)
    running, m = 0.0, len(indexed)
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted


def paper_max(trials: list[Trial], metric: str) -> float:
    values = [t.paper.get(f"delta_{metric}", math.nan) for t in ok(trials)]
    values = [v for v in values if math.isfinite(v)]
    return max(values) if values else math.nan


def best_on_paper_split(trials: list[Trial], metric: str) -> Trial | None:
    """The trial the paper's protocol would pick: best improvement on the paper's one split."""
    good = [t for t in ok(trials) if math.isfinite(t.paper.get(f"delta_{metric}", math.nan))]
    return max(good, key=lambda t: t.paper[f"delta_{metric}"]) if good else None


def confirmed_best(trials: list[Trial], metric: str) -> tuple[float, float]:
    """The trial best on the paper's split, on the fresh splits: mean and corrected SE."""
    best = best_on_paper_split(trials, metric)
    return mean_se(per_split(best, metric)) if best is not None else (math.nan, math.nan)


def points(value: float) -> str:
    """An improvement in percentage points, as the papers print them."""
    return "n/a" if not math.isfinite(value) else f"{100 * value:+.2f}"


def with_se(mean: float, se: float) -> str:
    if not math.isfinite(mean):
        return "n/a"
    return f"{100 * mean:+.2f} ± {100 * se:.2f}" if math.isfinite(se) else f"{100 * mean:+.2f}"
