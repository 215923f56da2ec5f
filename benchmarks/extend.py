"""Does ``extend`` continue a search? A 50-trial TPE search against 25 trials + ``extend`` 25.

Run: ``python -m benchmarks.extend [--seeds 6] [--trials 50] [--out benchmarks]`` from the
repository root. Writes ``EXTEND.json`` and ``EXTEND.md``.

The objective and space are those of ``benchmarks.run``'s search-efficiency benchmark (the
resamplers with BLRR on student-por.csv, the improvement in QWK on one holdout, each
configuration evaluated once and cached) less ``none``, whose 0.0 is there the best of every
search and would make the two arms equal by construction, with Optuna in-process and two trials in flight (the
product's constant liar). Per seed:

- **one run**: TPE (``search.tune.searcher.make_sampler``) for ``trials`` trials;
- **run + extend**: TPE for half of them; then, as ``sedg-search extend`` does, a new study
  told every finished trial by :func:`search.experiment.history.replay_trials` and a sampler on the stream
  ``seed + trials done``, for the other half.

Both use the same objective, the same space and the same trial count; every seed is reported.
What it leaves out: Ray (the product runs the same replay in the driver), racing and the
confirmation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from benchmarks._seeds import mean_se, seeds_arguments

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "student-por.csv"
METHODS = ("smote", "borderline_smote", "gmcsmote", "random_over", "adasyn")


def _search(study, space, objective, trials: int, rows: list[dict]) -> None:
    """``trials`` more trials, two in flight at a time; each finished one appended to ``rows``
    as the store would hold it."""
    done = 0
    while done < trials:
        batch = [study.ask() for _ in range(min(2, trials - done))]
        for trial in batch:
            config = {**space(trial), **trial.params}
            value = objective(config)
            study.tell(trial, value)
            rows.append({**config, "trial_id": f"t{len(rows)}", "classifier": "blrr",
                         "status": "ok", "delta_qwk": value, "n_splits": 1})
            done += 1


def one_seed(seed: int, trials: int, objective) -> dict:
    import optuna

    from search.experiment.history import replay_trials
    from search.settings import SearchSettings
    from search.space import define_space
    from search.tune.searcher import make_sampler

    settings = SearchSettings(methods=METHODS, classifiers=("blrr",), seed=seed)
    space = define_space(METHODS, ["blrr"], n_synthetic=200)
    whole: list[dict] = []
    study = optuna.create_study(direction="maximize", sampler=make_sampler("tpe", seed))
    _search(study, space, objective, trials, whole)

    half = trials // 2
    parts: list[dict] = []
    first = optuna.create_study(direction="maximize", sampler=make_sampler("tpe", seed))
    _search(first, space, objective, half, parts)
    extended = optuna.create_study(direction="maximize", sampler=make_sampler("tpe", seed, done=half))
    replay_trials(extended, pd.DataFrame(parts), settings, {})
    _search(extended, space, objective, trials - half, parts)
    assert len(extended.trials) == trials
    return {"seed": seed, "one_run_best": max(r["delta_qwk"] for r in whole),
            "run_plus_extend_best": max(r["delta_qwk"] for r in parts),
            "best_after_first_half": max(r["delta_qwk"] for r in parts[:half]),
            "distinct_configurations_one_run": len({json.dumps(r, sort_keys=True, default=str)
                                                    for r in _configs(whole)}),
            "distinct_configurations_run_plus_extend": len({json.dumps(r, sort_keys=True, default=str)
                                                             for r in _configs(parts)})}


def _configs(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("trial_id", "status", "delta_qwk", "n_splits")}
            for r in rows]


def main() -> None:
    from benchmarks._objective import blrr_qwk_objective
    from sedg.datasets import load_table

    args = seeds_arguments(__doc__.splitlines()[0], trials=50)
    objective = blrr_qwk_objective(load_table(DATA, target="G3"))
    per_seed = []
    for seed in range(args.seeds):
        per_seed.append(one_seed(seed, args.trials, objective))
        print(json.dumps(per_seed[-1]), flush=True)
    one, both = mean_se([r["one_run_best"] for r in per_seed]), mean_se(
        [r["run_plus_extend_best"] for r in per_seed])
    paired = mean_se([r["run_plus_extend_best"] - r["one_run_best"] for r in per_seed])
    summary = {"trials": args.trials, "seeds": args.seeds, "one_run_best_mean": one[0],
               "one_run_best_se": one[1], "run_plus_extend_best_mean": both[0],
               "run_plus_extend_best_se": both[1], "paired_difference_mean": paired[0],
               "paired_difference_se": paired[1],
               # The goal: extending loses nothing, i.e. is not below the one run by more than
               # the one run's standard error (above it is no loss); both sides are shown.
               "not_worse_beyond_one_se": both[0] >= one[0] - one[1],
               "seeds_worse": sum(r["run_plus_extend_best"] < r["one_run_best"] for r in per_seed),
               "seeds_better": sum(r["run_plus_extend_best"] > r["one_run_best"] for r in per_seed)}
    out = Path(args.out)
    (out / "EXTEND.json").write_text(json.dumps({"summary": summary, "per_seed": per_seed}, indent=1))
    lines = ["# `extend` continues the search: 50 trials at once against 25 + extend 25", "",
             f"Written by `python -m benchmarks.extend --seeds {args.seeds} --trials {args.trials}` "
             "(see its docstring for what it measures and leaves out). Improvement in QWK, five "
             "resamplers with BLRR on student-por.csv, TPE with two trials in flight.", "",
             "| seed | one run: best | run + extend: best | best after the first half | "
             "distinct configurations (one run / run + extend) |", "|---|---|---|---|---|"]
    for r in per_seed:
        lines.append(f"| {r['seed']} | {r['one_run_best']:+.4f} | {r['run_plus_extend_best']:+.4f} | "
                     f"{r['best_after_first_half']:+.4f} | {r['distinct_configurations_one_run']} / "
                     f"{r['distinct_configurations_run_plus_extend']} |")
    lines += ["", f"Mean best over {args.seeds} seeds: one run {one[0]:+.4f} ± {one[1]:.4f} (standard "
              f"error), run + extend {both[0]:+.4f} ± {both[1]:.4f}; paired difference "
              f"{paired[0]:+.4f} ± {paired[1]:.4f}; run + extend better on {summary['seeds_better']} "
              f"seed(s), worse on {summary['seeds_worse']}. Not below the one run by more than its "
              f"standard error: **{summary['not_worse_beyond_one_se']}**.", ""]
    (out / "EXTEND.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
