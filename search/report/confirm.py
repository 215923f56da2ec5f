"""``sedg-search confirm``: re-evaluate the best configurations with fresh seeds.

The best of many noisy trials is biased upwards; re-running it with seeds
the search never saw tells whether its improvement holds. Each seed (and,
with ``cv``, each fold) pairs the configuration's metric with its baseline's
on the same split; a paired t-test says whether the mean difference is
non-zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import ttest_rel

from evaluation import EvaluationConfig, MemoryArtifacts, evaluate
from evaluation.metrics import IMPROVEMENTS
from search.query import best
from search.report._experiment import open_experiment
from search.settings import DEFAULT_STORAGE_PATH
from search.space import resampler_params
from sedg import SedgInputError

__all__ = ["confirm"]


def confirm(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, *, top: int = 3,
            seeds: int = 5) -> tuple[pd.DataFrame, list[Path]]:
    """Mean ± std of each improvement over ``seeds`` fresh seeds for the ``top`` configurations."""
    if not isinstance(top, int) or top < 1 or not isinstance(seeds, int) or seeds < 2:
        raise SedgInputError("--top must be >= 1 and --seeds >= 2 (a paired test needs two pairs)")
    experiment = open_experiment(name, storage_path)
    settings = experiment.settings
    metric = settings.metrics[0]
    leaders = best(name, storage_path, metric=metric, top=top, mode=settings.modes[0])
    if leaders.empty:
        raise SedgInputError(f"experiment {name!r} has no finished trials to confirm")
    rows = experiment.rows.set_index("trial_id")
    data = experiment.data()
    fresh = [settings.seed + 1000 + offset for offset in range(seeds)]
    records = []
    for trial_id in leaders["trial_id"]:
        row = rows.loc[trial_id].to_dict()
        method = row["method"]
        pairs: dict[str, list[tuple[float, float]]] = {m.removeprefix("delta_"): [] for m in IMPROVEMENTS}
        store = MemoryArtifacts()
        for seed in fresh:
            config = EvaluationConfig(classifier=row["classifier"], resampler=method,
                                      resampler_params=resampler_params(row, method),
                                      protocol=settings.protocol, seed=seed)
            result = evaluate(data, config, artifacts=store)
            folds = list(zip(result.fold_metrics, _fold_baselines(result)))
            for name_ in ("qwk", "accuracy", "macro_auc"):
                pairs[name_] += [(f[name_], b[name_]) for f, b in folds]
            pairs["minority_auc"].append((result.deltas["delta_minority_auc"], 0.0))
        record = {"trial_id": trial_id, "method": method, "classifier": row["classifier"],
                  f"search_{metric}": row[metric], "seeds": seeds}
        for name_, values in pairs.items():
            array = np.array(values, dtype=float)
            array = array[np.isfinite(array).all(axis=1)]
            differences = array[:, 0] - array[:, 1]
            record[f"delta_{name_}_mean"] = float(differences.mean()) if len(differences) else np.nan
            record[f"delta_{name_}_std"] = float(differences.std(ddof=1)) if len(differences) > 1 else np.nan
            test = ttest_rel(array[:, 0], array[:, 1]) if len(differences) > 1 else None
            record[f"delta_{name_}_p"] = float(test.pvalue) if test is not None else np.nan
        records.append(record)
    table = pd.DataFrame(records)
    out = experiment.output
    csv = out / "confirm.csv"
    table.to_csv(csv, index=False)
    markdown = out / "confirm.md"
    markdown.write_text(_markdown(table, seeds, settings.protocol))
    return table, [csv, markdown]


def _fold_baselines(result) -> list[dict]:
    """Per-fold baseline metrics: metric minus that fold's improvement."""
    return [
        {name: fold[name] for name in ("qwk", "accuracy", "macro_auc")}
        for fold in result.fold_baselines
    ]


def _markdown(table: pd.DataFrame, seeds: int, protocol: str) -> str:
    lines = [f"Re-evaluated with {seeds} fresh seeds ({protocol}); mean ± std of the improvement, "
             "paired t-test p-value against the baseline.", "",
             "| trial | method | classifier | " + " | ".join(
                 m.removeprefix("delta_") for m in IMPROVEMENTS) + " |",
             "|---|---|---|" + "---|" * len(IMPROVEMENTS)]
    for _, row in table.iterrows():
        cells = [f"{row[f'{m}_mean']:+.4f} ± {row[f'{m}_std']:.4f} (p={row[f'{m}_p']:.3g})"
                 for m in IMPROVEMENTS]
        head = f"| {row['trial_id']} | {row['method']} | {row['classifier']} | "
        lines.append(head + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
