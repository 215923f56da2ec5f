"""What the seed-by-seed benchmarks (``benchmarks.extend``, ``benchmarks.distinct``) share: the
summary of a number over seeds, and their command line."""

from __future__ import annotations

import argparse
import math
import statistics
from pathlib import Path

__all__ = ["mean_se", "seeds_arguments"]

REPO = Path(__file__).resolve().parents[1]


def mean_se(values: list[float]) -> tuple[float, float]:
    """The mean over seeds and its standard error (NaN with one seed)."""
    mean = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan
    return mean, se


def seeds_arguments(description: str, trials: int) -> argparse.Namespace:
    """``--seeds`` (default 6), ``--trials`` (default ``trials``) and ``--out`` (benchmarks/),
    parsed; Optuna's per-trial log lines quietened."""
    import optuna

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--trials", type=int, default=trials)
    parser.add_argument("--out", default=str(REPO / "benchmarks"))
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return parser.parse_args()
