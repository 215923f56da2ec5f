"""Calibration: is the configuration a search calls best really that good?

Run: ``python -m benchmarks.calibration [--quick] [--out benchmarks]`` from the repository root.
Writes ``CALIBRATION.md`` and ``CALIBRATION.json`` (``-quick`` suffixed with ``--quick``).

For each data set (student-por.csv and the embedded grades) and each search seed, the same
design (random forest; methods sedg, smote, none; the same trial budget) is searched three ways:

- (a) today's answer: one holdout split per trial, the best is the max over trials;
- (b) the product's default: repeated paired splits, racing, confirmation on fresh splits;
- (b') the same without racing (every trial runs every split), to see what racing saves.

The configuration each one chooses is then re-evaluated independently, on 10 repeated holdout
splits from a seed stream neither the search nor the confirmation used. Reported per run: the
in-search value of the chosen configuration, (b)'s confirmed value, the independent value with its
standard error, the optimism gap (in-search − independent), whether confirmed and independent
agree within two combined standard errors, and whether the chosen one is significantly below zero.
Nothing is dropped: every seed's run is a row. Wall times are whole searches (Ray start included).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
INDEPENDENT_STREAM = 3  # neither the search's (0), nor the confirmation's (1), nor the final test's (2)
INDEPENDENT_REPEATS = 10


def _search(storage: Path, name: str, data: str | None, seed: int, trials: int, **changes) -> dict:
    from search import SearchSettings, best, run

    settings = SearchSettings(
        data=data, target="G3", methods=("sedg", "smote", "none"), classifiers=("random_forest",),
        num_samples=trials, concurrency=2, seed=seed, name=name, storage_path=str(storage), **changes)
    started = time.perf_counter()
    rows = run(settings)
    wall = time.perf_counter() - started
    top = best(name, storage, top=1).iloc[0].to_dict()
    splits_done = int(rows["n_splits"].fillna(0).sum())
    return {"settings": settings, "rows": rows, "wall_s": wall, "chosen": top,
            "splits_done": splits_done, "splits_planned": len(rows) * settings.n_splits}


def _independent(settings, chosen: dict) -> tuple[float, float]:
    from evaluation import EvaluationConfig, MemoryArtifacts, evaluate
    from search._data import load_data
    from search.recipe import resampler_params

    data = load_data(settings.data_spec())
    method = chosen["method"]
    config = EvaluationConfig(
        classifier="random_forest", resampler=method, resampler_params=resampler_params(chosen, method),
        protocol="repeated_holdout", repeats=INDEPENDENT_REPEATS, seed=settings.seed,
        stream=INDEPENDENT_STREAM)
    result = evaluate(data, config, artifacts=MemoryArtifacts())
    return result.deltas["delta_qwk"], result.standard_errors["delta_qwk_se"]


def _significantly_below_zero(mean: float, se: float, n: int) -> bool:
    from scipy.stats import t as student_t

    return mean + student_t.ppf(0.95, n - 1) * se < 0


def calibrate(data: str | None, label: str, seeds: list[int], trials: int, repeats: int,
              storage: Path, race: dict | None = None) -> list[dict]:
    """Every seed's three searches and the independent re-evaluation of each choice."""
    rows = []
    for seed in seeds:
        today = _search(storage, f"{label}-a-{seed}", data, seed, trials, protocol="holdout",
                        scheduler="fifo", confirm_top=0)
        product = _search(storage, f"{label}-b-{seed}", data, seed, trials, repeats=repeats, **(race or {}))
        unraced = _search(storage, f"{label}-c-{seed}", data, seed, trials, repeats=repeats,
                          scheduler="fifo", confirm_top=0)
        for way, outcome in (("a: holdout + max", today), ("b: repeated + race + confirm", product),
                             ("b': repeated, no racing", unraced)):
            chosen = outcome["chosen"]
            mean, se = _independent(outcome["settings"], chosen)
            row = {"data": label, "seed": seed, "way": way, "chosen": _describe(chosen),
                   "in_search": chosen["delta_qwk"], "independent": mean, "independent_se": se,
                   "gap": chosen["delta_qwk"] - mean,
                   "below_zero": bool(_significantly_below_zero(mean, se, INDEPENDENT_REPEATS)),
                   "wall_s": outcome["wall_s"], "split_evaluations": outcome["splits_done"],
                   "split_evaluations_all": outcome["splits_planned"]}
            confirmed = chosen.get("confirmed_delta_qwk")
            if confirmed is not None and not (isinstance(confirmed, float) and math.isnan(confirmed)):
                confirmed_se = chosen["confirmed_delta_qwk_se"]
                row.update(confirmed=confirmed, confirmed_se=confirmed_se,
                           agree=bool(abs(confirmed - mean) <= 2 * math.hypot(confirmed_se, se)))
            rows.append(row)
            print(json.dumps(row, default=str), flush=True)
    return rows


def _describe(chosen: dict) -> str:
    keys = ("sample_selection", "feature_selection", "feature_modification", "k_neighbors")
    parts = [f"{k}={chosen[k]}" for k in keys if chosen.get(k) is not None and chosen.get(k) == chosen.get(k)]
    return f"{chosen['method']}({', '.join(parts)})"


def _reported(frame: pd.DataFrame) -> pd.DataFrame:
    """What each way answers: (a) and (b') their in-search value, (b) its confirmed value."""
    frame = frame.copy()
    for column in ("below_zero", "agree"):  # booleans may come back from JSON as strings
        if column in frame:
            frame[column] = frame[column].map(lambda v: None if v is None or v != v else v in (True, "True"))
    confirmed = frame["confirmed"] if "confirmed" in frame else pd.Series(np.nan, index=frame.index)
    frame["reported"] = confirmed.where(confirmed.notna(), frame["in_search"])
    frame["reported_gap"] = frame["reported"] - frame["independent"]
    return frame


def _summary(frame: pd.DataFrame) -> pd.DataFrame:
    grouped = frame.groupby(["data", "way"], sort=False)
    summary = grouped.agg(runs=("seed", "count"), mean_in_search=("in_search", "mean"),
                          mean_reported=("reported", "mean"), mean_independent=("independent", "mean"),
                          mean_gap=("gap", "mean"), mean_reported_gap=("reported_gap", "mean"),
                          below_zero=("below_zero", "sum"), mean_wall_s=("wall_s", "mean"),
                          split_evaluations=("split_evaluations", "sum"),
                          split_evaluations_all=("split_evaluations_all", "sum"))
    summary["below_zero"] = grouped["below_zero"].apply(lambda v: f"{int(v.sum())}/{len(v)}")
    if "agree" in frame:
        summary["confirmed_agrees"] = grouped["agree"].apply(
            lambda v: f"{int(v.dropna().sum())}/{v.notna().sum()}" if v.notna().any() else "")
    summary["split_evaluations_saved"] = 1 - summary["split_evaluations"] / summary["split_evaluations_all"]
    return summary.reset_index()


def _table(frame: pd.DataFrame) -> str:
    def cell(value):
        if isinstance(value, float):
            return "" if math.isnan(value) else f"{value:+.4f}" if abs(value) < 10 else f"{value:.1f}"
        return str(value)

    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body])


def _markdown(frame: pd.DataFrame, summary: pd.DataFrame, meta: dict) -> str:
    alpha = meta.get("race_alpha")
    options = " --quick" if meta["quick"] else ""
    options += f" --race-alpha {alpha:g}" if alpha is not None else ""
    lines = ["# Calibration of the chosen configuration", "",
             f"`python -m benchmarks.calibration{options}`: "
             + "; ".join(f"{label}: seeds {seeds}, {trials} trials per search"
                         for label, seeds, trials in meta["sets"])
             + f"; repeats {meta['repeats']}; total {meta['total_s']:.0f} s on {meta['machine']}.", "",
             "ΔQWK of the configuration each way chose. *in_search*: what the search measured "
             "(a: its single split; b, b': the mean over its splits); *confirmed*: (b)'s confirmation "
             "on fresh splits; *reported*: the improvement each way answers with (a, b': in_search; "
             "b: confirmed); *independent*: a re-evaluation on "
             f"{INDEPENDENT_REPEATS} more fresh splits; *gap*: in_search − independent; "
             "*reported_gap*: reported − independent; "
             "*below_zero*: independent significantly below zero (one-sided 95 %); *agree*: "
             "|confirmed − independent| ≤ 2 combined standard errors. Wall times include Ray's start "
             "and (b)'s confirmation.", "",
             "## Summary", "", _table(summary), "",
             "## Every run", "", _table(frame), ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    import platform

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one seed, 12 trials, embedded data only")
    parser.add_argument("--out", default=str(REPO / "benchmarks"))
    parser.add_argument("--data", default=str(REPO.parent / "shared" / "data" / "student-por.csv"))
    parser.add_argument("--from-json", help="re-render the tables of an earlier run's JSON")
    parser.add_argument("--race-alpha", type=float,
                        help="racing level for (b) instead of the product's default (output file suffixed)")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(Path(args.from_json).read_text())
        frame = _reported(pd.DataFrame(saved["runs"]))
        text = _markdown(frame, _summary(frame), saved["meta"])
        Path(args.from_json).with_suffix(".md").write_text(text)
        print(text)
        return 0
    if not Path(args.data).is_file():
        print(f"calibration: error: data file not found: {args.data}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    repeats = 5
    # (data, label, seeds, trials): the setting (student-por, 30 trials), and the
    # embedded data with a smaller budget, so that the whole run fits in about 30 minutes.
    sets = ([(None, "grades", [0], 12)] if args.quick else
            [(args.data, "student-por", [0, 1, 2], 30), (None, "grades", [0, 1], 20)])
    with tempfile.TemporaryDirectory() as storage:
        race = {"race_alpha": args.race_alpha} if args.race_alpha is not None else None
        rows = [row for data, label, seeds, trials in sets
                for row in calibrate(data, label, seeds, trials, repeats, Path(storage), race)]
    frame = _reported(pd.DataFrame(rows))
    summary = _summary(frame)
    meta = {"quick": args.quick, "race_alpha": args.race_alpha,
            "sets": [(label, seeds, trials) for _, label, seeds, trials in sets],
            "repeats": repeats,
            "total_s": time.perf_counter() - started,
            "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores"}
    out = Path(args.out)
    suffix = ("-quick" if args.quick else "") + (
        f"-race-alpha-{args.race_alpha:g}" if args.race_alpha is not None else "")
    (out / f"CALIBRATION{suffix}.json").write_text(
        json.dumps({"meta": meta, "runs": rows}, indent=1, default=str))
    text = _markdown(frame, summary, meta)
    (out / f"CALIBRATION{suffix}.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
