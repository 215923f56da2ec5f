"""The two questions a claim "level A beats level B" can mean, answered on the fresh splits.

- **average**: over the configurations a practitioner might draw, does A's mean improvement beat
  B's? Per fresh split, the mean over each level's configurations, paired split by split. In a
  pool of several classifiers the difference is taken within each classifier both levels drew
  and averaged over them, so a level that drew the forest more often does not win by it.
- **best**: does the configuration the paper's protocol would pick for A (best on the paper's
  one split) beat the one it would pick for B, re-evaluated on the fresh splits? The max over
  more trials is larger by chance alone, so each pair is compared with equal budgets: both
  levels' first n configurations (drawn order), n the smaller level's count.

A claim against several rivals (``beats every other level``) holds only if it holds against each:
its p-value is the largest over the rivals (an intersection-union test, valid without a
correction across those rivals); likewise a claim over several metrics.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from benchmarks.reproduce._runs import Trial
from benchmarks.reproduce._stats import Test, best_on_paper_split, ok, paired_test, per_split, split_means

QUESTIONS = ("average", "best")


@dataclass(frozen=True)
class Answer:
    """The weakest of a claim's comparisons: its test and what it was against."""

    test: Test
    against: str
    metric: str
    detail: str = ""

    @property
    def p(self) -> float:
        return self.test.p


def _classifiers(trials: list[Trial]) -> set[str]:
    return {t.classifier for t in ok(trials)}


def _level_values(trials: list[Trial], metric: str, classifier: str | None) -> np.ndarray:
    chosen = trials if classifier is None else [t for t in trials if t.classifier == classifier]
    return split_means(chosen, metric)


def _average_difference(mine: list[Trial], theirs: list[Trial] | None, metric: str,
                        within: bool) -> tuple[np.ndarray, str]:
    """Per split, mine − theirs (or mine alone against zero), within classifiers when asked."""
    if within:
        shared = _classifiers(mine) if theirs is None else _classifiers(mine) & _classifiers(theirs)
        classifiers: list[str | None] = sorted(shared)
    else:
        classifiers = [None]
    rows = []
    for classifier in classifiers:
        values = _level_values(mine, metric, classifier)
        if theirs is not None:
            other = _level_values(theirs, metric, classifier)
            if values.size == 0 or other.size == 0:
                continue
            values = values - other
        if values.size:
            rows.append(values)
    if not rows:
        return np.array([]), "no shared classifier" if within else "no trials"
    with np.errstate(all="ignore"):
        detail = f"within {len(classifiers)} classifier{'s' * (len(classifiers) != 1)}" if within else ""
        return np.nanmean(np.array(rows), axis=0), detail


def _best_difference(mine: list[Trial], theirs: list[Trial] | None, metric: str
                     ) -> tuple[np.ndarray, str]:
    """Per split, best-on-paper-split of mine − that of theirs, each of the same budget."""
    n = len(ok(mine)) if theirs is None else min(len(ok(mine)), len(ok(theirs)))
    best = best_on_paper_split(ok(mine)[:n], metric)
    if best is None:
        return np.array([]), "no trials"
    values = per_split(best, metric)
    if theirs is not None:
        rival = best_on_paper_split(ok(theirs)[:n], metric)
        if rival is None:
            return np.array([]), "no trials"
        values = values - per_split(rival, metric)
    return values, f"best of {n}"


def answer(question: str, grouped: dict[str, list[Trial]], claimed: str, rivals: list[str] | None,
           metrics: tuple[str, ...], *, sign: int = 1, within: bool = False) -> Answer:
    """The weakest comparison of ``claimed`` against each of ``rivals`` (against zero when
    ``rivals`` is None) on each of ``metrics``; ``sign=-1`` claims it is *below* them."""
    if claimed not in grouped:
        return Answer(paired_test(np.array([])), "not drawn", metrics[0])
    weakest: Answer | None = None
    for metric in metrics:
        for rival in rivals if rivals is not None else [None]:
            if rival is not None and rival not in grouped:
                continue
            theirs = grouped[rival] if rival is not None else None
            if question == "average":
                values, detail = _average_difference(grouped[claimed], theirs, metric, within)
            else:
                values, detail = _best_difference(grouped[claimed], theirs, metric)
            result = Answer(paired_test(sign * values), rival or "zero", metric, detail)
            if weakest is None or not (result.p <= weakest.p):  # NaN (untestable) is weakest
                weakest = result
    return weakest if weakest is not None else Answer(paired_test(np.array([])), "no rival", metrics[0])


def rivals_of(grouped: dict[str, list[Trial]], claimed: str, among: list[str] | None = None) -> list[str]:
    """Every other level (or those of ``among``)."""
    return [level for level in grouped if level != claimed and (among is None or level in among)]


def is_testable(result: Answer) -> bool:
    return math.isfinite(result.p)
