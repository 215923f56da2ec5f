"""``sedg-search explain``: which features a generator changed, per class, and to what (paper §4.3)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.protocol import resample_split
from search._defaults import DEFAULT_STORAGE_PATH
from search._parameters import method_parameters
from search.experiment import OK, Experiment
from search.recipe import SEARCH, evaluation_config
from sedg import SedgInputError

__all__ = ["explain", "modification_table"]

GENERATORS = ("sedg", "dgm")


def _choose(experiment: Experiment, trial_id: str | None, config: dict | None) -> dict:
    """What to explain: ``config``, trial ``trial_id``, or the best generator as ``best`` ranks it."""
    if config is not None:
        if not isinstance(config, dict):
            raise SedgInputError('--config must be a JSON object of the configuration\'s values, '
                                 'such as {"method": "sedg", "n_synthetic": 100}')
        if config.get("method") not in GENERATORS:
            raise SedgInputError("--config must name method sedg or dgm")
        known = {"method", "classifier", *method_parameters(config["method"])}
        unknown = sorted(key for key in config
                         if key not in known and "__" not in key)  # <classifier>__<parameter>
        if unknown:
            raise SedgInputError(f"--config names {', '.join(map(repr, unknown))}, which "
                                 f"{config['method']} does not take; it takes {', '.join(sorted(known))}")
        return config
    if trial_id is not None:
        row = experiment.row(trial_id)
        if row is None or row.get("status") != OK or row.get("method") not in GENERATORS:
            raise SedgInputError(f"no finished sedg or dgm trial {trial_id!r} in this experiment")
        return {key: value for key, value in row.items() if value is not None}
    candidates = experiment.ranked(methods=GENERATORS)
    if candidates.empty:
        raise SedgInputError("the experiment has no finished sedg or dgm trial to explain")
    return {key: value for key, value in experiment.row(candidates.iloc[0]["trial_id"]).items()
            if value is not None}


def modification_table(data, X_synthetic, y_synthetic, original) -> pd.DataFrame:
    """Long table: per class and feature, the share of synthetic rows that changed it
    (against ``original``, the row each was made from) and the most common new values, decoded."""
    changed = ~np.isclose(X_synthetic, original)
    decoded = data.decode(X_synthetic)
    records = []
    for label in np.unique(y_synthetic):
        members = y_synthetic == label
        for index, feature in enumerate(data.feature_names):
            mask = members & changed[:, index]
            values = Counter(map(str, decoded.loc[mask, feature])).most_common(3)
            records.append({
                "class": data.name_labels([label])[0], "feature": feature,
                "synthetic_rows": int(members.sum()),
                "modified_share": float(mask.sum() / members.sum()),
                "top_values": "; ".join(f"{value} ({count})" for value, count in values),
            })
    return pd.DataFrame(records)


def _nearest_sources(X_train, y_train, X_synthetic, y_synthetic) -> np.ndarray:
    """For generators without a source row per sample: the nearest training row of the same class."""
    scale = X_train.std(axis=0) + 1e-9
    sources = np.empty(len(y_synthetic), dtype=int)
    for label in np.unique(y_synthetic):
        members = np.flatnonzero(y_train == label)
        rows = np.flatnonzero(y_synthetic == label)
        distance = (((X_synthetic[rows, None, :] - X_train[None, members, :]) / scale) ** 2).sum(axis=2)
        sources[rows] = members[distance.argmin(axis=1)]
    return sources


def explain(name: str, storage_path: str | Path = DEFAULT_STORAGE_PATH, *, trial_id: str | None = None,
            config: dict | None = None) -> list[Path]:
    """Re-run the chosen configuration on its training split; write a heat map PNG and a CSV."""
    from search.report._figures import figure, save

    experiment = Experiment.open(name, storage_path)
    settings = experiment.settings
    chosen = _choose(experiment, trial_id, config)
    data = experiment.data()
    # The trial's first split, resampled exactly as the search did it (rows, seed, classifier).
    made = resample_split(data, evaluation_config(chosen, settings, SEARCH), split=0)
    n_train = len(made.y_train)
    X_syn, y_syn = made.X_resampled[n_train:], made.y_resampled[n_train:]
    if chosen["method"] == "sedg":
        sources = made.sampler.sources_
    else:
        sources = _nearest_sources(made.X_train, made.y_train, X_syn, y_syn)
    X_train = made.X_train
    table = modification_table(data, X_syn, y_syn, X_train[sources])
    out = experiment.report_dir
    csv = out / "explain.csv"
    table.to_csv(csv, index=False)
    grid = table.pivot(index="class", columns="feature", values="modified_share")[list(data.feature_names)]
    fig, ax = figure(max(8, 0.32 * grid.shape[1] + 3), max(3, 0.35 * grid.shape[0] + 2))
    image = ax.imshow(grid.to_numpy(), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=90, fontsize=8)
    ax.set_yticks(range(grid.shape[0]), grid.index.astype(str))
    ax.set_xlabel("feature")
    ax.set_ylabel("class of the synthetic rows")
    label = json.dumps({k: chosen[k] for k in ("trial_id", "method") if k in chosen})
    ax.set_title(f"share of synthetic rows with the feature modified — {label}", fontsize=9)
    fig.colorbar(image, ax=ax, shrink=0.8)
    png = save(fig, out / "explain.png")
    experiment.push()
    return [png, csv]
