"""What measuring the made rows costs a trial: ``time_quality`` against the evaluation's whole time.

Run: ``python -m benchmarks.quality_cost`` from the repository root (student-por.csv from
``../shared/data`` when it is there, and the embedded grades). Prints one line per table and
method: one evaluation with the default classifier (the random forest) on 5-fold CV, its seconds,
the seconds of :mod:`evaluation.quality` inside them, their share, and the measures. One run of
each, on this machine, as it is: nothing is left out or repeated.
"""

from __future__ import annotations

import time
from pathlib import Path

from evaluation import EvaluationConfig, evaluate
from sedg.datasets import load_table, make_grades

STUDENT_POR = Path(__file__).resolve().parents[2] / "shared" / "data" / "student-por.csv"


def main() -> None:
    tables = [("grades", make_grades(seed=0))]
    if STUDENT_POR.is_file():
        tables.insert(0, ("student-por", load_table(STUDENT_POR, target="G3")))
    for name, data in tables:
        for method in ("smote", "gmcsmote", "sedg"):
            config = EvaluationConfig(resampler=method, classifier="random_forest", protocol="cv")
            started = time.perf_counter()
            result = evaluate(data, config)
            total = time.perf_counter() - started
            spent = result.timings["quality"]
            measures = ", ".join(f"{key.removeprefix('quality_')} {value:.3f}"
                                 for key, value in result.quality.items())
            print(f"{name:12s} {method:9s} {total:6.2f} s, quality {spent:5.2f} s ({spent / total:5.1%}); "
                  f"{measures}")


if __name__ == "__main__":
    main()
