"""How sedg-search grows with the table: one evaluation per method at 10^4, 10^5, 10^6 rows.

Run: ``python -m benchmarks.scale [--sizes 10000 100000 1000000] [--search]`` from the
repository root. Writes ``SCALE.json`` and ``SCALE.md`` (with the machine description).

Every evaluation is the paper's protocol once (the 60/40 holdout, seed 0) in a fresh
process (:mod:`benchmarks._one_evaluation`), on a generated ordinal table
(:mod:`benchmarks._large_table`: 20 features, 6 classes at 3/12/35/30/15/5 %): seconds
split into baseline (fit and score on the original rows), resample, fit and score, the
process's peak resident memory, and the rows made. An evaluation past ``--timeout`` is
kept as a timeout, never dropped. The growth exponent of a configuration is the slope of
log(total seconds) against log(rows) between the smallest and the largest size it ran at.
``--search`` adds a run of the default search (``sedg-search run --classifier xgboost``) on the
10^5-row table, end to end, with the longest silence of its log.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._large_table import TARGET, make_large_table

REPO = Path(__file__).resolve().parents[1]

#: What is measured: a name, the method and its parameters (defaults otherwise).
CONFIGURATIONS: dict[str, tuple[str, dict]] = {
    "none": ("none", {}),
    "smote": ("smote", {}),
    "gmcsmote": ("gmcsmote", {}),
    "sedg": ("sedg", {}),
    "sedg importance=mdi": ("sedg", {"feature_selection": "importance", "feature_importance": "mdi"}),
    "sedg importance=permutation": ("sedg", {"feature_selection": "importance",
                                             "feature_importance": "permutation"}),
    "sedg importance=drop_column": ("sedg", {"feature_selection": "importance",
                                             "feature_importance": "drop_column"}),
    "sedg embedding=nnmodel": ("sedg", {"embedding": "nnmodel"}),
    "sedg embedding=vae": ("sedg", {"embedding": "vae"}),
    "sedg pess out_of_fold": ("sedg", {"sample_selection": "pess", "diagnostics": "out_of_fold"}),
    **{f"dgm model={model}": ("dgm", {"model": model})
       for model in ("ae", "vae", "aae", "avae", "caae", "cavae")},
    # Today's generators (the extras ctgan and forest).
    "ctgan": ("ctgan", {}),
    "tvae": ("tvae", {}),
    "forest_diffusion": ("forest_diffusion", {}),
}
CLASSIFIERS = ("random_forest", "xgboost")
PHASES = ("baseline", "resample", "fit", "score")


def _one(rows: int, name: str, classifier: str, timeout: float) -> dict:
    method, params = CONFIGURATIONS[name]
    job = json.dumps({"rows": rows, "method": method, "params": params, "classifier": classifier})
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "benchmarks._one_evaluation", job], cwd=REPO,
                              capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, PYTHONPATH=str(REPO)))
    except subprocess.TimeoutExpired:
        return {"rows": rows, "name": name, "classifier": classifier, "status": "timeout",
                "total_s": time.perf_counter() - started}
    if done.returncode != 0:
        return {"rows": rows, "name": name, "classifier": classifier, "status": "failed",
                "error": done.stderr.strip().splitlines()[-1:]}
    return {"name": name, "status": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


def _exponents(results: list[dict]) -> dict:
    """Per (configuration, classifier): the slope of log seconds on log rows, end to end."""
    slopes = {}
    for name in CONFIGURATIONS:
        for classifier in CLASSIFIERS:
            runs = sorted((r["rows"], r["total_s"]) for r in results
                          if r["name"] == name and r["classifier"] == classifier and r["status"] == "ok")
            if len(runs) >= 2 and runs[-1][0] > runs[0][0]:
                (n0, t0), (n1, t1) = runs[0], runs[-1]
                slopes[f"{name} | {classifier}"] = {
                    "from": n0, "to": n1, "exponent": math.log(t1 / t0) / math.log(n1 / n0)}
                sizes = sorted({n for n, _ in runs})
                if len(sizes) > 2:  # the slope at the large end too, latest runs of each size
                    latest = {r["rows"]: r["total_s"] for r in results if r["name"] == name
                              and r["classifier"] == classifier and r["status"] == "ok"}
                    nb = sizes[-2]
                    slopes[f"{name} | {classifier}"].update(
                        last_from=nb, last_exponent=math.log(latest[n1] / latest[nb]) / math.log(n1 / nb))
    return slopes


def _search(rows: int, timeout: float) -> dict:
    """The default search with XGBoost on a ``rows``-row Parquet table; its log's longest gap."""
    folder = Path(tempfile.mkdtemp(prefix="sedg-scale-"))
    table = folder / "big.parquet"
    make_large_table(rows).to_parquet(table)
    command = [sys.executable, "-m", "search.cli", "run", "--data", str(table), "--target", TARGET,
               "--classifier", "xgboost", "--storage-path", str(folder / "experiments"),
               "--name", "scale"]
    started = time.perf_counter()
    stamps, lines = [], []
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=dict(os.environ, PYTHONPATH=str(REPO)))
    try:
        for line in process.stdout:  # a pipe, not a terminal: the log a user would keep
            stamps.append(time.perf_counter() - started)
            lines.append(line.rstrip())
            if stamps[-1] > timeout:
                process.kill()
                break
        code = process.wait()
    finally:
        process.stdout.close()
    wall = time.perf_counter() - started
    gaps = [b - a for a, b in zip([0.0, *stamps], [*stamps, wall])]
    from benchmarks._one_evaluation import _commit

    return {"rows": rows, "command": " ".join(command[1:]), "exit_code": code, "wall_s": wall,
            "log_lines": len(lines), "longest_silence_s": max(gaps), "last_lines": lines[-12:],
            "commit": _commit()}


def _machine() -> str:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.platform()}, Python {platform.python_version()}, {cpus} CPUs available"


def _markdown(report: dict) -> str:
    lines = ["# Scale: one evaluation per method as the table grows", "",
             f"Machine: {report['machine']}. Command: `{report['command']}`.", "",
             "One evaluation = the 60/40 holdout once (seed 0), in a fresh process; seconds per "
             "phase, the process's peak resident memory (GiB) and the rows made. Runs past the "
             "timeout are listed as timeouts, not dropped. From commit 9ae87a6 on, each process "
             "first runs the same evaluation on 1,000 rows, untimed, so a method's first imports "
             "(torch: about 1.5 s, paid once per search worker) are not counted in its resample "
             "seconds; earlier rows count them.", "",
             "| rows | configuration | classifier | status | total s | baseline s | resample s "
             "| fit s | score s | resample ≤ fit | peak GiB | rows made | commit |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["results"]:
        if r["status"] != "ok":
            lines.append(f"| {r['rows']:,} | {r['name']} | {r['classifier']} | {r['status']} | "
                         f"{r.get('total_s', float('nan')):.0f} | | | | | | | | |")
            continue
        fits = "yes" if r["resample_s"] <= r["fit_s"] else "**no**"
        lines.append(
            f"| {r['rows']:,} | {r['name']} | {r['classifier']} | ok | {r['total_s']:.1f} | "
            f"{r['baseline_s']:.1f} | {r['resample_s']:.1f} | {r['fit_s']:.1f} | {r['score_s']:.1f} | "
            f"{fits} | {r['peak_gib']:.2f} | {r['rows_made']:,} | {r.get('commit', '')} |")
    lines += ["", "## Growth exponents (log seconds over log rows, smallest to largest size run)", "",
              "The last column is the slope between the latest runs at the largest size and the "
              "next size down, where fixed costs weigh least; the runs compared may be of different "
              "commits (see the table above).", "",
              "| configuration | classifier | rows | exponent | at the large end |", "|---|---|---|---|---|"]
    for key, slope in report["exponents"].items():
        name, classifier = key.split(" | ")
        end = (f"{slope['last_exponent']:.2f} ({slope['last_from']:,} → {slope['to']:,})"
               if "last_exponent" in slope else "")
        lines.append(f"| {name} | {classifier} | {slope['from']:,} → {slope['to']:,} | "
                     f"{slope['exponent']:.2f} | {end} |")
    searches = _searches(report)
    if searches:
        lines += ["", "## The default search with XGBoost, end to end", "",
                  "Every run, oldest first (a later commit's run does not replace an earlier one)."]
    for s in searches:
        lines += ["", f"`{s['command']}` on {s['rows']:,} rows at commit {s.get('commit', 'unknown')}: "
                  f"exit code {s['exit_code']}, {s['wall_s']:.0f} s, {s['log_lines']} log lines, "
                  f"longest silence {s['longest_silence_s']:.1f} s.", "", "Its last lines:", "", "```",
                  *s["last_lines"], "```"]
    if report.get("left_out"):
        lines += ["", "## Left out", "", *[f"- {item}" for item in report["left_out"]]]
    return "\n".join(lines) + "\n"


def _searches(report: dict) -> list[dict]:
    """The report's end-to-end search runs (older reports kept one, under ``search``)."""
    return [*([report["search"]] if report.get("search") else []), *report.get("searches", [])]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000],
                        help="table sizes of the evaluations (none: --search alone)")
    parser.add_argument("--configurations", nargs="+", default=list(CONFIGURATIONS),
                        choices=list(CONFIGURATIONS), metavar="NAME")
    parser.add_argument("--largest-configurations", nargs="+", default=None, metavar="NAME",
                        help="run only these at the largest size (the rest are listed as left out)")
    parser.add_argument("--classifiers", nargs="+", default=list(CLASSIFIERS), choices=CLASSIFIERS)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per evaluation")
    parser.add_argument("--search", action="store_true", help="also the default search at 10^5")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks")
    parser.add_argument("--append", action="store_true",
                        help="add to the results already in OUT/SCALE.json (a run in parts)")
    args = parser.parse_args(argv)
    command = "python -m benchmarks.scale " + " ".join(sys.argv[1:] if argv is None else argv)
    report = {"machine": _machine(), "command": command, "results": [], "left_out": []}
    if args.append and (args.out / "SCALE.json").exists():
        report = json.loads((args.out / "SCALE.json").read_text())
        report["command"] += f"`, then `{command}"
    largest = max(args.sizes, default=0)
    for rows in sorted(args.sizes):
        for name in args.configurations:
            if rows == largest and args.largest_configurations is not None \
                    and name not in args.largest_configurations:
                report["left_out"].append(f"{name} at {rows:,} rows (not run: time)")
                continue
            for classifier in args.classifiers:
                result = _one(rows, name, classifier, args.timeout)
                report["results"].append(result)
                print(json.dumps({k: result.get(k) for k in (
                    "rows", "name", "classifier", "status", "total_s", "resample_s", "fit_s",
                    "peak_gib")}), flush=True)
                _write(report, args.out, args.configurations)
    for classifier in set(CLASSIFIERS) - set(args.classifiers) if not args.append else ():
        # a run in parts says what it leaves out when it is whole, not after each part
        report["left_out"].append(f"{classifier} at {', '.join(f'{n:,}' for n in args.sizes)} rows "
                                  "(not run: time)")
    if args.search:
        report.setdefault("searches", []).append(_search(100_000, timeout=3600))
        print(json.dumps({k: v for k, v in report["searches"][-1].items() if k != "last_lines"}),
              flush=True)
    _write(report, args.out, args.configurations)


def _write(report: dict, out: Path, names) -> None:
    report["exponents"] = _exponents(report["results"])
    (out / "SCALE.json").write_text(json.dumps(report, indent=1, default=str) + "\n")
    (out / "SCALE.md").write_text(_markdown(report))


if __name__ == "__main__":
    main()
