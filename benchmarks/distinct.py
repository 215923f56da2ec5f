"""Does running every trial on a new configuration find a best no worse than before? The default
search with the product's searcher, distinct configurations against repeats allowed.

Run: ``python -m benchmarks.distinct [--seeds 6] [--trials 20] [--out benchmarks]`` from the
repository root. Writes ``DISTINCT.json`` and ``DISTINCT.md``.

Both arms drive the searcher ``sedg-search run`` builds (:func:`search.tune.searcher.make_searcher`
on the default settings: every default method, the random forest, the embedded grades, TPE with
each method tried first), in this process, two trials in flight, for ``trials`` trials:

- **distinct** (today): a proposal equal to a configuration already evaluated or running is
  answered to the study from what is known and drawn again;
- **repeats** (before): the same searcher with that turned off (``searcher.distinct = None``), so a
  repeat takes a trial of the budget.

A trial's value is its in-search mean improvement in QWK over the default's five paired splits
(phase ``search`` of :mod:`search.recipe`). Each arm's best by that value is then confirmed as the
product confirms it, on ten fresh splits (phase ``confirm``); within a seed (whose splits both
arms share) a configuration's values are computed once (the same configuration, the same
numbers). Every seed is reported. Left out: Ray (the searcher is the product's, driven here),
racing (every trial runs all its splits), time budgets.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks._seeds import mean_se, seeds_arguments


class Values:
    """A configuration's in-search and confirmed mean improvement, each computed once."""

    def __init__(self, settings, data) -> None:
        from evaluation import MemoryArtifacts

        self.settings, self.data = settings, data
        self.artifacts = MemoryArtifacts()  # baselines per split, shared
        self.cache: dict[tuple, float] = {}

    def __call__(self, config: dict, phase: str) -> float:
        from evaluation import evaluate
        from search.recipe import config_key, evaluation_config

        key = (phase, config_key(config))
        if key not in self.cache:
            row = {**config, "classifier": self.settings.classifiers[0]}
            config = evaluation_config(row, self.settings, phase)
            result = evaluate(self.data, config, artifacts=self.artifacts)
            self.cache[key] = float(result.deltas["delta_qwk"])
        return self.cache[key]


def one_arm(settings, values: Values, trials: int, distinct: bool) -> dict:
    """``trials`` trials of the default search's searcher, two in flight."""
    from ray.tune.search import Searcher

    from search.recipe import SEARCH, config_key
    from search.tune.searcher import make_searcher

    searcher = make_searcher(settings)
    if not distinct:
        searcher.distinct = None
    ran: list[dict] = []
    while len(ran) < trials:
        batch = []
        for _ in range(min(2, trials - len(ran))):
            trial_id = f"t{len(ran) + len(batch)}"
            config = searcher.suggest(trial_id)
            if config is None or config == Searcher.FINISHED:
                break
            batch.append((trial_id, config))
        if not batch:
            break  # the space is exhausted: fewer trials, said in the table
        for trial_id, config in batch:
            value = values(config, SEARCH)
            searcher.on_trial_complete(trial_id, {"delta_qwk": value})
            ran.append({**config, "delta_qwk": value})
    best = max(ran, key=lambda row: row["delta_qwk"])
    return {"trials": len(ran), "distinct": len({config_key(row) for row in ran}),
            "best_method": best["method"], "best_in_search": best["delta_qwk"],
            "best_config": {k: v for k, v in best.items() if k != "delta_qwk"}}


def main() -> None:
    from search._data import load_data
    from search.recipe import CONFIRM
    from search.settings import SearchSettings

    args = seeds_arguments(__doc__.splitlines()[0], trials=20)
    data = load_data(SearchSettings().data_spec())
    per_seed = []
    for seed in range(args.seeds):
        settings = SearchSettings(seed=seed, name=f"distinct-{seed}")
        values = Values(settings, data)  # the splits follow the seed
        entry = {"seed": seed}
        for arm in ("distinct", "repeats"):
            found = one_arm(settings, values, args.trials, distinct=arm == "distinct")
            found["best_confirmed"] = values(found.pop("best_config"), CONFIRM)
            entry[arm] = found
        per_seed.append(entry)
        print(json.dumps(entry), flush=True)
    summary = {"seeds": args.seeds, "trials": args.trials}
    for arm in ("distinct", "repeats"):
        for number in ("best_in_search", "best_confirmed", "distinct"):
            mean, se = mean_se([entry[arm][number] for entry in per_seed])
            summary[f"{arm}_{number}_mean"], summary[f"{arm}_{number}_se"] = mean, se
    paired = mean_se([e["distinct"]["best_confirmed"] - e["repeats"]["best_confirmed"] for e in per_seed])
    summary["paired_confirmed_difference_mean"], summary["paired_confirmed_difference_se"] = paired
    # The goal: distinct trials find a best no worse: its confirmed value not below the repeats'
    # by more than the repeats' standard error (above it is no loss); both sides are shown.
    summary["not_worse_beyond_one_se"] = (summary["distinct_best_confirmed_mean"]
                                          >= summary["repeats_best_confirmed_mean"]
                                          - summary["repeats_best_confirmed_se"])
    out = Path(args.out)
    (out / "DISTINCT.json").write_text(json.dumps({"summary": summary, "per_seed": per_seed}, indent=1))
    _write_markdown(out / "DISTINCT.md", args, summary, per_seed)


def _write_markdown(path: Path, args, summary: dict, per_seed: list[dict]) -> None:
    lines = ["# Distinct trials against repeats: the default search's best", "",
             f"Written by `python -m benchmarks.distinct --seeds {args.seeds} --trials {args.trials}` "
             "(its docstring says what it measures and leaves out). The default `sedg-search run` "
             "(every default method, random forest, embedded grades, TPE), its searcher driven "
             "in-process with two trials in flight; improvement in QWK.", "",
             "| seed | distinct: configurations | best (in-search) | its confirmed | repeats allowed: "
             "configurations | best (in-search) | its confirmed |", "|---|---|---|---|---|---|---|"]
    for e in per_seed:
        d, r = e["distinct"], e["repeats"]
        lines.append(f"| {e['seed']} | {d['distinct']} of {d['trials']} | {d['best_method']} "
                     f"{d['best_in_search']:+.4f} | {d['best_confirmed']:+.4f} | {r['distinct']} of "
                     f"{r['trials']} | {r['best_method']} {r['best_in_search']:+.4f} | "
                     f"{r['best_confirmed']:+.4f} |")
    s = summary
    lines += ["", f"Over {s['seeds']} seeds (mean ± standard error): distinct configurations "
              f"{s['distinct_distinct_mean']:.1f} against {s['repeats_distinct_mean']:.1f}; best in-search "
              f"{s['distinct_best_in_search_mean']:+.4f} ± {s['distinct_best_in_search_se']:.4f} against "
              f"{s['repeats_best_in_search_mean']:+.4f} ± {s['repeats_best_in_search_se']:.4f}; the best's "
              f"confirmed value {s['distinct_best_confirmed_mean']:+.4f} ± "
              f"{s['distinct_best_confirmed_se']:.4f} "
              f"against {s['repeats_best_confirmed_mean']:+.4f} ± {s['repeats_best_confirmed_se']:.4f} "
              f"(paired difference {s['paired_confirmed_difference_mean']:+.4f} ± "
              f"{s['paired_confirmed_difference_se']:.4f}). Distinct not below repeats by more than "
              f"their standard error: **{s['not_worse_beyond_one_se']}**.", ""]
    path.write_text("\n".join(lines))


if __name__ == "__main__":
    main()
