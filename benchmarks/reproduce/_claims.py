"""The papers' claims in words, each judged under the honest protocol (paired fresh splits)."""

from __future__ import annotations

import math

import numpy as np

from benchmarks.reproduce._figures import FIGURES, levels
from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import mean_se, paired, split_means, verdict, with_se


def _figure(number: str):
    return next(f for f in FIGURES if f.number == number)


def _beats_all(grouped: dict[str, list[Trial]], claimed: str, metric: str,
               others: list[str] | None = None) -> tuple[float, float, float, str]:
    """The claimed level against its strongest rival: the comparison with the smallest t."""
    if claimed not in grouped:
        return math.nan, math.nan, math.nan, "not drawn"
    mine = split_means(grouped[claimed], metric)
    worst = (math.inf, math.nan, math.nan, "none")
    for level, trials in grouped.items():
        if level == claimed or (others is not None and level not in others):
            continue
        diff, se, t = paired(mine, split_means(trials, metric))
        rank = t if math.isfinite(t) else (diff if math.isfinite(diff) else -math.inf)
        if rank < worst[0]:
            worst = (rank, diff, se, level)
    _, diff, se, rival = worst
    t = diff / se if math.isfinite(diff) and math.isfinite(se) and se > 0 else math.nan
    return diff, se, t, rival


def _row(claim: str, where: str, diff: float, se: float, t: float, against: str) -> str:
    return (f"| {claim} | {where} | {with_se(diff, se)} vs `{against}` | "
            f"{'n/a' if not math.isfinite(t) else f'{t:.1f}'} | {verdict(diff, t)} |")


def claims_table(pools: dict[str, list[Trial]], table_1: dict, gmcsmote: dict) -> list[str]:
    lines = ["| claim (paper) | where | honest difference, points (mean ± SE) | t | verdict |",
             "|---|---|---|---|---|"]
    grouped = levels(_figure("9"), pools)
    lines.append(_row("PPSS is the best sample selection in accuracy", "NNModel, Fig. 9",
                      *_beats_all(grouped, "ppss", "accuracy")))
    for number, family in (("11", "NNModel"), ("19", "traditional")):
        grouped = levels(_figure(number), pools)
        for metric in ("accuracy", "macro_auc"):
            lines.append(_row(f"weighted feature selection beats random ({metric})",
                              f"{family}, Fig. {number}", *_beats_all(grouped, "weighted", metric)))
    lines.append(_row("feature imbalance is the best weighing (accuracy)", "NNModel, Fig. 12",
                      *_beats_all(levels(_figure("12"), pools), "imbalance", "accuracy")))
    usage = {}
    for level, trials in levels(_figure("15"), pools).items():
        usage.setdefault(level.split(",")[0], []).extend(trials)
    lines.append(_row("cold start beats warm start (accuracy)", "NNModel, Fig. 15",
                      *_beats_all(usage, "cold", "accuracy")))
    grouped = levels(_figure("16"), pools)
    classics = [level for level in grouped if level not in ("sedg", "dgm")]
    for metric in ("accuracy", "macro_auc", "minority_auc"):
        lines.append(_row(f"SEDG beats every classic resampler ({metric})", "NNModel, Fig. 16",
                          *_beats_all(grouped, "sedg", metric, classics)))
    lines.append(_row("DGMs give minimal gains: SEDG beats them (accuracy)", "NNModel, Fig. 10",
                      *_beats_all(grouped, "sedg", "accuracy", ["dgm"])))
    lines.append(_row("DGMs give minimal gains: SEDG beats them (macro-AUC)", "NNModel, Fig. 10",
                      *_beats_all(grouped, "sedg", "macro_auc", ["dgm"])))
    for name, values in table_1.items():
        diff, se, t = paired(values["embedded"], values["raw"])
        lines.append(_row(f"NNModel's embedding improves {name} (accuracy)", "Table 1",
                          diff, se, t, name))
    for data_name, methods in gmcsmote.items():
        for rival in ("uniform_smote", "none"):
            diff, se, t = paired(np.array(methods["gmcsmote"]["honest"]),
                                 np.array(methods[rival]["honest"]))
            what = "uniform SMOTE" if rival != "none" else "the original data"
            lines.append(_row(f"GMCSMOTE beats {what} in QWK", f"BLRR, 5-fold cv, {data_name}",
                              diff, se, t, rival))
    return lines


def table_1_rows(table_1: dict, paper: dict) -> list[str]:
    lines = ["| classifier | paper (Table 1) | paper's protocol here (one split) | "
             "honest: mean ± SE over fresh splits |", "|---|---|---|---|"]
    for name, values in table_1.items():
        one = values["paper_embedded"] - values["paper_raw"]
        lines.append(f"| {name} | {paper[name]:+.2f} | {100 * one:+.2f} | "
                     f"{with_se(*mean_se(values['embedded'] - values['raw']))} |")
    return lines


def gmcsmote_rows(gmcsmote: dict) -> list[str]:
    lines = ["| data | method | QWK, paper's protocol (one 5-fold cv) | "
             "QWK, mean ± SE over repeated 5-fold cv |", "|---|---|---|---|"]
    for data_name, methods in gmcsmote.items():
        for method, values in methods.items():
            mean, se = mean_se(np.array(values["honest"], dtype=float))
            lines.append(f"| {data_name} | `{method}` | {values['paper']:.4f} | "
                         f"{mean:.4f} ± {se:.4f} |")
    return lines
