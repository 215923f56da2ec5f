"""One evaluation in this process, measured: ``python -m benchmarks._one_evaluation JSON``.

The JSON names ``rows``, ``method``, ``params`` and ``classifier``; the answer (one JSON
line on stdout) has the seconds per phase, the process's peak resident memory and the
rows the method made. A fresh process per evaluation, so nothing is shared or cached.
The same evaluation runs first on a 1,000-row table, untimed but reported
(``warm_up_s``): a method's first call imports its libraries (torch: about 1.5 s), which a
search's worker pays once, not per evaluation; the classifier's import was already paid
by the baseline, before its fit is timed.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._large_table import TARGET, make_large_table


def measure(rows: int, method: str, params: dict, classifier: str) -> dict:
    from evaluation import EvaluationConfig, evaluate
    from sedg.datasets import encode_frame

    config = EvaluationConfig(classifier=classifier, resampler=method, resampler_params=params,
                              protocol="holdout", seed=0)
    started = time.perf_counter()
    evaluate(encode_frame(make_large_table(1_000, seed=1), TARGET, name="warm-up"), config)
    warm_up_s = time.perf_counter() - started
    started = time.perf_counter()
    data = encode_frame(make_large_table(rows), TARGET, name=f"scale{rows}")
    table_s = time.perf_counter() - started
    started = time.perf_counter()
    result = evaluate(data, config)
    total = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"rows": rows, "method": method, "params": params, "classifier": classifier,
            "warm_up_s": warm_up_s, "table_s": table_s, "total_s": total,
            **{f"{k}_s": v for k, v in result.timings.items()},
            "peak_gib": peak_kib / 2**20, "rows_made": int(result.n_synthetic),
            "delta_qwk": float(result.deltas["delta_qwk"]), "info": result.resampler_info,
            "commit": _commit()}


def _commit() -> str:
    """The code measured: the repository's commit (with ``+`` when its files differ from it)."""
    repo = Path(__file__).resolve().parents[1]
    run = lambda *args: subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True)  # noqa: E731
    head = run("rev-parse", "--short", "HEAD").stdout.strip() or "unknown"
    return head + ("+" if run("status", "--porcelain", "--untracked-files=no").stdout.strip() else "")


if __name__ == "__main__":
    job = json.loads(sys.argv[1])
    print(json.dumps(measure(job["rows"], job["method"], job.get("params", {}), job["classifier"]),
                     default=str))
