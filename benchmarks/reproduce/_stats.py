"""Per-level statistics: the paper's max over trials on one split, and the honest paired means."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from benchmarks.reproduce._runs import Trial

#: Improvements shown, as the SEDG paper's figures do (score, auc_macro, class AUC) and QWK.
METRICS = ("accuracy", "macro_auc", "minority_auc", "qwk")


def group(trials: list[Trial], key: Callable[[Trial], str | None]) -> dict[str, list[Trial]]:
    """Trials by level (``key`` returns None for a trial outside the figure)."""
    levels: dict[str, list[Trial]] = {}
    for trial in trials:
        level = key(trial)
        if level is not None:
            levels.setdefault(level, []).append(trial)
    return levels


def ok(trials: list[Trial]) -> list[Trial]:
    return [t for t in trials if t.error is None and t.paper and len(t.honest) > 0]


def split_means(trials: list[Trial], metric: str) -> np.ndarray:
    """Per fresh split, the mean improvement over the level's trials (paired across levels)."""
    values = np.array([[split.get(f"delta_{metric}", np.nan) for split in t.honest]
                       for t in ok(trials)], dtype=float)
    if values.size == 0:
        return np.array([])
    with np.errstate(all="ignore"):
        return np.nanmean(values, axis=0)


def mean_se(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, math.nan
    se = float(values.std(ddof=1) / math.sqrt(values.size)) if values.size > 1 else math.nan
    return float(values.mean()), se


def paper_max(trials: list[Trial], metric: str) -> float:
    values = [t.paper.get(f"delta_{metric}", math.nan) for t in ok(trials)]
    values = [v for v in values if math.isfinite(v)]
    return max(values) if values else math.nan


def confirmed_best(trials: list[Trial], metric: str) -> tuple[float, float]:
    """The trial with the best improvement on the paper's split, on the fresh splits."""
    good = [t for t in ok(trials) if math.isfinite(t.paper.get(f"delta_{metric}", math.nan))]
    if not good:
        return math.nan, math.nan
    best = max(good, key=lambda t: t.paper[f"delta_{metric}"])
    return mean_se(np.array([s.get(f"delta_{metric}", np.nan) for s in best.honest], dtype=float))


def paired(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean and standard error of ``a - b`` over shared splits, and its t statistic."""
    if a.size == 0 or b.size == 0:
        return math.nan, math.nan, math.nan
    mean, se = mean_se(a - b)
    return mean, se, mean / se if se and math.isfinite(se) and se > 0 else math.nan


def verdict(mean: float, t: float) -> str:
    """**holds** when the claimed difference is positive and at least two standard errors."""
    if math.isfinite(mean) and math.isfinite(t) and mean > 0 and t >= 2:
        return "**holds**"
    if math.isfinite(mean) and mean > 0:
        return "**does not hold** (same direction, within noise)"
    return "**does not hold**"


def points(value: float) -> str:
    """An improvement in percentage points, as the papers print them."""
    return "n/a" if not math.isfinite(value) else f"{100 * value:+.2f}"


def with_se(mean: float, se: float) -> str:
    if not math.isfinite(mean):
        return "n/a"
    return f"{100 * mean:+.2f} ± {100 * se:.2f}" if math.isfinite(se) else f"{100 * mean:+.2f}"
