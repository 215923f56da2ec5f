"""What the DGM step budget costs and buys: seconds and quality per ``max_steps`` as the table grows.

Run: ``python -m benchmarks.dgm_budget [--sizes 10000 100000] [--budgets 3000 1000 600]
[--models vae aae cavae] [--seeds 3]`` from the repository root. Writes ``DGM_BUDGET.json``
and ``DGM_BUDGET.md``.

Per size, seed, model and budget, on the generated ordinal table
(:mod:`benchmarks._large_table`), a stratified 60/40 split (the seed's): the generator
makes its 200 rows from the training part (``DGMSampler`` defaults but ``max_steps``),
timed; XGBoost is then fitted on the training part with them and scored on the test part.
Reported: the resample seconds beside the classifier's fit seconds, the improvement in
QWK over the same classifier without the rows (the baseline is fitted once per split
and shared by the budgets), and the **label agreement** of the rows made: the share of
them that the baseline classifier, fitted on real rows only, gives the label the
generator meant, beside the same share for real test rows of the same classes (the
classifier's recall per class, weighted by the rows made of each). It says whether the
rows look like their class; a generator that has learnt less makes rows further from it.
Every run is reported; none is dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks._large_table import TARGET, make_large_table

REPO = Path(__file__).resolve().parents[1]


def _runs(rows: int, seed: int, models, budgets) -> list[dict]:
    from sklearn.model_selection import train_test_split

    from evaluation import make_classifier
    from evaluation.metrics import quadratic_weighted_kappa
    from sedg import DGMSampler
    from sedg.datasets import encode_frame

    data = encode_frame(make_large_table(rows), TARGET, name=f"budget{rows}")
    X, y = np.asarray(data.X), np.asarray(data.y)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, stratify=y,
                                                        random_state=seed)
    labels = np.unique(y)
    baseline = make_classifier("xgboost", data, random_state=seed).fit(X_train, y_train)
    predicted = baseline.predict(X_test)
    base_qwk = quadratic_weighted_kappa(y_test, predicted, labels)
    recall = {k: float(np.mean(predicted[y_test == k] == k)) for k in labels}
    found = []
    for model in models:
        for budget in budgets:
            sampler = DGMSampler(model=model, max_steps=budget, discrete_features=list(data.discrete_indices),
                                 random_state=seed)
            started = time.perf_counter()
            X_res, y_res = sampler.fit_resample(X_train, y_train)
            resample_s = time.perf_counter() - started
            made, meant = X_res[len(y_train):], y_res[len(y_train):]
            classifier = make_classifier("xgboost", data, random_state=seed)
            started = time.perf_counter()
            classifier.fit(X_res, y_res)
            fit_s = time.perf_counter() - started
            qwk = quadratic_weighted_kappa(y_test, classifier.predict(X_test), labels)
            found.append({"rows": rows, "seed": seed, "model": model, "max_steps": budget,
                          "resample_s": resample_s, "fit_s": fit_s, "stopped_epoch": sampler.stopped_epoch_,
                          "delta_qwk": qwk - base_qwk,
                          "label_agreement": float(np.mean(baseline.predict(made) == meant)),
                          "real_agreement": float(np.mean([recall[k] for k in meant]))})
            print(json.dumps(found[-1]), flush=True)
    return found


def _summary(runs: list[dict]) -> list[dict]:
    """Mean and standard error over seeds per (rows, model, budget)."""
    keys = sorted({(r["rows"], r["model"], r["max_steps"]) for r in runs},
                  key=lambda k: (k[0], k[1], -k[2]))
    out = []
    for rows, model, budget in keys:
        group = [r for r in runs if (r["rows"], r["model"], r["max_steps"]) == (rows, model, budget)]
        row = {"rows": rows, "model": model, "max_steps": budget, "seeds": len(group)}
        for name in ("resample_s", "fit_s", "delta_qwk", "label_agreement", "real_agreement"):
            values = np.array([r[name] for r in group])
            row[name] = float(values.mean())
            row[f"{name}_se"] = (float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1
                                 else float("nan"))
        row["resample_le_fit"] = sum(r["resample_s"] <= r["fit_s"] for r in group)
        out.append(row)
    return out


def _markdown(report: dict) -> str:
    lines = ["# DGM step budget: seconds and quality", "",
             f"Command: `{report['command']}`, at commit {report['commit']}.", "",
             __doc__.split("\n\n", 2)[2].strip(), "",
             "Means over seeds ± standard error; *resample ≤ fit* counts the seeds where it held.", "",
             "| rows | model | max_steps | resample s | fit s | resample ≤ fit | Δ QWK | label agreement "
             "| real rows |",
             "|---|---|---|---|---|---|---|---|---|"]
    for s in report["summary"]:
        lines.append(
            f"| {s['rows']:,} | {s['model']} | {s['max_steps']} | {s['resample_s']:.1f} ± "
            f"{s['resample_s_se']:.1f} | {s['fit_s']:.1f} | {s['resample_le_fit']}/{s['seeds']} | "
            f"{s['delta_qwk']:+.4f} ± {s['delta_qwk_se']:.4f} | {s['label_agreement']:.3f} ± "
            f"{s['label_agreement_se']:.3f} | {s['real_agreement']:.3f} |")
    lines += ["", "Every run:", "", "| rows | seed | model | max_steps | resample s | fit s | stopped epoch "
              "| Δ QWK | label agreement | real rows |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in report["runs"]:
        lines.append(f"| {r['rows']:,} | {r['seed']} | {r['model']} | {r['max_steps']} | "
                     f"{r['resample_s']:.1f} | {r['fit_s']:.1f} | {r['stopped_epoch']} | "
                     f"{r['delta_qwk']:+.4f} | {r['label_agreement']:.3f} | {r['real_agreement']:.3f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--budgets", type=int, nargs="+", default=[3000, 1000, 600])
    parser.add_argument("--models", nargs="+", default=["vae", "aae", "cavae"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks")
    parser.add_argument("--append", action="store_true", help="add to the runs in OUT/DGM_BUDGET.json")
    args = parser.parse_args(argv)
    from benchmarks._one_evaluation import _commit

    command = "python -m benchmarks.dgm_budget " + " ".join(sys.argv[1:] if argv is None else argv)
    report = {"command": command, "commit": _commit(), "runs": []}
    if args.append and (args.out / "DGM_BUDGET.json").exists():
        report = json.loads((args.out / "DGM_BUDGET.json").read_text())
        report["command"] += f"`, then `{command}"
        report["commit"] += f", then {_commit()}"
    for rows in args.sizes:
        for seed in range(args.seeds):
            report["runs"] += _runs(rows, seed, args.models, args.budgets)
            report["summary"] = _summary(report["runs"])
            (args.out / "DGM_BUDGET.json").write_text(json.dumps(report, indent=1) + "\n")
            (args.out / "DGM_BUDGET.md").write_text(_markdown(report))


if __name__ == "__main__":
    main()
