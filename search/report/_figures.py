"""The report's figures: improvement per group, per-class AUC, search progress."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["class_auc_figure", "figure", "improvement_figure", "progress_figure", "save"]


def figure(width: float, height: float):
    """``(figure, axes)`` drawn to a file, never to a screen: matplotlib's ``Figure`` without
    pyplot, so no backend is chosen for the process and nothing is kept open."""
    fig = Figure(figsize=(width, height))
    return fig, fig.subplots()


def save(fig: Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def improvement_figure(summary: pd.DataFrame, metric: str, by: str, agg: str, path: Path) -> Path:
    """Bars of the aggregated improvement per group (:func:`search.report.group_summary`), error
    bars its standard error, n on each bar; a group whose trials all ended early is hatched and
    labelled so (its bar is a partial mean)."""
    fig, ax = figure(max(5, 0.7 * len(summary) + 2), 4)
    positions = np.arange(len(summary))
    colours = ["tab:green" if v >= 0 else "tab:red" for v in summary[agg]]
    bars = ax.bar(positions, summary[agg], yerr=summary["se"].fillna(0), color=colours, capsize=3)
    for bar, partial in zip(bars, summary["partial"]):
        if partial:
            bar.set(hatch="//", alpha=0.5)
    ticks = [f"{group}\nn={count}" + (" stopped" if partial else "")
             for group, count, partial in zip(summary[by].astype(str), summary["count"], summary["partial"])]
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(positions, ticks, rotation=0 if len(summary) < 6 else 30, ha="center")
    ax.set_ylabel(f"{agg} of {metric} (± standard error)")
    title = f"{metric} by {by}"
    if summary["partial"].any():
        title += "\n(hatched: every trial ended early; the mean over the splits they ran)"
    ax.set_title(title, fontsize=10)
    return save(fig, path)


def class_auc_figure(table: pd.DataFrame, minority: set, agg: str, path: Path) -> Path:
    """Heat map: groups × classes of the class-AUC improvement; minority classes starred."""
    fig, ax = figure(max(6, 0.55 * table.shape[1] + 3), max(3, 0.45 * table.shape[0] + 1.5))
    values = table.to_numpy(dtype=float)
    limit = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 1.0
    image = ax.imshow(values, cmap="RdYlGn", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(table.shape[1]),
                  [f"{c}*" if c in minority else str(c) for c in table.columns], rotation=0)
    ax.set_yticks(range(table.shape[0]), table.index.astype(str))
    for (i, j), value in np.ndenumerate(values):
        if np.isfinite(value):
            ax.text(j, i, f"{value:+.2f}", ha="center", va="center", fontsize=7)
    ax.set_xlabel("class (* minority: below the median class count)")
    ax.set_title(f"class-AUC improvement ({agg} over trials)")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return save(fig, path)


def progress_figure(curves: dict[str, pd.Series], metric: str, path: Path) -> Path:
    """Best value so far against trial number, one line per experiment/searcher."""
    fig, ax = figure(6, 4)
    for label, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values.to_numpy(), label=label, drawstyle="steps-post")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # trials are counted, not measured
    ax.set_xlabel("trial (in finishing order)")
    ax.set_ylabel(f"best {metric} so far")
    ax.legend(fontsize=8)
    ax.set_title("search progress")
    return save(fig, path)
