"""Every generator family against the others: a search per family with equal numbers of distinct
configurations, the top of each confirmed on fresh splits.

Run: ``python -m benchmarks.generators [--trials 3] [--confirm-repeats 5] [--out benchmarks]``
from the repository root (the ``ctgan`` and ``forest`` extras installed). Writes
``GENERATORS.json`` and ``GENERATORS.md``.

For each table (``student-por.csv`` beside the repository, and the embedded grades) and each
family, one ``sedg-search run`` in a fresh process: the family's methods only, the random
forest, the random searcher over ``trials`` distinct configurations (every trial a new one), the
search phase on the papers' single holdout, then ``--confirm-top 1``: the family's best by
in-search ΔQWK evaluated again on ``confirm_repeats`` fresh 60/40 splits, with the corrected
intervals (Nadeau and Bengio) the product reports. Reported: the confirmed ΔQWK, Δmacro-AUC and
Δminority-AUC with their intervals, the measures of the made rows of that configuration
(in-search), and seconds per trial. Every run is listed, failed and invalid trials counted, never
dropped. Class reweighting has one configuration, so one trial (its row says so).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
STUDENT_POR = REPO.parent / "shared" / "data" / "student-por.csv"

#: Families whose space holds fewer configurations than a search's trials: how many it holds.
CONFIGURATIONS_IN_SPACE = {"class reweighting": 1}
#: Each family and the methods it searches over.
FAMILIES = {
    "class reweighting": "class_weight",
    "classic resamplers": "random_over,smote,borderline_smote,adasyn,smote_tomek,smote_enn",
    "GMCSMOTE": "gmcsmote",
    "SEDG": "sedg",
    "DGMs (AE, VAE, AAE, AVAE, CAAE, CAVAE)": "dgm",
    "CTGAN": "ctgan",
    "TVAE": "tvae",
    "ForestDiffusion": "forest_diffusion",
}
METRICS = ("delta_qwk", "delta_macro_auc", "delta_minority_auc")
QUALITY = ("quality_column_distance", "quality_detection_auc", "quality_dcr_close_share",
           "quality_label_agreement")


def one_family(table: str, family: str, methods: str, trials: int, repeats: int, storage: Path) -> dict:
    name = f"{table}-{methods.split(',')[0]}"
    data = ["--data", str(STUDENT_POR), "--target", "G3"] if table == "student-por" else []
    command = [sys.executable, "-m", "search.cli", "run", *data, "--methods", methods,
               "--classifier", "random_forest", "--num-samples", str(trials), "--searcher", "random",
               "--protocol", "holdout", "--scheduler", "fifo", "--concurrency", "2", "--num-cpus", "2",
               "--confirm-top", "1", "--confirm-repeats", str(repeats), "--storage-path", str(storage),
               "--name", name]
    started = time.perf_counter()
    process = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    entry = {"table": table, "family": family, "methods": methods, "exit": process.returncode,
             "wall_s": round(time.perf_counter() - started, 1)}
    results = storage / name / "results"
    if not results.exists():
        entry["error"] = (process.stderr or process.stdout).strip().splitlines()[-1:]
        return entry
    rows = pd.read_parquet(results)
    entry["trials"] = len(rows)
    entry["status"] = rows["status"].value_counts().to_dict()
    entry["seconds_per_trial"] = round(float(rows["time_total"].mean()), 1)
    confirmed_path = storage / name / "confirmed"
    if not confirmed_path.exists():
        entry["error"] = ["nothing confirmed"]
        return entry
    confirmed = pd.read_parquet(confirmed_path).iloc[0]
    trial = rows.set_index("trial_id").loc[confirmed["trial_id"]]
    model = trial.get("model")  # the DGM family's method is one name for six models
    entry["best_method"] = trial["method"] + ("" if model is None or pd.isna(model) else f" ({model})")
    entry["confirmed_n_splits"] = int(confirmed["confirmed_n_splits"])
    for metric in METRICS:
        for end in ("", "_low", "_high"):
            value = confirmed.get(f"confirmed_{metric}{end}")
            entry[f"{metric}{end}"] = None if pd.isna(value) else round(float(value), 4)
    for column in QUALITY:
        value = trial.get(column)
        entry[column] = None if value is None or pd.isna(value) else round(float(value), 4)
    return entry


def _markdown(entries: list[dict], args) -> str:
    lines = [
        "# Generators: every family on both tables",
        "",
        f"Machine: {platform.platform()}, Python {platform.python_version()}, 2 CPUs. Command: "
        f"`python -m benchmarks.generators --trials {args.trials} --confirm-repeats {args.confirm_repeats}`.",
        "",
        __doc__.split("\n\n", 1)[1].strip(),
        "",
        "Intervals are 95 % corrected intervals over the fresh splits. A family whose interval "
        "for ΔQWK contains 0 has no improvement the confirmation supports; two families whose "
        "intervals overlap are not told apart here.",
        "",
        "| table | family | best method | trials (status) | ΔQWK [95 %] | Δmacro-AUC [95 %] | "
        "Δminority-AUC [95 %] | column distance | detection AUC | DCR close share | label agreement "
        "| s per trial | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def interval(entry, metric):
        if entry.get(metric) is None:
            return "–"
        return f"{entry[metric]:+.4f} [{entry[metric + '_low']:+.4f}, {entry[metric + '_high']:+.4f}]"

    for entry in entries:
        status = ", ".join(f"{n} {s}" for s, n in entry.get("status", {}).items()) or "–"
        quality = [("–" if entry.get(c) is None else f"{entry[c]:.4f}") for c in QUALITY]
        lines.append(
            f"| {entry['table']} | {entry['family']} | {entry.get('best_method', '–')} | "
            f"{entry.get('trials', 0)} ({status}) | {interval(entry, 'delta_qwk')} | "
            f"{interval(entry, 'delta_macro_auc')} | {interval(entry, 'delta_minority_auc')} | "
            f"{' | '.join(quality)} | {entry.get('seconds_per_trial', '–')} | {entry['wall_s']} |")
        if entry.get("error"):
            lines.append(f"|  | ↳ {entry['family']}: {' '.join(entry['error'])} |" + " |" * 11)
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--confirm-repeats", type=int, default=5)
    parser.add_argument("--tables", nargs="+", default=["student-por", "grades"])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES))
    parser.add_argument("--out", default=str(REPO / "benchmarks"))
    args = parser.parse_args(argv)
    entries = []
    with tempfile.TemporaryDirectory() as storage:
        for table in args.tables:
            for family in args.families:
                trials = min(args.trials, CONFIGURATIONS_IN_SPACE.get(family, args.trials))
                entry = one_family(table, family, FAMILIES[family], trials, args.confirm_repeats,
                                   Path(storage))
                print(json.dumps(entry), flush=True)
                entries.append(entry)
    out = Path(args.out)
    (out / "GENERATORS.json").write_text(json.dumps(entries, indent=1) + "\n")
    (out / "GENERATORS.md").write_text(_markdown(entries, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
