"""Column types of the results store, derived from the search space itself.

Every row file of an experiment carries the same columns, so that
``pandas.read_parquet(results_dir)`` sees every parameter: pyarrow takes a
data set's schema from one file. The parameter columns are found by running
each method's space function on a recording trial, once per combination of
categorical choices (so nested conditional parameters are found too).
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa

__all__ = [
    "CORE_COLUMNS", "classifier_parameters", "evaluations_schema", "method_parameters",
    "results_schema",
]

#: One row per (trial, split): which split, its seed, and whether the search or a
#: confirmation evaluated it; the metric columns follow.
EVALUATION_COLUMNS: dict[str, pa.DataType] = {
    "trial_id": pa.string(),
    "phase": pa.string(),
    "split": pa.int64(),
    "seed": pa.int64(),
}

CORE_COLUMNS: dict[str, pa.DataType] = {
    "trial_id": pa.string(),
    "status": pa.string(),
    "error": pa.string(),
    "traceback": pa.string(),
    "method": pa.string(),
    "fallback": pa.string(),
    "nominal": pa.string(),  # how an interpolating method treated nominal features
    "classifier": pa.string(),
    "protocol": pa.string(),
    "seed": pa.int64(),
    "dataset": pa.string(),
    "dataset_fingerprint": pa.string(),
    "node_id": pa.string(),
    "cpu_share": pa.float64(),
    "gpu_share": pa.float64(),
    "finished_at": pa.string(),
    "n_train": pa.int64(),
    "synthetic_rows": pa.int64(),
    "n_folds": pa.int64(),
    "n_splits": pa.int64(),
    "baseline_cache_hits": pa.int64(),
    "artifacts_reused": pa.string(),
    "resampler_info": pa.string(),
    "imputed": pa.string(),
    "time_data": pa.float64(),
    "time_baseline": pa.float64(),
    "time_resample": pa.float64(),
    "time_fit": pa.float64(),
    "time_score": pa.float64(),
    "time_total": pa.float64(),
    "time_wait": pa.float64(),  # blocked while another trial computed a shared artifact
}


class _RecordingTrial:
    """Stands in for an Optuna trial: records each suggestion, follows a path of choices.

    Categorical suggestions branch; numbers do not (branching on both ends of every
    number multiplies the paths by two per number): they all take their ``end``, and
    :func:`explore` sweeps the tree once with every low end and once with every high
    end, so branches conditioned on a number (``iterations > 1``) are found.
    """

    def __init__(self, path: list[int], end: str = "low") -> None:
        self.path, self.end, self.taken, self.branches, self.params = path, end, [], [], {}

    def _branch(self, choices):
        index = self.path[len(self.taken)] if len(self.taken) < len(self.path) else 0
        self.taken.append(index)
        self.branches.append(len(choices))
        return choices[index]

    def suggest_categorical(self, name: str, choices):
        self.params[name] = _categorical_type(choices)
        return self._branch(list(choices))

    def suggest_int(self, name: str, low: int, high: int, **_) -> int:
        self.params[name] = pa.float64()  # float so that rows without it hold null
        return low if self.end == "low" else high

    def suggest_float(self, name: str, low: float, high: float, **_) -> float:
        self.params[name] = pa.float64()
        return low if self.end == "low" else high


def _categorical_type(choices) -> pa.DataType:
    values = [choice for choice in choices if choice is not None]
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return pa.float64()
    if values and all(isinstance(v, bool) for v in values):
        return pa.bool_()
    return pa.string()


def explore(space_function) -> dict[str, pa.DataType]:
    """Every parameter ``space_function(trial)`` can suggest, over its categorical branches.

    A path whose suggestions (names, in order) repeat an explored one is not expanded
    again: its alternatives were tried from that one. This keeps the walk near the sum,
    not the product, of the choices of independent dimensions.
    """
    found: dict[str, pa.DataType] = {}
    seen: set[tuple] = set()
    pending: list[tuple[list[int], str]] = [([], "low"), ([], "high")]
    while pending:
        path, end = pending.pop()
        trial = _RecordingTrial(path, end)
        constants = space_function(trial) or {}
        found.update(trial.params)
        found.update({name: _categorical_type([value]) for name, value in constants.items()})
        signature = (end, tuple(trial.params), tuple(trial.branches))
        if signature in seen and len(path) > 0:
            continue
        seen.add(signature)
        for position in range(len(path), len(trial.branches)):
            for choice in range(1, trial.branches[position]):
                pending.append((trial.taken[:position] + [choice], end))
    return found


@cache
def method_parameters(method: str) -> dict[str, pa.DataType]:
    """The parameters a method's space can suggest, with their column types."""
    from evaluation.methods import METHODS

    return explore(lambda trial: METHODS[method].space(trial, {"classifier": None, "n_synthetic": 200}))


@cache
def classifier_parameters(classifier: str) -> dict[str, pa.DataType]:
    """A classifier's own tunable parameters, as ``<classifier>__<param>`` columns."""
    from evaluation.classifiers import CLASSIFIERS

    space = CLASSIFIERS[classifier].space
    return explore(lambda trial: space(trial, f"{classifier}__")) if space is not None else {}


def results_schema(methods, metric_names, classifiers=()) -> pa.Schema:
    """Core columns, every parameter of ``methods`` (and of ``classifiers``, when they are
    tuned), then the metric columns (float)."""
    fields = dict(CORE_COLUMNS)
    for method in methods:
        for name, kind in method_parameters(method).items():
            fields.setdefault(name, kind)
    for classifier in classifiers:
        for name, kind in classifier_parameters(classifier).items():
            fields.setdefault(name, kind)
    for name in metric_names:
        fields.setdefault(name, pa.float64())
    return pa.schema(list(fields.items()))


def evaluations_schema(metric_names) -> pa.Schema:
    """The per-split store: identification, then every metric, baseline metric and improvement."""
    fields = dict(EVALUATION_COLUMNS)
    fields.update({name: pa.float64() for name in metric_names if not name.endswith("_se")})
    return pa.schema(list(fields.items()))
