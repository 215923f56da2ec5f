"""REPRODUCTION.md: the claims table first, then every figure and table."""

from __future__ import annotations

import platform
from pathlib import Path

from benchmarks.reproduce._claims import claims_table, gmcsmote_rows, judge, table_1_rows
from benchmarks.reproduce._figures import FIGURES, figure_table
from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import ok


def _summary(rows) -> list[str]:
    lines = []
    for question in ("average", "best"):
        family = [row for row in rows if row.question == question]
        before = sum(row.result.p < 0.05 for row in family)
        after = sum(row.adjusted < 0.05 for row in family)
        lines.append(f"- **{question}** ({len(family)} claims): {before} hold at a one-sided 5 % each, "
                     f"{after} after Holm's correction.")
    return lines


def write_report(path: Path, pools: dict[str, list[Trial]], table_1: dict, gmcsmote: dict,
                 sizes: dict, timings: dict, paper_table_1: dict) -> None:
    repeats = sizes["repeats"]
    failed = [t for trials in pools.values() for t in trials if t not in ok([t])]
    total = sum(len(trials) for trials in pools.values())
    pools = {**pools, "all": [t for trials in pools.values() for t in trials]}
    rows = judge(pools, table_1, gmcsmote)
    lines = [
        "# Reproduction of the SEDG and GMCSMOTE papers",
        "",
        f"Produced by `python -m benchmarks.reproduce{' --quick' if sizes['quick'] else ''}` "
        f"on {platform.node() or 'this machine'} "
        f"({platform.processor() or platform.machine()}); wall time "
        f"{timings['total'] / 60:.1f} min "
        f"({', '.join(f'{k} {v:.0f} s' for k, v in timings.items() if k != 'total')}).",
        "",
        "**Two protocols side by side.** *Paper*: the improvement of a level is the max over its "
        "trials on one 60/40 split (the SEDG paper's Section 4; 50 trials per method there, "
        f"{sizes['sedg']} SEDG, {sizes['dgm']} per DGM and {sizes['classic']} per classic "
        "resampler here, each a distinct configuration). *Honest*: the same configurations on "
        f"{repeats} fresh paired splits (the same splits for every configuration, none of them "
        "the paper's). Improvements are in points (metric × 100, as the papers print them); "
        "Δminority_auc is the mean AUC change of the classes below the median size (the papers' "
        "per-class AUC panels).",
        "",
        "**Uncertainty.** Every ± is the corrected standard error of a mean over the fresh splits, "
        "s·√(1/J + n_test/n_train) (Nadeau–Bengio for the 60/40 splits; Bouckaert–Frank for "
        "repeated 5-fold cv, J = R·K), the one the product reports: splits of the same rows are "
        "correlated, and the naive s/√J (this report's earlier t statistics) is too small "
        "(`benchmarks/COVERAGE.md` measures by how much). Tests are one-sided, Student's t with "
        "J − 1 degrees of freedom.",
        "",
        "**Two questions.** A claim that one level beats another can mean two things, and each is "
        "judged: *average* — the mean over the configurations a practitioner might draw (in the "
        "pools with several classifiers, compared within each classifier and averaged over them, "
        "so a level that drew the forest more often does not win by it); *best* — the "
        "configuration the paper's protocol picks (best on the paper's one split) re-evaluated on "
        "the fresh splits, each compared pair given equal budgets (both levels' first n distinct "
        "configurations, n the smaller count: a max over more trials is larger by chance alone). "
        "A claim against several levels, or over several metrics (\"all metrics\" claims are "
        "judged on each of accuracy, macro-AUC and minority class AUC), holds only if every "
        "comparison does; the weakest is shown.",
        "",
        "**Many claims at once.** Each question is one family; Holm's step-down correction keeps "
        "its family-wise error at 5 %. The verdict columns show each claim at a one-sided 5 % "
        "alone, and after the correction.",
        "",
        *_summary(rows),
        "",
        f"**Failed configurations.** {len(failed)} of {total} failed (listed at the end). They are "
        "counted in their level's trial count and left out of its means and maxima: a failed "
        "configuration has no improvement to average (a practitioner would fall back to no "
        "resampling, an improvement of 0).",
        "",
        "## Claims",
        "",
        *claims_table(rows),
        "",
        "## Table 1: NNModel's embedding as pre-processing (accuracy, points)",
        "",
        *table_1_rows(table_1, paper_table_1),
        "",
        "## GMCSMOTE paper: BLRR, 5-fold cross-validation, QWK",
        "",
        "student-por.csv is real data. The *embedded grades* are synthetic: `make_grades` draws the "
        "grade from a latent ability as a bell around 12 with thin tails, so its class "
        "distribution is bell-shaped by construction, the very shape GMCSMOTE resamples towards; "
        "a gain there says less than a gain on real data.",
        "",
        *gmcsmote_rows(gmcsmote),
        "",
    ]
    for figure in FIGURES:
        family = "NNModel" if figure.family == "nnmodel" else "traditional classifiers"
        if figure.number == "8":
            family = "all classifiers"
        lines += [f"## Fig. {figure.number}: {figure.title} ({family})", "",
                  *figure_table(figure, pools, repeats), ""]
    lines += ["## Left out", "",
              "- The ASAP essays of the GMCSMOTE paper are not available; its comparison runs on "
              "student-por.csv (real) and the embedded grades (synthetic, bell-shaped by construction).",
              "- 50 trials per method: the full run draws fewer (above) to fit 30 minutes on "
              "2 cores; the paper's column is therefore a max over fewer trials than the paper's.",
              "- Figure 8 pools the classic resamplers over all classifiers (the paper does not "
              "say which it used); Figure 15 exists for NNModel only (warm start needs a "
              "classifier that keeps its weights).",
              "- Claims the text makes without a comparison (\"DGMs demonstrate very minimal "
              "improvements\", \"all modification methods performed similarly in class AUC\") are "
              "not judged: no level is claimed to beat another.",
              "- The classic resamplers run with nominal features as categories (SMOTENC's rule, "
              "the product's default): the fair rival. The papers ran SMOTE on codes.", ""]
    if failed:
        lines += ["## Failed configurations", ""]
        lines += [f"- `{t.method}` with `{t.classifier}` ({t.pool}): {t.error or 'no result'}"
                  for t in failed]
        lines.append("")
    path.write_text("\n".join(lines))
