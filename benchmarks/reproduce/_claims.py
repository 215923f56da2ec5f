"""Every claim of both papers that their figures and Table 1 support, each judged twice.

A claim is a level that beats others (or zero) on some metrics; ``answer`` (see
:mod:`benchmarks.reproduce._questions`) judges it on the fresh splits for the average
configuration and for the best one the paper's protocol would pick. Each question is one family:
Holm's correction holds its family-wise error at 5 %. Verdicts are shown before (each claim at a
one-sided 5 %) and after the correction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from benchmarks.reproduce._figures import FIGURES, levels
from benchmarks.reproduce._questions import QUESTIONS, Answer, answer, rivals_of
from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import holm, mean_se, paired_test, with_se

ALL = ("accuracy", "macro_auc", "minority_auc")  # the SEDG paper's score, auc_macro, class AUC
ALPHA = 0.05
#: The GMCSMOTE paper's headline: +0.038 QWK over the original distribution (essay set 2).
GMCSMOTE_HEADLINE = 0.038
#: One fold of 5-fold cv: n_test / n_train for Bouckaert and Frank's correction.
CV_RATIO = 1 / 4


@dataclass(frozen=True)
class Claim:
    """``claimed`` beats ``rivals`` (every other level when None; zero when ``()``) on every one of
    ``metrics``; ``sign=-1``: it is below them. ``among`` limits "every other level"."""

    text: str
    figure: str
    claimed: str
    metrics: tuple[str, ...]
    rivals: tuple[str, ...] | None = None
    sign: int = 1
    among: tuple[str, ...] | None = None


CLASSIC_UP = ("adasyn", "borderline_smote", "enn", "random_over", "smote", "smote_tomek", "tomek_links")
CLAIMS = [
    *[Claim(f"{name} improves every metric", "8", name, ALL, ()) for name in CLASSIC_UP],
    *[Claim(f"{name} hurts every metric", "8", name, ALL, (), sign=-1)
      for name in ("smote_enn", "random_under")],
    Claim("PPSS is the best sample selection in accuracy", "9", "ppss", ("accuracy",)),
    Claim("SEDG beats every DGM in accuracy and macro-AUC", "10", "sedg", ("accuracy", "macro_auc")),
    Claim("weighted feature selection beats random in every metric", "11", "weighted", ALL),
    Claim("feature imbalance is the best weighing in every metric", "12", "imbalance", ALL),
    Claim("permutation beats drop-column importance in macro- and class AUC", "12", "permutation",
          ("macro_auc", "minority_auc"), ("drop_column",)),
    Claim("PCA nearest-neighbour modification beats the others in macro-AUC", "13", "pca_nn",
          ("macro_auc",), among=("random", "pca_cosine", "embedding_nn")),
    Claim("embedded cosine modification beats the others in macro-AUC", "13", "embedding_cosine",
          ("macro_auc",), among=("random", "pca_cosine", "embedding_nn")),
    Claim("random modification is the best in accuracy", "13", "random", ("accuracy",)),
    Claim("PCA cosine modification helps the minority classes most", "13", "pca_cosine",
          ("minority_auc",)),
    Claim("NNModel's embedding is the best in accuracy and macro-AUC", "14", "nnmodel",
          ("accuracy", "macro_auc")),
    Claim("VAE and NNModel embeddings help minority classes more than an AE (VAE)", "14", "vae",
          ("minority_auc",), ("ae",)),
    Claim("VAE and NNModel embeddings help minority classes more than an AE (NNModel)", "14",
          "nnmodel", ("minority_auc",), ("ae",)),
    Claim("cold start beats warm start in every metric", "15", "cold", ALL, ("warm",)),
    Claim("SEDG beats every classic resampler in every metric", "16", "sedg", ALL,
          among=tuple(CLASSIC_UP) + ("smote_enn", "random_under")),
    Claim("PaSS is the best sample selection in macro-AUC", "17", "pass", ("macro_auc",)),
    Claim("PPSS is the best sample selection in accuracy and class AUC", "17", "ppss",
          ("accuracy", "minority_auc")),
    Claim("SEDG beats every DGM in accuracy", "18", "sedg", ("accuracy",)),
    Claim("the adversarial AE beats SEDG in macro-AUC", "18", "aae", ("macro_auc",), ("sedg",)),
    Claim("the generative AE helps the minority classes most", "18", "ae", ("minority_auc",)),
    Claim("weighted feature selection beats random in every metric", "19", "weighted", ALL),
    Claim("feature imbalance is the best weighing in accuracy", "20", "imbalance", ("accuracy",)),
    Claim("MDI importance is the best weighing in macro- and class AUC", "20", "mdi",
          ("macro_auc", "minority_auc")),
    Claim("embedded nearest-neighbour modification is the best in accuracy and macro-AUC", "21",
          "embedding_nn", ("accuracy", "macro_auc")),
    Claim("the AE embedding is the best in accuracy", "22", "ae", ("accuracy",)),
    Claim("NNModel's embedding is the best in macro- and class AUC", "22", "nnmodel",
          ("macro_auc", "minority_auc")),
    Claim("SEDG beats every other method in class AUC of the minority classes", "23", "sedg",
          ("minority_auc",)),
]


def _figure(number: str):
    return next(f for f in FIGURES if f.number == number)


def _grouped(figure_number: str, pools: dict[str, list[Trial]]) -> dict[str, list[Trial]]:
    grouped = levels(_figure(figure_number), pools)
    if figure_number == "15":  # cold vs warm, iterative or not
        merged: dict[str, list[Trial]] = {}
        for level, trials in grouped.items():
            merged.setdefault(level.split(",")[0], []).extend(trials)
        return merged
    return grouped


@dataclass
class Row:
    claim: str
    where: str
    question: str
    result: Answer
    adjusted: float = math.nan


def _where(claim: Claim) -> str:
    family = "traditional" if claim.figure in ("17", "18", "19", "20", "21", "22", "23") else "NNModel"
    return "all classifiers, Fig. 8" if claim.figure == "8" else f"{family}, Fig. {claim.figure}"


def judge(pools: dict[str, list[Trial]], table_1: dict, gmcsmote: dict) -> list[Row]:
    """Every claim under both questions, with Holm-adjusted p-values per question."""
    rows: list[Row] = []
    for claim in CLAIMS:
        grouped = _grouped(claim.figure, pools)
        if claim.rivals == ():
            rivals = None  # against zero
        elif claim.rivals:
            rivals = list(claim.rivals)
        else:
            rivals = rivals_of(grouped, claim.claimed, list(claim.among) if claim.among else None)
        # Several classifiers in the pool: levels are compared within each classifier.
        within = _figure(claim.figure).family in ("traditional", "all")
        for question in QUESTIONS:
            result = answer(question, grouped, claim.claimed, rivals, claim.metrics, sign=claim.sign,
                            within=within)
            rows.append(Row(claim.text, _where(claim), question, result))
    for name, values in table_1.items():
        result = Answer(paired_test(values["embedded"] - values["raw"]), name, "accuracy")
        rows.append(Row(f"NNModel's embedding improves {name} (accuracy)", "Table 1", "average", result))
    for data_name, methods in gmcsmote.items():
        folds = {method: np.concatenate(values["honest"]) for method, values in methods.items()}
        for text, mine, theirs, sign in (
                ("GMCSMOTE beats the original data in QWK", "gmcsmote", "none", 1),
                ("GMCSMOTE beats uniform SMOTE in QWK", "gmcsmote", "uniform_smote", 1),
                ("uniform SMOTE hurts QWK", "uniform_smote", "none", -1)):
            result = Answer(paired_test(sign * (folds[mine] - folds[theirs]), CV_RATIO), theirs, "qwk",
                            f"{len(folds[mine])} folds")
            rows.append(Row(text, f"BLRR, 5-fold cv, {data_name}", "average", result))
    for question in QUESTIONS:
        family = [row for row in rows if row.question == question]
        for row, adjusted in zip(family, holm([row.result.p for row in family])):
            row.adjusted = adjusted
    return rows


def _verdict(p: float) -> str:
    if not math.isfinite(p):
        return "untestable"
    return "**holds**" if p < ALPHA else "does not hold"


def claims_table(rows: list[Row]) -> list[str]:
    lines = ["| claim (paper) | where | question | weakest comparison, points (mean ± corrected SE) "
             "| t (naive t) | one-sided p | verdict at 5 % | Holm-adjusted p | verdict after Holm |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        result = row.result
        t, naive = result.test.t, result.test.naive_t
        against = f"vs `{result.against}` on {result.metric}"
        against += f", {result.detail}" if result.detail else ""
        lines.append(
            f"| {row.claim} | {row.where} | {row.question} | {with_se(result.test.mean, result.test.se)} "
            f"{against} | {'n/a' if not math.isfinite(t) else f'{t:.1f}'} "
            f"({'n/a' if not math.isfinite(naive) else f'{naive:.1f}'}) | "
            f"{'n/a' if not math.isfinite(result.p) else f'{result.p:.3f}'} | {_verdict(result.p)} | "
            f"{'n/a' if not math.isfinite(row.adjusted) else f'{row.adjusted:.3f}'} | "
            f"{_verdict(row.adjusted)} |")
    return lines


def table_1_rows(table_1: dict, paper: dict) -> list[str]:
    lines = ["| classifier | paper (Table 1) | paper's protocol here (one split) | "
             "honest: mean ± corrected SE over fresh splits |", "|---|---|---|---|"]
    for name, values in table_1.items():
        one = values["paper_embedded"] - values["paper_raw"]
        lines.append(f"| {name} | {paper[name]:+.2f} | {100 * one:+.2f} | "
                     f"{with_se(*mean_se(values['embedded'] - values['raw']))} |")
    return lines


def gmcsmote_rows(gmcsmote: dict) -> list[str]:
    lines = ["| data | method | QWK, paper's protocol (one 5-fold cv) | QWK, mean ± corrected SE over "
             "repeated 5-fold cv | ΔQWK vs `none` (paper: +0.038 on essay set 2) |",
             "|---|---|---|---|---|"]
    for data_name, methods in gmcsmote.items():
        baseline = np.concatenate(methods["none"]["honest"])
        for method, values in methods.items():
            folds = np.concatenate(values["honest"])
            mean, se = mean_se(folds, CV_RATIO)
            delta = paired_test(folds - baseline, CV_RATIO)
            low, high = delta.mean - 1.96 * delta.se, delta.mean + 1.96 * delta.se
            inside = "" if method == "none" else (
                f"{delta.mean:+.4f} ± {delta.se:.4f}; +0.038 "
                f"{'inside' if low <= GMCSMOTE_HEADLINE <= high else 'outside'} its 95 % interval")
            lines.append(f"| {data_name} | `{method}` | {float(np.mean(values['paper'])):.4f} | "
                         f"{mean:.4f} ± {se:.4f} | {inside} |")
    return lines
