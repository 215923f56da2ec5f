"""The SEDG paper's figures as groupings of the pools, and their tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import (
    METRICS,
    confirmed_best,
    group,
    mean_se,
    ok,
    paper_max,
    points,
    split_means,
    with_se,
)


def _param(name: str) -> Callable[[Trial], str | None]:
    return lambda t: str(t.params[name]) if t.method == "sedg" and name in t.params else None


def _selection(t: Trial) -> str | None:
    if t.method != "sedg":
        return None
    return "random" if t.params.get("feature_selection") == "random" else "weighted"


def _weighing(t: Trial) -> str | None:
    if t.method != "sedg" or t.params.get("feature_selection") == "random":
        return None
    if t.params.get("feature_selection") == "imbalance":
        return "imbalance"
    return t.params.get("feature_importance") or t.params.get("feature_importance_model_agnostic")


def _embedding(t: Trial) -> str | None:
    if t.method != "sedg" or not str(t.params.get("feature_modification", "")).startswith("embedding"):
        return None
    return t.params.get("embedding")


def _usage(t: Trial) -> str | None:
    if t.method != "sedg":
        return None
    start = "warm" if t.params.get("usage_start") == "warm" else "cold"
    return f"{start}, {'iterative' if t.params.get('iterations', 1) > 1 else 'non-iterative'}"


def _generator(t: Trial) -> str | None:
    return t.params.get("model") if t.method == "dgm" else ("sedg" if t.method == "sedg" else None)


def _method(t: Trial) -> str:
    return t.method


def _classic(t: Trial) -> str | None:
    return t.method if t.pool == "classic" else None


@dataclass(frozen=True)
class Figure:
    number: str
    title: str
    family: str           # "nnmodel", "traditional" or "all"
    key: Callable[[Trial], str | None]


FIGURES = [
    Figure("8", "Classic resamplers", "all", _classic),
    Figure("9", "Sample selection", "nnmodel", _param("sample_selection")),
    Figure("10", "Deep generative models vs SEDG", "nnmodel", _generator),
    Figure("11", "Feature selection: weighted vs random", "nnmodel", _selection),
    Figure("12", "Feature weighing", "nnmodel", _weighing),
    Figure("13", "Feature modification", "nnmodel", _param("feature_modification")),
    Figure("14", "Embedding for modification", "nnmodel", _embedding),
    Figure("15", "Synthetic sample usage", "nnmodel", _usage),
    Figure("16", "SEDG vs DGMs vs classic resamplers", "nnmodel", _method),
    Figure("17", "Sample selection", "traditional", _param("sample_selection")),
    Figure("18", "Deep generative models vs SEDG", "traditional", _generator),
    Figure("19", "Feature selection: weighted vs random", "traditional", _selection),
    Figure("20", "Feature weighing", "traditional", _weighing),
    Figure("21", "Feature modification", "traditional", _param("feature_modification")),
    Figure("22", "Embedding for modification", "traditional", _embedding),
    Figure("23", "SEDG vs DGMs vs classic resamplers", "traditional", _method),
]


def levels(figure: Figure, pools: dict[str, list[Trial]]) -> dict[str, list[Trial]]:
    return dict(sorted(group(pools[figure.family], figure.key).items()))


def figure_table(figure: Figure, pools: dict[str, list[Trial]], repeats: int) -> list[str]:
    """Per level: the paper's max over trials (one split) next to the honest paired means."""
    grouped = levels(figure, pools)
    header = ["level", "trials (failed)"]
    header += [f"Δ{m} paper max" for m in METRICS]
    header += [f"Δ{m} mean ± SE" for m in METRICS]
    header += ["Δaccuracy best-on-paper-split, confirmed"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for level, trials in grouped.items():
        failed = len(trials) - len(ok(trials))
        cells = [f"`{level}`", f"{len(trials)} ({failed})"]
        cells += [points(paper_max(trials, m)) for m in METRICS]
        cells += [with_se(*mean_se(split_means(trials, m))) for m in METRICS]
        cells += [with_se(*confirmed_best(trials, "accuracy"))]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
